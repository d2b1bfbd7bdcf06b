import { describe, expect, it } from 'vitest';
import type { ClaimingRobot } from './claim-conflict.js';
import { cycleThrough, cyclicComponents, resolveDeadlocks, waitForEdges } from './wait-for-graph.js';

const p = (xM: number, yM: number) => ({ xM, yM });
function robot(id: string, at: [number, number], claim: [number, number][], missionPriority = 0): ClaimingRobot {
  const position = p(...at);
  return {
    robotId: id,
    safetyStopped: false,
    carryingPayload: false,
    missionPriority,
    position,
    radiusM: 0.3,
    claim: [position, ...claim.map(([x, y]) => p(x, y))],
    preview: [position],
  };
}

describe('waitForEdges', () => {
  it('makes the later robot of a crossing wait for the other by priority', () => {
    const edges = waitForEdges([robot('a', [-3, 0], [[1, 0]], 5), robot('b', [0, -3], [[0, 1]], 1)], 0.1);
    expect(edges).toEqual([{ from: 'b', to: 'a', why: 'priority' }]);
  });

  it('makes both of a head-on meeting wait for each other (a cycle) and a follower wait for the one ahead', () => {
    const headOn = waitForEdges([robot('a', [0, 0], [[4, 0]], 5), robot('b', [3, 0], [[-1, 0]], 1)], 0.1);
    expect(headOn.map((e) => `${e.from}>${e.to}`)).toEqual(['a>b', 'b>a']);
    const follow = waitForEdges([robot('a', [0, 0], [[4, 0]], 1), robot('b', [2, 0], [[6, 0]], 5)], 0.1);
    expect(follow).toEqual([{ from: 'a', to: 'b', why: 'in-the-way' }]);
  });

  it('makes an idle robot standing in a claimed way wait for the mover too, and no edge between robots whose claims are apart', () => {
    const idle = waitForEdges([robot('a', [0, 0], [[4, 0]], 5), robot('b', [2, 0], [])], 0.1);
    expect(idle.map((e) => `${e.from}>${e.to}`)).toEqual(['a>b', 'b>a']);
    expect(waitForEdges([robot('a', [0, 0], [[4, 0]]), robot('b', [0, 3], [[4, 3]])], 0.1)).toEqual([]);
  });
});

describe('cycles', () => {
  const edge = (from: string, to: string) => ({ from, to, why: 'in-the-way' as const });

  it('finds the cyclic components and a cycle through a robot, in order', () => {
    const edges = [edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('d', 'a')];
    expect(cyclicComponents(['a', 'b', 'c', 'd'], edges)).toEqual([['a', 'b', 'c']]);
    expect(cycleThrough('b', edges)).toEqual(['b', 'c', 'a']);
    expect(cycleThrough('d', edges)).toBeNull();
  });

  it('breaks every cycle by the lowest-priority robot of it, passing over the stuck ones, leaving an acyclic graph', () => {
    const robots = [robot('a', [0, 0], [], 9), robot('b', [0, 0], [], 5), robot('c', [0, 0], [], 1)];
    const edges = [edge('a', 'b'), edge('b', 'c'), edge('c', 'a')];
    const resolved = resolveDeadlocks(robots, edges);
    expect(resolved.backingOff).toEqual(['c']);
    expect(resolved.cycles).toEqual([['c', 'a', 'b']]);
    expect(cyclicComponents(['a', 'b', 'c'], resolved.edges)).toEqual([]);
    expect(resolveDeadlocks(robots, edges, new Set(['c'])).backingOff).toEqual(['b']);
    expect(resolveDeadlocks(robots, edges, new Set(['a', 'b', 'c'])).backingOff).toEqual([]);
  });
});
