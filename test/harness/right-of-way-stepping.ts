/**
 * A tiny multi-robot stepping harness for the right-of-way decision: robots are discs moving along
 * their paths at a speed, each deciding every step from the states and claims its peers published
 * the step before (one step of latency, as over the mesh), in a world of free rectangles. A robot
 * told to back off drives to the passing place by the shortest lattice route, holds there while told
 * to, then drives back to its path and on. Pure: no clock, no I/O.
 */
import type { Point2D } from '../../messages/geometry.js';
import type { PeerState, PeerView, RightOfWayClaim, RobotPriority } from '../../messages/peer.js';
import type { RightOfWayDecision } from '../../cortex/right-of-way/right-of-way.js';
import { RightOfWay } from '../../cortex/right-of-way/right-of-way.js';
import type { RightOfWaySettings } from '../../cortex/right-of-way/right-of-way-settings.js';

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Free space: the union of the rectangles; null for an open area with no walls. */
export type FreeSpace = readonly Rect[] | null;

export interface SteppingRobot extends RobotPriority {
  start: Point2D;
  /** Waypoints to drive through, the last one the goal. */
  route: Point2D[];
  radiusM: number;
  speedMps: number;
}

export interface SteppingOutcome {
  steps: number;
  /** Every robot reached its goal. */
  allArrived: boolean;
  arrivedAtStep: Map<string, number>;
  /** Pairs of footprints that overlapped, with the step. */
  overlaps: { a: string; b: string; step: number; distanceM: number }[];
  /** Smallest gap between two footprints over the run, metres. */
  minGapM: number;
  /** How many steps each robot spent backing off. */
  backOffSteps: Map<string, number>;
  /** How many steps each robot spent holding. */
  holdSteps: Map<string, number>;
  deadlocksSeen: number;
  /** The decisions of the last step, by robot. */
  last: Map<string, RightOfWayDecision>;
  /** Where each robot was at every step (for assertions on where it waited). */
  trace: Map<string, Point2D[]>;
}

function inside(p: Point2D, r: Rect): boolean {
  return p.xM >= r.x0 && p.xM <= r.x1 && p.yM >= r.y0 && p.yM <= r.y1;
}

/** True when a disc of `radiusM` at `p` lies in the free space (centre and 16 points of its rim). */
export function discFree(space: FreeSpace, p: Point2D, radiusM: number): boolean {
  if (space === null) return true;
  const inUnion = (q: Point2D): boolean => space.some((r) => inside(q, r));
  if (!inUnion(p)) return false;
  for (let k = 0; k < 16; k++) {
    const a = (k * Math.PI) / 8;
    if (!inUnion({ xM: p.xM + radiusM * Math.cos(a), yM: p.yM + radiusM * Math.sin(a) })) return false;
  }
  return true;
}

const LATTICE_M = 0.1;

/** The shortest 8-connected lattice route through free space from `from` to `to` (straight in the open). */
function latticeRoute(space: FreeSpace, radiusM: number, from: Point2D, to: Point2D): Point2D[] {
  if (space === null) return [to];
  const key = (i: number, j: number): string => `${i},${j}`;
  const fi = Math.round(from.xM / LATTICE_M);
  const fj = Math.round(from.yM / LATTICE_M);
  const ti = Math.round(to.xM / LATTICE_M);
  const tj = Math.round(to.yM / LATTICE_M);
  const came = new Map<string, string | null>([[key(fi, fj), null]]);
  const queue: [number, number][] = [[fi, fj]];
  for (let h = 0; h < queue.length && queue.length < 200_000; h++) {
    const [i, j] = queue[h] as [number, number];
    if (i === ti && j === tj) break;
    for (const [di, dj] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
      [1, 1],
      [1, -1],
      [-1, 1],
      [-1, -1],
    ] as const) {
      const k = key(i + di, j + dj);
      if (came.has(k)) continue;
      const p = { xM: (i + di) * LATTICE_M, yM: (j + dj) * LATTICE_M };
      if (!discFree(space, p, radiusM * 0.95) && !(i + di === ti && j + dj === tj)) continue;
      came.set(k, key(i, j));
      queue.push([i + di, j + dj]);
    }
  }
  if (!came.has(key(ti, tj))) return [to];
  const cells: Point2D[] = [];
  let at: string | null = key(ti, tj);
  while (at !== null) {
    const [i, j] = at.split(',').map(Number) as [number, number];
    cells.push({ xM: i * LATTICE_M, yM: j * LATTICE_M });
    at = came.get(at) ?? null;
  }
  cells.reverse();
  cells[cells.length - 1] = to;
  return cells.slice(1);
}

