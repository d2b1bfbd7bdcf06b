import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../scenario.js';
import { CollisionMonitor, distanceOutsideFence } from './collision-monitor.js';
import { footprintPolygon } from './geometry.js';
import { WorldMap } from './world-map.js';

/** 4 m x 3 m room; a 0.4 m box centred at (2, 2.5). */
const map = new WorldMap(
  parseScenarioText(
    `
name: collision-test
world:
  walls: [[0, 0, 4, 0], [4, 0, 4, 3], [4, 3, 0, 3], [0, 3, 0, 0]]
  obstacles:
    - { box: { xM: 2, yM: 2.5, widthM: 0.4, heightM: 0.4 } }
robots:
  - id: robot-1
    start: { xM: 1, yM: 1 }
    mission: { drive: { vMps: 0, durationS: 1 } }
`,
    'collision-test.yaml',
  ).world,
);

/** The 0.30 x 0.24 m footprint facing east with its centre at (xM, yM). */
const at = (xM: number, yM: number) => footprintPolygon({ xM, yM, yawRad: 0 }, 0.3, 0.24);

describe('CollisionMonitor', () => {
  it('tracks the smallest clearance and counts nothing while clear', () => {
    const monitor = new CollisionMonitor(map);
    expect(monitor.minClearanceM).toBe(Infinity);
    expect(monitor.update(0, at(1, 1))).toBeCloseTo(0.85, 9);
    monitor.update(0.1, at(3, 1));
    monitor.update(0.2, at(2, 1));
    expect(monitor.minClearanceM).toBeCloseTo(0.85, 9);
    expect(monitor.lastClearanceM).toBeCloseTo(0.88, 9);
    expect(monitor.collisions).toBe(0);
  });

  it('counts driving into a wall once while contact persists', () => {
    const monitor = new CollisionMonitor(map);
    // Front edge at x = 3.85 + 0.15 = 4.0: touching the east wall; then pressed further in.
    for (const [t, x] of [
      [0, 3.7],
      [0.1, 3.8],
      [0.2, 3.85],
      [0.3, 3.9],
      [0.4, 3.9],
    ] as const) {
      monitor.update(t, at(x, 1.5));
    }
    expect(monitor.collisions).toBe(1);
    expect(monitor.collisionEvents).toEqual([{ simTimeS: 0.2, withWhat: 'wall' }]);
    expect(monitor.minClearanceM).toBe(0);
    expect(monitor.touchingNow()).toEqual(['wall']);
  });

  it('counts a new collision after backing off and touching again', () => {
    const monitor = new CollisionMonitor(map);
    monitor.update(0, at(3.9, 1.5));
    monitor.update(1, at(3.5, 1.5));
    monitor.update(2, at(3.9, 1.5));
    expect(monitor.collisionEvents).toEqual([
      { simTimeS: 0, withWhat: 'wall' },
      { simTimeS: 2, withWhat: 'wall' },
    ]);
  });

  it('a graze that wobbles within the release margin is one contact', () => {
    const monitor = new CollisionMonitor(map);
    // 0.0005 m off the wall: touching; 0.003 m: still within the 0.005 m release margin.
    monitor.update(0, at(3.8495, 1.5));
    monitor.update(0.01, at(3.847, 1.5));
    monitor.update(0.02, at(3.8495, 1.5));
    expect(monitor.collisions).toBe(1);
    monitor.update(0.03, at(3.84, 1.5));
    monitor.update(0.04, at(3.8495, 1.5));
    expect(monitor.collisions).toBe(2);
  });

  it('does not count a near miss beyond the contact distance', () => {
    const monitor = new CollisionMonitor(map);
    monitor.update(0, at(3.848, 1.5));
    expect(monitor.collisions).toBe(0);
    expect(monitor.minClearanceM).toBeCloseTo(0.002, 9);
  });

  it('tells obstacles from walls', () => {
    const monitor = new CollisionMonitor(map);
    // Box spans y 2.3..2.7; the footprint's north edge at 2.18 + 0.12 = 2.30.
    monitor.update(5, at(2, 2.18));
    expect(monitor.collisionEvents).toEqual([{ simTimeS: 5, withWhat: 'obstacle' }]);
  });

  it('counts contacts with different things apart, even overlapping in time', () => {
    const monitor = new CollisionMonitor(map);
    monitor.update(0, at(3.9, 1.5));
    const peer = { id: 'robot-2', polygon: at(3.9, 1.7) };
    monitor.update(1, at(3.9, 1.5), [peer]);
    monitor.update(2, at(3.9, 1.5), [peer]);
    expect(monitor.collisionEvents).toEqual([
      { simTimeS: 0, withWhat: 'wall' },
      { simTimeS: 1, withWhat: 'robot:robot-2' },
    ]);
  });

  it('measures clearance to other robots', () => {
    const monitor = new CollisionMonitor(map);
    const clearance = monitor.update(0, at(1, 1.5), [{ id: 'robot-2', polygon: at(1.5, 1.5) }]);
    expect(clearance).toBeCloseTo(0.2, 9);
    expect(monitor.collisions).toBe(0);
  });

  it('forgets a contact with a robot that has left the world, so a later contact counts', () => {
    const monitor = new CollisionMonitor(map);
    const peer = { id: 'robot-2', polygon: at(1.2, 1.5) };
    monitor.update(0, at(1, 1.5), [peer]);
    monitor.update(1, at(1, 1.5), []);
    monitor.update(2, at(1, 1.5), [peer]);
    expect(monitor.collisions).toBe(2);
  });
});

describe('CollisionMonitor: what each contact was', () => {
  it('records the true pose and speed of each contact, and when the smallest clearance was seen', () => {
    const monitor = new CollisionMonitor(map);
    monitor.update(1, at(2, 1.5), [], { pose: { xM: 2, yM: 1.5, yawRad: 0 }, speedMps: 0.2 });
    // The box's south face is at y = 2.3; the footprint's north edge at y + 0.12.
    monitor.update(2, at(2, 2.18), [], { pose: { xM: 2, yM: 2.18, yawRad: 0 }, speedMps: 0.31 });
    monitor.update(3, at(2, 1.5), [], { pose: { xM: 2, yM: 1.5, yawRad: 0 }, speedMps: -0.1 });
    expect(monitor.collisionEvents).toEqual([
      { simTimeS: 2, withWhat: 'obstacle', pose: { xM: 2, yM: 2.18, yawRad: 0 }, speedMps: 0.31 },
    ]);
    expect(monitor.minClearanceM).toBe(0);
    expect(monitor.minClearanceAtS).toBe(2);
  });
});

describe('distanceOutsideFence', () => {
  const fence = [
    { xM: 0, yM: 0 },
    { xM: 4, yM: 0 },
    { xM: 4, yM: 3 },
    { xM: 0, yM: 3 },
  ];
  it('is 0 with the footprint inside, and the farthest corner beyond the fence otherwise', () => {
    expect(distanceOutsideFence(at(2, 1.5), fence)).toBe(0);
    // Centre 0.05 m beyond the east edge: the front corners are 0.2 m out.
    expect(distanceOutsideFence(at(4.05, 1.5), fence)).toBeCloseTo(0.2, 9);
  });
});
