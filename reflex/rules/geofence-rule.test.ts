import { describe, expect, it } from 'vitest';
import type { Point2D, Pose2D } from '../../messages/geometry.js';
import { ROOM_FENCE, T0, inputsAt, reflexSettings, runningArbiter } from '../../test/harness/reflex-fixtures.js';
import { stoppingDistanceM } from '../arbiter.js';
import { distanceToBoundaryM, insidePolygon } from '../../messages/polygon.js';

/** The parameter defaults (config/params.ts `reflex.*`), in the arbiter's units, with {@link ROOM_FENCE}. */
const SETTINGS = reflexSettings({}, ROOM_FENCE);

const EAST = 0;
const WEST = Math.PI;
const NORTH = Math.PI / 2;

function pose(xM: number, yM: number, yawRad: number): Pose2D {
  return { xM, yM, yawRad };
}

describe('rule geofence: inside', () => {
  it('lets the robot drive towards the fence while the fence is beyond its stopping distance', () => {
    const arbiter = runningArbiter(SETTINGS);
    const now = T0 + 10_000;
    const decision = arbiter.update(now, inputsAt(now, 0.5, 0, { pose: pose(2, 1.5, EAST) }));
    expect(decision).toMatchObject({ action: 'none', vMps: 0.5 });
  });

  it('stops when heading out would cross the fence within the stopping distance; the turn passes', () => {
    // GIVEN a robot 0.2 m from the east fence, heading east at 0.5 m/s (stopping distance 0.25 m)
    const arbiter = runningArbiter(SETTINGS);
    const now = T0 + 10_000;
    expect(stoppingDistanceM(0.5, SETTINGS)).toBeCloseTo(0.25, 12);

    // WHEN it updates
    const decision = arbiter.update(now, inputsAt(now, 0.5, 0.6, { pose: pose(3.8, 1.5, EAST) }));

    // THEN it stops before leaving, says within what distance, and still lets it turn away
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0.6, rule: 'geofence' });
    expect(decision.reason).toBe('would leave the geofence within 0.25 m');
    expect(decision.trip).toEqual({ rule: 'geofence', reason: decision.reason });
  });

  it('judges by the stopping distance of the commanded speed: slower may come closer', () => {
    // 0.1 m/s: stopping distance 0.005 + 0.005 + 0.1 = 0.11 m, inside the 0.2 m left
    const arbiter = runningArbiter(SETTINGS);
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.1, 0, { pose: pose(3.8, 1.5, EAST) }))).toMatchObject({
      action: 'none',
      vMps: 0.1,
    });
  });

  it('lets the robot drive away from a fence it is close to', () => {
    const arbiter = runningArbiter(SETTINGS);
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.5, 0, { pose: pose(3.95, 1.5, WEST) }))).toMatchObject({
      action: 'none',
      vMps: 0.5,
    });
  });

  it('stops reversing out over the fence', () => {
    // GIVEN a robot 0.2 m from the east fence, facing west, reversing (towards the fence)
    const arbiter = runningArbiter(SETTINGS);
    const now = T0 + 10_000;
    const decision = arbiter.update(now, inputsAt(now, -0.5, 0, { pose: pose(3.8, 1.5, WEST) }));

    // THEN it stops before leaving
    expect(decision).toMatchObject({ action: 'stop', rule: 'geofence', vMps: 0 });
    expect(decision.reason).toBe('would leave the geofence within 0.25 m');
  });

  it('releases at once when the command keeps the robot inside', () => {
    const arbiter = runningArbiter(SETTINGS);
    let now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.5, 0, { pose: pose(3.8, 1.5, EAST) })).action).toBe('stop');
    now += 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.1, 0, { pose: pose(3.8, 1.5, EAST) }))).toMatchObject({
      action: 'none',
      vMps: 0.1,
    });
  });
});