interface Live {
  spec: SteppingRobot;
  pos: Point2D;
  yaw: number;
  /** Remaining path the robot plans to drive (its mission route, or the way back to it). */
  path: Point2D[];
  backOffRoute: Point2D[] | null;
  backOffTo: Point2D | null;
  row: RightOfWay;
  published: { state: PeerState; claim: RightOfWayClaim | null } | null;
  claimSeq: number;
  vMps: number;
}

function advance(live: Live, along: Point2D[], distanceM: number): void {
  let left = distanceM;
  while (left > 1e-12 && along.length > 0) {
    const next = along[0] as Point2D;
    const d = Math.hypot(next.xM - live.pos.xM, next.yM - live.pos.yM);
    if (d > 1e-9) live.yaw = Math.atan2(next.yM - live.pos.yM, next.xM - live.pos.xM);
    if (d <= left) {
      live.pos = { ...next };
      along.shift();
      left -= d;
    } else {
      const t = left / d;
      live.yaw = Math.atan2(next.yM - live.pos.yM, next.xM - live.pos.xM);
      live.pos = { xM: live.pos.xM + t * (next.xM - live.pos.xM), yM: live.pos.yM + t * (next.yM - live.pos.yM) };
      left = 0;
    }
  }
}

/** The point of the polyline `[from, ...route]` nearest to `p`, and the route from just after it. */
function rejoin(route: readonly Point2D[], p: Point2D): Point2D[] {
  let best = Infinity;
  let bestPoint: Point2D = p;
  let bestIndex = 0;
  for (let i = 0; i < route.length; i++) {
    const a = i === 0 ? p : (route[i - 1] as Point2D);
    const b = route[i] as Point2D;
    const dx = b.xM - a.xM;
    const dy = b.yM - a.yM;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.xM - a.xM) * dx + (p.yM - a.yM) * dy) / len2));
    const q = { xM: a.xM + t * dx, yM: a.yM + t * dy };
    const d = Math.hypot(q.xM - p.xM, q.yM - p.yM);
    if (d < best) {
      best = d;
      bestPoint = q;
      bestIndex = i;
    }
  }
  return [bestPoint, ...route.slice(bestIndex)];
}

/** The path the robot plans: its route, or, off it at a passing place, the way back to it and on. */
function plannedPath(live: Live): Point2D[] {
  return live.backOffRoute !== null ? rejoin(live.path, live.pos) : [...live.path];
}

export interface SteppingOptions {
  space: FreeSpace;
  settings: RightOfWaySettings;
  maxSteps: number;
  dtS?: number;
}

