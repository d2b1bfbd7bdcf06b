import type { ClaimingRobot } from './claim-conflict.js';
import { bodyInClaimAhead, claimsAhead, claimsConflict } from './claim-conflict.js';
import { comparePriority } from './priority.js';

/** Why one robot waits for another. */
export type WaitReason =
  /** The other's footprint stands in the way it claimed ahead: it waits for it to clear. */
  | 'in-the-way'
  /** Their claims conflict and the other goes first by priority. */
  | 'priority';

export interface WaitEdge {
  from: string;
  to: string;
  why: WaitReason;
}

/**
 * Who waits for whom, over robots that all see the same claims. For each pair whose claims conflict:
 * - a robot whose claimed way ahead holds the other's footprint waits for it ('in-the-way'); an idle
 *   robot (claiming only where it stands) standing in a mover's claimed way waits for the mover too,
 *   so that it can be told to move aside;
 * - when neither stands in the other's way and both claim a way ahead, the one that goes later by
 *   {@link comparePriority} waits for the other ('priority').
 * Both robots of a head-on meeting stand in each other's way: a cycle, resolved by {@link resolveDeadlocks}.
 * The result is sorted (from, to), so every robot builds the same list from the same robots.
 */
export function waitForEdges(robots: readonly ClaimingRobot[], marginM: number): WaitEdge[] {
  const edges: WaitEdge[] = [];
  for (let i = 0; i < robots.length; i++) {
    for (let j = i + 1; j < robots.length; j++) {
      const a = robots[i] as ClaimingRobot;
      const b = robots[j] as ClaimingRobot;
      if (!claimsConflict(a, b, marginM)) continue;
      let aWaits = bodyInClaimAhead(a, b, marginM);
      let bWaits = bodyInClaimAhead(b, a, marginM);
      if (aWaits && !claimsAhead(b)) bWaits = true;
      if (bWaits && !claimsAhead(a)) aWaits = true;
      if (aWaits) edges.push({ from: a.robotId, to: b.robotId, why: 'in-the-way' });
      if (bWaits) edges.push({ from: b.robotId, to: a.robotId, why: 'in-the-way' });
      if (aWaits || bWaits) continue;
      const [later, first] = comparePriority(a, b) < 0 ? [b, a] : [a, b];
      if (!claimsAhead(later) || !claimsAhead(first)) continue;
      edges.push({ from: later.robotId, to: first.robotId, why: 'priority' });
    }
  }
  return edges.sort((x, y) => compareIds(x.from, y.from) || compareIds(x.to, y.to));
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The strongly connected components of the graph with more than one robot (each holds a cycle), ids sorted. */
export function cyclicComponents(ids: readonly string[], edges: readonly WaitEdge[]): string[][] {
  const out = new Map<string, string[]>();
  for (const id of ids) out.set(id, []);
  for (const e of edges) out.get(e.from)?.push(e.to);
  // Tarjan's algorithm, iterative so a long chain cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of [...ids].sort(compareIds)) {
    if (index.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; next: number };
      const targets = out.get(frame.id) ?? [];
      if (frame.next < targets.length) {
        const to = targets[frame.next++] as string;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ id: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(to) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) {
        low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number));
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        if (component.length > 1) components.push(component.sort(compareIds));
      }
    }
  }
  return components.sort((a, b) => compareIds(a[0] as string, b[0] as string));
}

/** One wait-for cycle through `start` within the graph, in order (`start` waits for the next, ...), or null. */
export function cycleThrough(start: string, edges: readonly WaitEdge[]): string[] | null {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const list = out.get(e.from) ?? [];
    list.push(e.to);
    out.set(e.from, list);
  }
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const at = queue[head] as string;
    for (const to of out.get(at) ?? []) {
      if (to === start) {
        const cycle = [at];
        let back = at;
        while (back !== start) {
          back = cameFrom.get(back) as string;
          cycle.push(back);
        }
        return cycle.reverse();
      }
      if (cameFrom.has(to)) continue;
      cameFrom.set(to, at);
      queue.push(to);
    }
  }
  return null;
}

export interface DeadlockResolution {
  /** Robots that back off to a passing place, each the lowest-priority robot of a cycle. */
  backingOff: string[];
  /** The edges left once the robots backing off wait for no one: acyclic. */
  edges: WaitEdge[];
  /** The cycles found, each in order starting at the robot that backs off for it. */
  cycles: string[][];
}

/**
 * Breaks every wait-for cycle: the lowest-priority robot of each cyclic component backs off (it stops
 * waiting and drives to a passing place, so its edges out go), until none is left. Robots of
 * `cannotBackOff` (seen stuck: they found no passing place) are passed over for the next lowest; a
 * component made only of them is left as it is. Every robot that builds the graph from the same
 * claims finds the same robots.
 */
export function resolveDeadlocks(
  robots: readonly ClaimingRobot[],
  edges: readonly WaitEdge[],
  cannotBackOff: ReadonlySet<string> = new Set(),
): DeadlockResolution {
  const byId = new Map(robots.map((r) => [r.robotId, r]));
  const ids = robots.map((r) => r.robotId);
  let left = [...edges];
  const backingOff: string[] = [];
  const cycles: string[][] = [];
  for (let round = 0; round <= robots.length; round++) {
    const components = cyclicComponents(ids, left);
    let broken = 0;
    for (const component of components) {
      let lowest: string | undefined;
      for (const id of component) {
        if (cannotBackOff.has(id)) continue;
        const robot = byId.get(id) as ClaimingRobot;
        if (lowest === undefined || comparePriority(robot, byId.get(lowest) as ClaimingRobot) > 0) lowest = id;
      }
      const cycle = cycleThrough(lowest ?? (component[0] as string), left);
      if (cycle !== null && !cycles.some((c) => sameCycle(c, cycle))) cycles.push(cycle);
      if (lowest === undefined) continue;
      backingOff.push(lowest);
      broken++;
    }
    if (broken === 0) break;
    const gone = new Set(backingOff);
    left = left.filter((e) => !gone.has(e.from));
  }
  return { backingOff: backingOff.sort(compareIds), edges: left, cycles };
}

function sameCycle(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
