import { describe, expect, it } from 'vitest';
import { T0, inputsAt, obstacle, reflexSettings, runningArbiter } from '../../test/harness/reflex-fixtures.js';

/**
 * The turning sweep of the obstacle rule. Driving forward and backward (stopping distance, slow
 * zone, release hysteresis) is covered in reflex/arbiter.test.ts.
 */

/** The parameter defaults (config/params.ts `reflex.*`), in the arbiter's units. */
const SETTINGS = reflexSettings();

/** A post beside the front corner: outside the corridor, inside the circle the footprint sweeps turning. */
const POST = obstacle(0.03, 0.1, 0.25);
/** A wall across the path at the stop margin. */
const WALL = obstacle(0.05, 0.25, 0);

describe('rule obstacle: turning in place', () => {
  it('stops a turn in place with something inside the turning circle, naming its distance and bearing', () => {
    // GIVEN a robot standing still
    const arbiter = runningArbiter();
    const now = T0 + 10_000;

    // WHEN the planner asks it to turn in place with a post beside its front corner
    const decision = arbiter.update(now, inputsAt(now, 0, 1, { turnSweep: POST }));

    // THEN it is stopped, the turn included, and the trip says where the post is and why
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0, rule: 'obstacle' });
    expect(decision.reason).toBe(
      'obstacle 0.03 m from the turning footprint (lidar return at bearing 68°): cannot turn in place',
    );
    expect(decision.trip).toEqual({ rule: 'obstacle', reason: decision.reason });
  });

  it('stops turning either way', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0, -1.5, { turnSweep: POST }))).toMatchObject({
      action: 'stop',
      wRadps: 0,
    });
  });

  it('lets a turn in place through when the turning circle is clear, whatever is ahead or behind', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const decision = arbiter.update(
      now,
      inputsAt(now, 0, 1.2, { pathAhead: WALL, pathBehind: obstacle(0.05, -0.25, 0), turnSweep: null }),
    );
    expect(decision).toEqual({ action: 'none', vMps: 0, wRadps: 1.2, rule: '', reason: '', trip: null });
  });

  it('counts a creep below 0.02 m/s with a turn as turning in place', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const decision = arbiter.update(now, inputsAt(now, 0.01, 1, { turnSweep: POST }));
    expect(decision).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0, wRadps: 0 });
    expect(decision.reason).toContain('cannot turn in place');
  });

  it('does not count a turn rate of 0.05 rad/s or less as a turn', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0, 0.05, { turnSweep: POST }))).toMatchObject({
      action: 'none',
      wRadps: 0.05,
    });
    expect(arbiter.update(now, inputsAt(now, 0, 0.06, { turnSweep: POST }))).toMatchObject({
      action: 'stop',
      wRadps: 0,
    });
  });

  it('does not hold back straight driving for something only in the turning circle', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { turnSweep: POST }))).toMatchObject({
      action: 'none',
      vMps: 0.3,
    });
  });

  it('reports a blocked turn as one trip while it lasts', () => {
    const arbiter = runningArbiter();
    const trips: number[] = [];
    for (let now = T0 + 10_000; now <= T0 + 1_000_000; now += 10_000) {
      if (arbiter.update(now, inputsAt(now, 0, 1, { turnSweep: POST })).trip) trips.push(now - T0);
    }
    expect(trips).toEqual([10_000]);
  });

  it('lets the turn go once the post is gone and the clear hold has run out', () => {
    // GIVEN a turn stopped by a post in the turning circle
    const arbiter = runningArbiter();
    let now = T0 + 10_000;
    arbiter.update(now, inputsAt(now, 0, 1, { turnSweep: POST }));

    // WHEN the post goes and the planner asks to drive straight on
    now += 10_000;
    const clearFrom = now;
    const clearing = arbiter.update(now, inputsAt(now, 0.3, 0, { appliedVMps: 0 }));

    // THEN forward motion waits out the clear hold, then passes
    expect(clearing).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0, trip: null });
    expect(clearing.reason).toMatch(/cannot turn in place \(clearing\)$/);
    now = clearFrom + SETTINGS.clearHoldUs;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { appliedVMps: 0 }))).toMatchObject({ action: 'none', vMps: 0.3 });
  });
});

describe('rule obstacle: a stop for an obstacle in the path and the turning circle', () => {
  it('a stop for an obstacle ahead still allows turning in place when the sweep is clear, but not when it is blocked', () => {
    // GIVEN a robot stopped by a wall ahead
    const arbiter = runningArbiter();
    let now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.4, 0, { pathAhead: WALL })).trip?.rule).toBe('obstacle');

    // WHEN the planner turns in place, the wall still there and the turning circle clear
    now += 10_000;
    const turning = arbiter.update(now, inputsAt(now, 0, 1.2, { appliedVMps: 0, pathAhead: WALL }));

    // THEN the turn passes while the stop holds
    expect(turning).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0, wRadps: 1.2, trip: null });

    // WHEN, mid-turn, a post shows up inside the turning circle
    now += 10_000;
    const blocked = arbiter.update(now, inputsAt(now, 0, 1.2, { appliedVMps: 0, pathAhead: WALL, turnSweep: POST }));

    // THEN the turn stops too, and the reason says why
    expect(blocked).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0, wRadps: 0 });
    expect(blocked.reason).toContain('from the turning footprint');
    expect(blocked.reason).toContain('cannot turn in place');

    // WHEN the post goes again, THEN the turn passes again
    now += 10_000;
    expect(arbiter.update(now, inputsAt(now, 0, 1.2, { appliedVMps: 0, pathAhead: WALL }))).toMatchObject({
      action: 'stop',
      wRadps: 1.2,
    });
  });

  it('a stop for an obstacle ahead keeps the turn of an arc only when the turning circle is clear', () => {
    // GIVEN a robot asked to drive an arc into a wall
    const arbiter = runningArbiter();
    const now = T0 + 10_000;

    // WHEN the turning circle is clear, THEN the turn of the arc is kept (turning away from the wall)
    const clear = arbiter.update(now, inputsAt(now, 0.4, 0.8, { pathAhead: WALL }));
    expect(clear).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0, wRadps: 0.8 });

    // WHEN the turning circle is blocked, THEN the robot does not turn either
    const blocked = arbiter.update(
      now + 10_000,
      inputsAt(now + 10_000, 0.4, 0.8, { pathAhead: WALL, turnSweep: POST }),
    );
    expect(blocked).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0, wRadps: 0 });
  });

  it('the same holds reversing towards an obstacle behind', () => {
    const arbiter = runningArbiter();
    const behind = obstacle(0.05, -0.25, 0);
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, -0.4, 0.8, { pathBehind: behind }))).toMatchObject({
      action: 'stop',
      wRadps: 0.8,
    });
    expect(
      arbiter.update(now + 10_000, inputsAt(now + 10_000, -0.4, 0.8, { pathBehind: behind, turnSweep: POST })),
    ).toMatchObject({
      action: 'stop',
      wRadps: 0,
    });
  });
});