describe('rule geofence: outside', () => {
  it('stops heading further out, saying how far out it is', () => {
    // GIVEN a robot 0.5 m east of the fence, heading east
    const arbiter = runningArbiter(SETTINGS);
    const now = T0 + 10_000;

    // WHEN the planner asks to drive on
    const decision = arbiter.update(now, inputsAt(now, 0.3, 0, { pose: pose(4.5, 1.5, EAST) }));

    // THEN it stops, naming the distance out and what is allowed
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, rule: 'geofence' });
    expect(decision.reason).toBe('outside the geofence (0.50 m out): only motion back inside is allowed');
  });

  it('stops driving along the fence outside it (not closer)', () => {
    const arbiter = runningArbiter(SETTINGS);
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { pose: pose(4.5, 1.5, NORTH) }))).toMatchObject({
      action: 'stop',
      rule: 'geofence',
    });
  });

  it('allows driving back in, forwards', () => {
    // GIVEN a robot 0.5 m east of the fence, facing west (back towards the room)
    const arbiter = runningArbiter(SETTINGS);
    const now = T0 + 10_000;

    // WHEN the planner asks to drive
    const decision = arbiter.update(now, inputsAt(now, 0.3, 0, { pose: pose(4.5, 1.5, WEST) }));

    // THEN the command passes
    expect(decision).toEqual({ action: 'none', vMps: 0.3, wRadps: 0, rule: '', reason: '', trip: null });
  });

  it('allows reversing back in', () => {
    const arbiter = runningArbiter(SETTINGS);
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, -0.3, 0, { pose: pose(4.5, 1.5, EAST) }))).toMatchObject({
      action: 'none',
      vMps: -0.3,
    });
  });

  it('always allows rotation in place, whichever way the robot faces', () => {
    const arbiter = runningArbiter(SETTINGS);
    let now = T0 + 10_000;
    for (const yaw of [EAST, NORTH, WEST, -NORTH]) {
      now += 10_000;
      const decision = arbiter.update(now, inputsAt(now, 0, 1.5, { pose: pose(4.5, 1.5, yaw) }));
      expect(decision).toMatchObject({ action: 'none', vMps: 0, wRadps: 1.5 });
    }
  });

  it('turns round and drives back in: stopped facing out, turning allowed, driving allowed once facing in', () => {
    // GIVEN a robot stopped outside, facing out
    const arbiter = runningArbiter(SETTINGS);
    let now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { pose: pose(4.5, 1.5, EAST) })).rule).toBe('geofence');

    // WHEN it asks to drive while turning, still facing out
    now += 10_000;
    const turning = arbiter.update(now, inputsAt(now, 0.3, 1.0, { pose: pose(4.5, 1.5, NORTH) }));

    // THEN only the turn passes
    expect(turning).toMatchObject({ action: 'stop', rule: 'geofence', vMps: 0, wRadps: 1.0 });

    // WHEN it faces back in
    now += 10_000;
    const back = arbiter.update(now, inputsAt(now, 0.3, 0, { pose: pose(4.5, 1.5, WEST) }));

    // THEN it drives
    expect(back).toMatchObject({ action: 'none', vMps: 0.3 });
  });
});

describe('rule geofence: off', () => {
  it('is silent with no fence, a fence of fewer than 3 points, or no pose', () => {
    const now = T0 + 10_000;
    const out = pose(10, 10, EAST);
    expect(runningArbiter(reflexSettings({}, null)).update(now, inputsAt(now, 0.3, 0, { pose: out })).action).toBe(
      'none',
    );
    expect(
      runningArbiter(reflexSettings({}, ROOM_FENCE.slice(0, 2))).update(now, inputsAt(now, 0.3, 0, { pose: out }))
        .action,
    ).toBe('none');
    expect(runningArbiter(SETTINGS).update(now, inputsAt(now, 0.3, 0, { pose: null })).action).toBe('none');
    expect(runningArbiter(SETTINGS).update(now, inputsAt(now, 0.3, 0, { pose: out })).action).toBe('stop');
  });
});

describe('geofence geometry', () => {
  /** An L-shaped area: the 4 × 3 room without its north-east quarter. */
  const L_SHAPE: readonly Point2D[] = [
    { xM: 0, yM: 0 },
    { xM: 4, yM: 0 },
    { xM: 4, yM: 1.5 },
    { xM: 2, yM: 1.5 },
    { xM: 2, yM: 3 },
    { xM: 0, yM: 3 },
  ];

  it('insidePolygon tells inside from outside, concave corners included', () => {
    expect(insidePolygon({ xM: 1, yM: 1 }, L_SHAPE)).toBe(true);
    expect(insidePolygon({ xM: 3, yM: 1 }, L_SHAPE)).toBe(true);
    expect(insidePolygon({ xM: 1, yM: 2.5 }, L_SHAPE)).toBe(true);
    expect(insidePolygon({ xM: 3, yM: 2.5 }, L_SHAPE)).toBe(false);
    expect(insidePolygon({ xM: -0.1, yM: 1 }, L_SHAPE)).toBe(false);
    expect(insidePolygon({ xM: 1, yM: 3.1 }, L_SHAPE)).toBe(false);
  });

  it('distanceToBoundaryM is the distance to the nearest edge, from inside or outside', () => {
    expect(distanceToBoundaryM({ xM: 1, yM: 1 }, ROOM_FENCE)).toBeCloseTo(1, 12);
    expect(distanceToBoundaryM({ xM: 4.5, yM: 1.5 }, ROOM_FENCE)).toBeCloseTo(0.5, 12);
    // Beyond a corner: the distance to the corner.
    expect(distanceToBoundaryM({ xM: 5, yM: 4 }, ROOM_FENCE)).toBeCloseTo(Math.SQRT2, 12);
    // In the cut-out of the L: 0.3 m from its inner edge x = 2, 0.4 m from y = 1.5.
    expect(distanceToBoundaryM({ xM: 2.3, yM: 1.9 }, L_SHAPE)).toBeCloseTo(0.3, 12);
  });
});
