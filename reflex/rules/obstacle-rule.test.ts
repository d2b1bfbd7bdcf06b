import { describe, expect, it } from 'vitest';
import { T0, inputsAt, obstacle, reflexSettings, runningArbiter } from '../../test/harness/reflex-fixtures.js';

/**
 * The obstacle rule's swept area for turns and arcs, on the test robot (0.40 m × 0.30 m footprint,
 * 0.25 m wheel base, 0.1 m stop margin, 0.05 m side margin). Driving straight (stopping distance,
 * slow zone, release hysteresis) is covered in reflex/arbiter.test.ts; random geometry in
 * reflex/swept-path.property.test.ts.
 */

const SETTINGS = reflexSettings();

/** A post off the front-left corner, 2 cm inside the side margin: turning left swings the corner into it. */
const POST = obstacle(0.2, 0.17);
/** A wall point 8 cm ahead: inside the stop margin, beyond the corners' turning circle (0.25 m). */
const WALL = obstacle(0.28, 0);

describe('rule obstacle: turning in place', () => {
  it('stops a turn in place that swings the footprint into a post, naming its distance and bearing', () => {
    // GIVEN a robot standing still
    const arbiter = runningArbiter();
    const now = T0 + 10_000;

    // WHEN the planner asks it to turn left in place with a post off its front-left corner
    const decision = arbiter.update(now, inputsAt(now, 0, 1, { appliedWRadps: 0, points: [POST] }));

    // THEN it is stopped, the turn included, and the trip says where the post is and why
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0, rule: 'obstacle' });
    expect(decision.reason).toBe(
      'obstacle 0.02 m from the turning footprint (lidar return at bearing 40°): cannot turn in place',
    );
    expect(decision.trip).toEqual({ rule: 'obstacle', reason: decision.reason });
  });

  it('lets the turn the other way through: it swings the corner away from the post', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const decision = arbiter.update(now, inputsAt(now, 0, -1, { points: [POST] }));
    expect(decision.action).not.toBe('stop');
    expect(decision.wRadps).toBeLessThan(0);
  });

  it('lets a turn in place through at full rate when nothing is within reach of the turning footprint', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const far = [obstacle(1.5, 0), obstacle(-1.5, 0), obstacle(0, 1.5)];
    const decision = arbiter.update(now, inputsAt(now, 0, 1.2, { points: far }));
    expect(decision).toEqual({ action: 'none', vMps: 0, wRadps: 1.2, rule: '', reason: '', trip: null });
  });

  it('slows a turn in place as the corner nears an obstacle, and stops it before contact', () => {
    // GIVEN a robot turning left in place, a post inside the circle its corners (grown by the side margin) sweep
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const wide = arbiter.update(now, inputsAt(now, 0, 1.5, { appliedWRadps: 0, points: [obstacle(0.27, 0)] }));

    // THEN it turns, more slowly than asked
    expect(wide.action).toBe('slow');
    expect(wide.wRadps).toBeGreaterThan(0);
    expect(wide.wRadps).toBeLessThan(1.5);
  });

  it('reports a blocked turn as one trip while it lasts', () => {
    const arbiter = runningArbiter();
    const trips: number[] = [];
    for (let now = T0 + 10_000; now <= T0 + 1_000_000; now += 10_000) {
      if (arbiter.update(now, inputsAt(now, 0, 1, { points: [POST] })).trip) trips.push(now - T0);
    }
    expect(trips).toEqual([10_000]);
  });

  it('lets the turn go once the post is gone and the clear hold has run out', () => {
    // GIVEN a turn stopped by a post
    const arbiter = runningArbiter();
    let now = T0 + 10_000;
    arbiter.update(now, inputsAt(now, 0, 1, { appliedWRadps: 0, points: [POST] }));

    // WHEN the post goes and the planner asks to drive straight on
    now += 10_000;
    const clearFrom = now;
    const clearing = arbiter.update(now, inputsAt(now, 0.3, 0, { appliedVMps: 0, appliedWRadps: 0 }));

    // THEN forward motion waits out the clear hold, then passes
    expect(clearing).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0, trip: null });
    expect(clearing.reason).toMatch(/cannot turn in place \(clearing\)$/);
    now = clearFrom + SETTINGS.clearHoldUs;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { appliedVMps: 0, appliedWRadps: 0 }))).toMatchObject({
      action: 'none',
      vMps: 0.3,
    });
  });
});