/** Runs the robots until all have arrived or the step budget is spent. */
export function runFleet(robots: readonly SteppingRobot[], options: SteppingOptions): SteppingOutcome {
  const dtS = options.dtS ?? 0.05;
  const forMs = options.settings.claimForMs;
  const lives: Live[] = robots.map((spec) => ({
    spec,
    pos: { ...spec.start },
    yaw: 0,
    path: spec.route.map((p) => ({ ...p })),
    backOffRoute: null,
    backOffTo: null,
    row: new RightOfWay(options.settings),
    published: null,
    claimSeq: 0,
    vMps: 0,
  }));
  const outcome: SteppingOutcome = {
    steps: 0,
    allArrived: false,
    arrivedAtStep: new Map(),
    overlaps: [],
    minGapM: Infinity,
    backOffSteps: new Map(robots.map((r) => [r.robotId, 0])),
    holdSteps: new Map(robots.map((r) => [r.robotId, 0])),
    deadlocksSeen: 0,
    last: new Map(),
    trace: new Map(robots.map((r) => [r.robotId, []])),
  };
  for (let step = 0; step < options.maxSteps; step++) {
    const nowUs = step * dtS * 1e6;
    const decisions = lives.map((live) => {
      const peers: PeerView[] = lives
        .filter((other) => other !== live && other.published !== null)
        .map((other) => ({
          id: other.spec.robotId,
          online: true,
          bootId: 'boot',
          state: other.published?.state ?? null,
          claim: other.published?.claim ?? null,
          ageMs: dtS * 1e3,
          stale: false,
        }));
      return live.row.decide({
        nowUs,
        self: {
          robotId: live.spec.robotId,
          safetyStopped: live.spec.safetyStopped,
          carryingPayload: live.spec.carryingPayload,
          missionPriority: live.spec.missionPriority,
          pose: { xM: live.pos.xM, yM: live.pos.yM, yawRad: live.yaw },
          footprintRadiusM: live.spec.radiusM,
          path: plannedPath(live),
        },
        peers,
        passable: (p) => discFree(options.space, p, live.spec.radiusM),
      });
    });
    lives.forEach((live, i) => {
      const d = decisions[i] as RightOfWayDecision;
      outcome.last.set(live.spec.robotId, d);
      if (d.deadlock !== null) outcome.deadlocksSeen++;
      const before = { ...live.pos };
      const stepM = live.spec.speedMps * dtS;
      if (d.backOff !== null) {
        outcome.backOffSteps.set(live.spec.robotId, (outcome.backOffSteps.get(live.spec.robotId) ?? 0) + 1);
        const to = d.backOff.to;
        if (live.backOffTo === null || Math.hypot(live.backOffTo.xM - to.xM, live.backOffTo.yM - to.yM) > 1e-6) {
          live.backOffTo = to;
          live.backOffRoute = latticeRoute(options.space, live.spec.radiusM, live.pos, to);
        }
        advance(live, live.backOffRoute as Point2D[], stepM);
      } else if (d.hold !== null) {
        outcome.holdSteps.set(live.spec.robotId, (outcome.holdSteps.get(live.spec.robotId) ?? 0) + 1);
      } else {
        if (live.backOffRoute !== null) {
          // Back on its way: from the passing place to the nearest point of its path, then on.
          const back = rejoin(live.path, live.pos);
          live.path = [
            ...latticeRoute(options.space, live.spec.radiusM, live.pos, back[0] as Point2D),
            ...back.slice(1),
          ];
          live.backOffRoute = null;
          live.backOffTo = null;
        }
        advance(live, live.path, stepM);
      }
      live.vMps = Math.hypot(live.pos.xM - before.xM, live.pos.yM - before.yM) / dtS;
      if (live.path.length === 0 && live.backOffRoute === null && !outcome.arrivedAtStep.has(live.spec.robotId)) {
        outcome.arrivedAtStep.set(live.spec.robotId, step);
      }
      const claim: RightOfWayClaim = {
        robotId: live.spec.robotId,
        claimSeq: ++live.claimSeq,
        path: d.claim.path,
        fromUs: nowUs,
        untilUs: nowUs + forMs * 1e3,
      };
      live.published = {
        state: {
          robotId: live.spec.robotId,
          safetyStopped: live.spec.safetyStopped,
          carryingPayload: live.spec.carryingPayload,
          missionPriority: live.spec.missionPriority,
          atUs: nowUs,
          pose: { xM: live.pos.xM, yM: live.pos.yM, yawRad: live.yaw },
          vMps: live.vMps,
          wRadps: 0,
          pathPreview: plannedPath(live),
          footprintRadiusM: live.spec.radiusM,
        },
        claim,
      };
      outcome.trace.get(live.spec.robotId)?.push({ ...live.pos });
    });
    for (let i = 0; i < lives.length; i++) {
      for (let j = i + 1; j < lives.length; j++) {
        const a = lives[i] as Live;
        const b = lives[j] as Live;
        const gap = Math.hypot(a.pos.xM - b.pos.xM, a.pos.yM - b.pos.yM) - a.spec.radiusM - b.spec.radiusM;
        outcome.minGapM = Math.min(outcome.minGapM, gap);
        if (gap < 0) outcome.overlaps.push({ a: a.spec.robotId, b: b.spec.robotId, step, distanceM: gap });
      }
    }
    outcome.steps = step + 1;
    if (outcome.arrivedAtStep.size === lives.length) {
      outcome.allArrived = true;
      break;
    }
  }
  return outcome;
}