describe('rule obstacle: arcs', () => {
  it('stops an arc whose swinging rear corner would hit a post beside the robot, though nothing is ahead', () => {
    // GIVEN a robot asked for a tight right arc (0.1 m/s, -1 rad/s) with a post just off its rear-left corner
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const decision = arbiter.update(
      now,
      inputsAt(now, 0.1, -1, { appliedVMps: 0, appliedWRadps: 0, points: [obstacle(-0.18, 0.19)] }),
    );

    // THEN it may not drive the arc at that speed: the rear corner swings left into the post
    expect(['stop', 'slow']).toContain(decision.action);
    expect(Math.abs(decision.wRadps)).toBeLessThan(1);
  });

  it('lets an arc through when the post is beside the straight corridor but the arc turns away from it', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const decision = arbiter.update(now, inputsAt(now, 0.3, -0.5, { points: [obstacle(0.8, 0.3)] }));
    expect(decision).toMatchObject({ action: 'none', vMps: 0.3, wRadps: -0.5 });
  });

  it('checks the arc, not the straight corridor: a post ahead-left in the arc of a left turn slows or stops it', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const straight = arbiter.update(now, inputsAt(now, 0.3, 0, { points: [obstacle(0.35, 0.3)] }));
    expect(straight).toMatchObject({ action: 'none', vMps: 0.3 });
    const arc = arbiter.update(now, inputsAt(now, 0.3, 1, { points: [obstacle(0.35, 0.3)] }));
    expect(['stop', 'slow']).toContain(arc.action);
  });
});

describe('rule obstacle: a stop for an obstacle in the path and turning in place', () => {
  it('a stop for an obstacle ahead still allows turning in place when that is clear, but not when it is blocked', () => {
    // GIVEN a robot stopped by a wall ahead
    const arbiter = runningArbiter();
    let now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.4, 0, { points: [WALL] })).trip?.rule).toBe('obstacle');

    // WHEN the planner turns right in place, the wall still there, nothing in the way of the turn
    now += 10_000;
    const turning = arbiter.update(now, inputsAt(now, 0.2, -1.2, { appliedVMps: 0, appliedWRadps: 0, points: [WALL] }));

    // THEN the turn passes (slowed near the wall) while the stop holds
    expect(turning).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0, trip: null });
    expect(turning.wRadps).toBeLessThan(0);

    // WHEN it turns left instead, with the post off its front-left corner
    now += 10_000;
    const blocked = arbiter.update(
      now,
      inputsAt(now, 0.2, 1.2, { appliedVMps: 0, appliedWRadps: 0, points: [WALL, POST] }),
    );

    // THEN the turn stops too
    expect(blocked).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0, wRadps: 0 });
  });

  it('the same holds reversing towards an obstacle behind', () => {
    const arbiter = runningArbiter();
    const behind = obstacle(-0.28, 0);
    const now = T0 + 10_000;
    const free = arbiter.update(now, inputsAt(now, -0.4, -0.8, { points: [behind] }));
    expect(free).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0 });
    expect(free.wRadps).toBeLessThan(0);
    const rearPost = obstacle(-0.2, -0.17);
    expect(arbiter.update(now + 10_000, inputsAt(now + 10_000, -0.4, 1, { points: [behind, rearPost] }))).toMatchObject(
      { action: 'stop', wRadps: 0 },
    );
  });
});
