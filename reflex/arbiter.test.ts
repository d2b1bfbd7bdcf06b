import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ROOM_FENCE,
  T0,
  command,
  inputsAt,
  obstacle,
  reflexSettings,
  runningArbiter,
} from '../test/harness/reflex-fixtures.js';
import type { InputOverrides } from '../test/harness/reflex-fixtures.js';
import {
  ACTION_SEVERITY,
  REFLEX_RULES,
  ReflexArbiter,
  slowZoneCapMps,
  speedAllowedM,
  stoppingDistanceM,
  type SwarmHold,
  type SwitchInput,
} from './arbiter.js';

/** The parameter defaults (config/params.ts `reflex.*`), in the arbiter's units. */
const SETTINGS = reflexSettings();

describe('stopping distance', () => {
  it('is v²/2a + latency·v + margin', () => {
    // 0.5 m/s: 0.25/2 + 0.05·0.5 + 0.1 = 0.25 m
    expect(stoppingDistanceM(0.5, SETTINGS)).toBeCloseTo(0.25, 12);
    // 1 m/s: 0.5 + 0.05 + 0.1 = 0.65 m
    expect(stoppingDistanceM(1, SETTINGS)).toBeCloseTo(0.65, 12);
    // Standing still: only the margin.
    expect(stoppingDistanceM(0, SETTINGS)).toBe(0.1);
    // 2 m/s with a = 2 m/s², 100 ms latency, no margin: 4/4 + 0.2 = 1.2 m
    expect(
      stoppingDistanceM(2, { ...SETTINGS, brakingDecelMps2: 2, reactionLatencyS: 0.1, stopMarginM: 0 }),
    ).toBeCloseTo(1.2, 12);
  });

  it('is the same backwards as forwards', () => {
    expect(stoppingDistanceM(-0.5, SETTINGS)).toBe(stoppingDistanceM(0.5, SETTINGS));
  });

  it('speedAllowedM is its inverse', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (v, a, latencyS, marginM) => {
          const s = { ...SETTINGS, brakingDecelMps2: a, reactionLatencyS: latencyS, stopMarginM: marginM };
          expect(speedAllowedM(stoppingDistanceM(v, s), s)).toBeCloseTo(v, 6);
        },
      ),
    );
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 20, noNaN: true }), (freeM) => {
        expect(stoppingDistanceM(speedAllowedM(freeM, SETTINGS), SETTINGS)).toBeCloseTo(freeM, 6);
      }),
    );
  });

  it('allows no speed at all within the margin', () => {
    expect(speedAllowedM(0.1, SETTINGS)).toBe(0);
    expect(speedAllowedM(0.05, SETTINGS)).toBe(0);
    expect(speedAllowedM(0, SETTINGS)).toBe(0);
  });

  it('allows more speed the more room there is', () => {
    expect(speedAllowedM(0.25, SETTINGS)).toBeCloseTo(0.5, 9);
    expect(speedAllowedM(0.65, SETTINGS)).toBeCloseTo(1, 9);
    expect(speedAllowedM(0.3, SETTINGS)).toBeGreaterThan(speedAllowedM(0.25, SETTINGS));
  });
});

describe('the rule table', () => {
  it('has every rule of the failsafe matrix with its action and explanation', () => {
    expect(REFLEX_RULES.map((r) => [r.id, r.action])).toEqual([
      ['estop-input', 'estop'],
      ['bumper', 'estop'],
      ['estop-request', 'estop'],
      ['impact', 'estop'],
      ['lidar-stale', 'stop'],
      ['lidar-blind', 'stop'],
      ['range-stale', 'stop'],
      ['deadman', 'stop'],
      ['cortex-heartbeat', 'stop'],
      ['motor-driver', 'stop'],
      ['loop-overrun', 'stop'],
      ['obstacle', 'stop'],
      ['geofence', 'stop'],
      ['battery-critical', 'stop'],
      ['battery-low', 'limit'],
      ['tilt', 'stop'],
      ['wheel-stall', 'stop'],
      ['speed-limit', 'limit'],
      ['swarm-hold', 'stop'],
    ]);
    expect(REFLEX_RULES.filter((r) => r.latched).map((r) => r.id)).toEqual([
      'estop-input',
      'bumper',
      'estop-request',
      'impact',
    ]);
    for (const rule of REFLEX_RULES) {
      expect(rule.trigger.length).toBeGreaterThan(10);
      expect(rule.clears.length).toBeGreaterThan(5);
    }
  });

  it('orders actions none < limit < slow < stop < estop', () => {
    const order = Object.entries(ACTION_SEVERITY)
      .sort((a, b) => a[1] - b[1])
      .map(([action]) => action);
    expect(order).toEqual(['none', 'limit', 'slow', 'stop', 'estop']);
  });
});

describe('start-up', () => {
  it('comes up held by lidar-stale, deadman and the switches not read yet, without reporting a trip', () => {
    // GIVEN a fresh arbiter
    const arbiter = new ReflexArbiter(SETTINGS);
    expect(arbiter.holding()).toEqual([
      'lidar-stale',
      'lidar-blind',
      'range-stale',
      'deadman',
      'estop-input',
      'bumper',
    ]);

    // WHEN it sees neither lidar data nor a command
    const decision = arbiter.update(T0, {
      ...inputsAt(T0),
      command: null,
      lidarLastDataUs: -Infinity,
    });

    // THEN it stops, explains why, and does not call it a trip
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0, rule: 'lidar-stale', trip: null });
    expect(decision.reason).toContain('never received');
  });

  it('releases both start-up holds at once when data and a command arrive', () => {
    // GIVEN a fresh arbiter that waited a while with no data
    const arbiter = new ReflexArbiter(SETTINGS);
    arbiter.update(T0, { ...inputsAt(T0), command: null, lidarLastDataUs: -Infinity });

    // WHEN fresh lidar data and a fresh command come in
    const decision = arbiter.update(T0 + 50_000, inputsAt(T0 + 50_000, 0.3, 0.1));

    // THEN the command passes unchanged, and nothing was reported as a trip
    expect(decision).toEqual({ action: 'none', vMps: 0.3, wRadps: 0.1, rule: '', reason: '', trip: null });
    expect(arbiter.holding()).toEqual([]);
  });

  it('keeps holding by deadman alone when only lidar data has arrived, still without a trip', () => {
    const arbiter = new ReflexArbiter(SETTINGS);
    const decision = arbiter.update(T0, { ...inputsAt(T0), command: null });
    expect(decision).toMatchObject({ action: 'stop', rule: 'deadman', trip: null });
    expect(arbiter.holding()).toEqual(['deadman']);
  });

  it('reports a trip when started with no start-up holds', () => {
    const arbiter = new ReflexArbiter(SETTINGS, REFLEX_RULES, []);
    const decision = arbiter.update(T0, { ...inputsAt(T0), command: null });
    expect(decision.trip).toEqual({ rule: 'deadman', reason: 'no drive command received yet' });
  });
});

describe('rule lidar-stale', () => {
  it('stops when the newest lidar data is older than the timeout', () => {
    // GIVEN a running arbiter whose last lidar data came at T0
    const arbiter = runningArbiter();
    const atLimit = T0 + SETTINGS.lidarStaleTimeoutUs;

    // WHEN time reaches exactly the timeout, THEN motion is still allowed
    expect(arbiter.update(atLimit, inputsAt(atLimit, 0.3, 0, { lidarLastDataUs: T0 })).action).toBe('none');

    // WHEN the data is 1 µs older than that
    const decision = arbiter.update(atLimit + 1, inputsAt(atLimit + 1, 0.3, 0, { lidarLastDataUs: T0 }));

    // THEN it stops, with the age and the limit in the reason
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0, rule: 'lidar-stale' });
    expect(decision.reason).toBe('lidar data stale (300 ms old, limit 300 ms)');
    expect(decision.trip).toEqual({ rule: 'lidar-stale', reason: decision.reason });
  });

  it('stops when the lidar device is not ok, however fresh its last data', () => {
    // GIVEN a running arbiter
    const arbiter = runningArbiter();

    // WHEN the lidar reports itself failed
    const now = T0 + 10_000;
    const decision = arbiter.update(
      now,
      inputsAt(now, 0.3, 0, { lidarHealthy: false, lidarHealthReason: 'serial port /dev/ttyUSB0 closed' }),
    );

    // THEN it stops and passes the device's reason on
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0, rule: 'lidar-stale' });
    expect(decision.reason).toBe('lidar not ok: serial port /dev/ttyUSB0 closed');
    expect(decision.trip?.rule).toBe('lidar-stale');
  });

  it('clears at once when fresh data arrives', () => {
    // GIVEN an arbiter stopped by stale lidar data
    const arbiter = runningArbiter();
    const stale = T0 + 400_000;
    expect(arbiter.update(stale, inputsAt(stale, 0.3, 0, { lidarLastDataUs: T0 })).action).toBe('stop');

    // WHEN a fresh packet arrives, without any time passing
    const decision = arbiter.update(stale, inputsAt(stale, 0.3, 0, { lidarLastDataUs: stale }));

    // THEN the command passes again
    expect(decision).toMatchObject({ action: 'none', vMps: 0.3, rule: '' });
    expect(arbiter.holding()).toEqual([]);
  });
});

describe('rule deadman', () => {
  it('stops when there is no command at all', () => {
    // GIVEN a running arbiter
    const arbiter = runningArbiter();

    // WHEN the command goes away
    const decision = arbiter.update(T0 + 1_000, { ...inputsAt(T0 + 1_000), command: null });

    // THEN it stops and says why
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0, rule: 'deadman' });
    expect(decision.reason).toBe('no drive command received yet');
  });

  it('stops when the newest command is older than the timeout, with its age in the reason', () => {
    // GIVEN a running arbiter given a command at T0
    const arbiter = runningArbiter();
    const cmd = command(0.3, 0.2, T0);

    // WHEN the same command is still the newest 500 ms later, THEN it still holds (the limit is inclusive)
    const atLimit = T0 + SETTINGS.deadmanTimeoutUs;
    expect(arbiter.update(atLimit, inputsAt(atLimit, 0.3, 0.2, { command: cmd })).action).toBe('none');

    // WHEN it is still the newest 612 ms later
    const late = T0 + 612_000;
    const decision = arbiter.update(late, inputsAt(late, 0.3, 0.2, { command: cmd }));

    // THEN it stops, naming the age and the limit
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0, rule: 'deadman' });
    expect(decision.reason).toBe('planner silent: last command 612 ms ago (limit 500 ms)');
    expect(decision.trip).toEqual({ rule: 'deadman', reason: decision.reason });
  });

  it('clears as soon as a fresh command arrives', () => {
    // GIVEN an arbiter stopped by the dead-man
    const arbiter = runningArbiter();
    const late = T0 + 600_000;
    expect(arbiter.update(late, inputsAt(late, 0.3, 0, { command: command(0.3, 0, T0) })).rule).toBe('deadman');

    // WHEN a fresh command comes in
    const decision = arbiter.update(late, inputsAt(late, 0.2, -0.4));

    // THEN it passes at once
    expect(decision).toEqual({ action: 'none', vMps: 0.2, wRadps: -0.4, rule: '', reason: '', trip: null });
  });

  it('does not let a turn through while it holds', () => {
    const arbiter = runningArbiter();
    const late = T0 + 600_000;
    const decision = arbiter.update(late, inputsAt(late, 0, 1.5, { command: command(0, 1.5, T0) }));
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0 });
  });
});

describe('rule obstacle', () => {
  it('trips when an obstacle appears inside the stopping distance at speed, naming its distance and bearing', () => {
    // GIVEN a robot running at 0.5 m/s (stopping distance 0.25 m) with a clear path
    const arbiter = runningArbiter();
    const t1 = T0 + 100_000;
    expect(arbiter.update(t1, inputsAt(t1, 0.5, 0)).action).toBe('none');

    // WHEN a packet shows a return 0.20 m beyond the leading edge, 14° to the left
    const t2 = t1 + 10_000;
    const decision = arbiter.update(t2, inputsAt(t2, 0.5, 0, { points: [[0.4, 0.1]] }));

    // THEN it stops, and the reason has the distance, direction, bearing and stopping distance
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, rule: 'obstacle' });
    expect(decision.reason).toBe(
      'obstacle 0.20 m ahead (lidar return at bearing 14°), inside the stopping distance at 0.50 m/s',
    );
    expect(decision.trip).toEqual({ rule: 'obstacle', reason: decision.reason });
  });

  it('uses the faster of commanded and applied speed for the stopping distance', () => {
    // GIVEN a robot still moving at 0.5 m/s while the command asks for 0.1 m/s
    const arbiter = runningArbiter();
    const now = T0 + 10_000;

    // WHEN an obstacle is 0.2 m ahead: inside 0.25 m (the 0.5 m/s distance), outside 0.1055 m (the 0.1 m/s one)
    const decision = arbiter.update(now, inputsAt(now, 0.1, 0, { appliedVMps: 0.5, points: [[0.4, 0]] }));

    // THEN it stops
    expect(decision).toMatchObject({ action: 'stop', rule: 'obstacle' });
    expect(decision.reason).toContain('at 0.50 m/s');
  });

  it('lets motion through with the obstacle beyond the stopping distance and slow zone', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    // 0.5 m/s: stopping distance 0.25 m, slow zone up to 0.75 m.
    const decision = arbiter.update(now, inputsAt(now, 0.5, 0, { points: [[1.0, 0]] }));
    expect(decision).toMatchObject({ action: 'none', vMps: 0.5 });
  });

  it('caps the speed at the slow-zone cap, never above speedAllowedM, when it can still stop in time', () => {
    // GIVEN a robot at 0.3 m/s asked for 0.5 m/s
    const arbiter = runningArbiter();
    const now = T0 + 10_000;

    // WHEN an obstacle is 0.2 m ahead (it allows 0.4 m/s: the robot can stop, but not from 0.5 m/s)
    const decision = arbiter.update(now, inputsAt(now, 0.5, 0, { appliedVMps: 0.3, points: [[0.4, 0]] }));

    // THEN the speed is capped by the slow zone (0.5 m/s x 0.1 m / 0.65 m), below what still stops in time; no trip
    expect(speedAllowedM(0.2, SETTINGS)).toBeCloseTo(0.4, 9);
    const cap = slowZoneCapMps(0.2, SETTINGS);
    expect(cap).toBeCloseTo((0.5 * 0.1) / 0.65, 6);
    expect(decision).toMatchObject({ action: 'slow', rule: 'obstacle', wRadps: 0, trip: null });
    expect(decision.vMps).toBeCloseTo(cap, 6);
    expect(decision.reason).toBe(
      'obstacle 0.20 m ahead (lidar return at bearing 0°): speed scaled to 15 % (0.08 m/s, 0.00 rad/s)',
    );
  });

  it('slows an arc by scaling v and ω together, so the arc keeps its curvature', () => {
    // GIVEN a robot asked for an arc of 0.5 m/s and 0.3 rad/s with an obstacle 0.2 m ahead
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const decision = arbiter.update(now, inputsAt(now, 0.5, 0.3, { appliedVMps: 0.3, points: [[0.4, 0]] }));

    // THEN it is slowed, and the turn is slowed by the same fraction
    expect(decision).toMatchObject({ action: 'slow', rule: 'obstacle', trip: null });
    expect(decision.vMps).toBeGreaterThan(0);
    expect(decision.vMps).toBeLessThan(0.5);
    expect(decision.wRadps / decision.vMps).toBeCloseTo(0.3 / 0.5, 9);
  });

  it('does not release an obstacle stop for sensor noise around the margin (release hysteresis)', () => {
    // GIVEN a robot stopped at the stop margin, commanded forward
    const arbiter = runningArbiter();
    let now = T0 + 10_000;
    const stopped = arbiter.update(now, inputsAt(now, 0.5, 0, { appliedVMps: 0, points: [[0.3, 0]] }));
    expect(stopped).toMatchObject({ action: 'stop', rule: 'obstacle' });
    expect(stopped.trip).not.toBeNull();

    // WHEN the measured free distance reads 3 cm more for longer than clearHold (a creep would be allowed)
    expect(slowZoneCapMps(0.14, SETTINGS)).toBeGreaterThan(0.02);
    for (let i = 0; i < 50; i++) {
      now += 10_000;
      const decision = arbiter.update(now, inputsAt(now, 0.5, 0, { appliedVMps: 0, points: [[0.3, 0]] }));
      // THEN it stays stopped and trips no more
      expect(decision).toMatchObject({ action: 'stop', rule: 'obstacle', trip: null });
    }

    // WHEN the obstacle really moves away, THEN motion resumes after clearHold
    for (let i = 0; i < 31; i++) {
      now += 10_000;
      arbiter.update(now, inputsAt(now, 0.5, 0, { appliedVMps: 0, points: [[0.6, 0]] }));
    }
    expect(arbiter.update(now, inputsAt(now, 0.5, 0, { appliedVMps: 0, points: [[0.6, 0]] })).action).toBe('slow');
  });

  it('stops outright with less room than the margin', () => {
    // GIVEN a robot creeping at 0.01 m/s
    const arbiter = runningArbiter();
    const now = T0 + 10_000;

    // WHEN an obstacle is 0.05 m ahead (inside the 0.1 m margin: no speed is allowed)
    const decision = arbiter.update(now, inputsAt(now, 0.01, 0, { points: [[0.25, 0]] }));

    // THEN it stops
    expect(decision).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0 });
  });

  it('looks behind, not ahead, when reversing', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;

    // GIVEN a robot reversing at 0.5 m/s with something right in front of it: it drives away
    const away = arbiter.update(now, inputsAt(now, -0.5, 0, { points: [[0.25, 0]] }));
    expect(away).toMatchObject({ action: 'none', vMps: -0.5 });

    // WHEN something shows up 0.15 m behind it
    const decision = arbiter.update(now, inputsAt(now, -0.5, 0, { points: [[-0.35, 0]] }));

    // THEN it stops, and the reason says "behind" with a rear bearing
    expect(decision).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0 });
    expect(decision.reason).toMatch(/^obstacle 0\.15 m behind \(lidar return at bearing 180°\)/);
  });

  it('ignores an obstacle behind while driving forwards', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const decision = arbiter.update(now, inputsAt(now, 0.5, 0, { points: [[-0.21, 0]] }));
    expect(decision.action).toBe('none');
  });

  it('allows turning in place under an obstacle stop, within the turn limit', () => {
    // GIVEN a robot stopped by a wall 12 cm ahead (inside the stopping distance, beyond the corners' turning circle)
    const arbiter = runningArbiter();
    const wall = obstacle(0.32, 0);
    const t1 = T0 + 10_000;
    expect(arbiter.update(t1, inputsAt(t1, 0.5, 0, { points: [wall] })).action).toBe('stop');

    // WHEN the planner asks to turn in place, with the wall still there
    const turn = arbiter.update(
      t1 + 10_000,
      inputsAt(t1 + 10_000, 0, 1.2, { appliedVMps: 0, appliedWRadps: 0, points: [wall] }),
    );

    // THEN the turn passes while the stop still holds
    expect(turn).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0, wRadps: 1.2 });

    // WHEN it asks to drive forward while turning too fast
    const arc = arbiter.update(
      t1 + 20_000,
      inputsAt(t1 + 20_000, 0.5, 3, { appliedVMps: 0, appliedWRadps: 0, points: [wall] }),
    );

    // THEN forward motion is held and the turn is clamped to the limit
    expect(arc).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0, wRadps: SETTINGS.maxTurnRateRadps });
  });

  it('releases the stop only after the path has stayed clear for clearHoldUs (hysteresis)', () => {
    // GIVEN a robot stopped by an obstacle at t1
    const arbiter = runningArbiter();
    const box = obstacle(0.3, 0);
    let now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.4, 0, { points: [box] })).trip?.rule).toBe('obstacle');

    // WHEN the obstacle disappears
    now += 10_000;
    const clearFrom = now;
    const first = arbiter.update(now, inputsAt(now, 0.4, 0, { appliedVMps: 0 }));

    // THEN the stop still holds, marked as clearing
    expect(first).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0, trip: null });
    expect(first.reason).toMatch(/^obstacle 0\.10 m ahead .* \(clearing\)$/);

    // WHEN it comes back just before the hold ends, then goes again
    now = clearFrom + SETTINGS.clearHoldUs - 1;
    expect(arbiter.update(now, inputsAt(now, 0.4, 0, { appliedVMps: 0, points: [box] })).action).toBe('stop');
    now += 1;
    const restart = now;
    expect(arbiter.update(now, inputsAt(now, 0.4, 0, { appliedVMps: 0 })).action).toBe('stop');

    // THEN the hold starts over from the new clear time
    now = restart + SETTINGS.clearHoldUs - 1;
    expect(arbiter.update(now, inputsAt(now, 0.4, 0, { appliedVMps: 0 })).action).toBe('stop');
    now = restart + SETTINGS.clearHoldUs;
    const released = arbiter.update(now, inputsAt(now, 0.4, 0, { appliedVMps: 0 }));
    expect(released).toEqual({ action: 'none', vMps: 0.4, wRadps: 0, rule: '', reason: '', trip: null });
    expect(arbiter.holding()).toEqual([]);
  });

  it('counts a standstill command as clear, so the hold runs out while the robot waits', () => {
    const arbiter = runningArbiter();
    let now = T0 + 10_000;
    arbiter.update(now, inputsAt(now, 0.4, 0, { points: [[0.3, 0]] }));
    now += 1_000;
    expect(arbiter.update(now, inputsAt(now, 0, 0, { points: [[0.3, 0]] })).action).toBe('stop');
    now += SETTINGS.clearHoldUs;
    expect(arbiter.update(now, inputsAt(now, 0, 0, { points: [[0.3, 0]] })).action).toBe('none');
  });
});

describe('rule speed-limit', () => {
  it('caps forward speed, scaling the turn with it so the arc keeps its curvature', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const decision = arbiter.update(now, inputsAt(now, 0.8, 0.5));
    expect(decision).toMatchObject({ action: 'limit', rule: 'speed-limit', vMps: 0.5, trip: null });
    expect(decision.wRadps).toBeCloseTo(0.5 * (0.5 / 0.8), 12);
    expect(decision.vMps / decision.wRadps).toBeCloseTo(0.8 / 0.5, 12);
    expect(decision.reason).toBe('command above the speed limit (0.5 m/s, 2 rad/s)');
  });

  it('caps reverse speed keeping its sign', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, -0.9, 0))).toMatchObject({ action: 'limit', vMps: -0.5 });
  });

  it('caps the turn rate in both directions, scaling the speed with it', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const left = arbiter.update(now, inputsAt(now, 0.3, 3));
    expect(left).toMatchObject({ action: 'limit', wRadps: 2 });
    expect(left.vMps).toBeCloseTo(0.2, 12);
    const right = arbiter.update(now, inputsAt(now, 0.3, -3));
    expect(right).toMatchObject({ action: 'limit', wRadps: -2 });
    expect(right.vMps).toBeCloseTo(0.2, 12);
  });

  it('lets a command exactly at the limits through', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.5, -2))).toMatchObject({ action: 'none', vMps: 0.5, wRadps: -2 });
  });

  it('holds nothing: the next command within limits passes at once', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    arbiter.update(now, inputsAt(now, 2, 0));
    expect(arbiter.holding()).toEqual([]);
    expect(arbiter.update(now, inputsAt(now, 0.3, 0)).action).toBe('none');
  });
});

describe('severity ordering', () => {
  it('a slow beats a limit; the decision names the obstacle rule and the lower cap applies', () => {
    // GIVEN a robot at 0.3 m/s asked for 0.8 m/s (above the limit) towards an obstacle 0.3 m ahead
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const decision = arbiter.update(now, inputsAt(now, 0.8, 0, { appliedVMps: 0.3, points: [[0.5, 0]] }));

    // THEN the obstacle's slow wins over the speed limit; the speed is the smaller of both caps
    expect(slowZoneCapMps(0.3, SETTINGS)).toBeLessThan(SETTINGS.maxSpeedMps);
    expect(decision).toMatchObject({ action: 'slow', rule: 'obstacle' });
    expect(decision.vMps).toBeCloseTo(slowZoneCapMps(0.3, SETTINGS), 6);
  });

  it('a slow beats a limit, and its lower cap wins too', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const decision = arbiter.update(now, inputsAt(now, 0.8, 0, { appliedVMps: 0.2, points: [[0.4, 0]] }));
    expect(decision).toMatchObject({ action: 'slow', rule: 'obstacle' });
    expect(decision.vMps).toBeCloseTo(Math.min(speedAllowedM(0.2, SETTINGS), slowZoneCapMps(0.2, SETTINGS)), 6);
  });

  it('slows inside the slow zone although the obstacle is beyond the stopping distance', () => {
    // GIVEN a robot at top speed (stopping distance 0.25 m, slow zone out to 0.75 m)
    const arbiter = runningArbiter();
    const now = T0 + 10_000;

    // WHEN an obstacle is 0.5 m ahead: no need to brake yet, but inside the slow zone
    const decision = arbiter.update(now, inputsAt(now, 0.5, 0, { appliedVMps: 0.5, points: [[0.7, 0]] }));

    // THEN speed falls in proportion to the free distance: 0.5 m/s x (0.5 - 0.1) / (0.75 - 0.1)
    expect(decision).toMatchObject({ action: 'slow', rule: 'obstacle', trip: null });
    expect(decision.vMps).toBeCloseTo((0.5 * 0.4) / 0.65, 6);
  });

  it('leaves speed alone beyond the slow zone, whatever slowZoneM is', () => {
    const narrow = reflexSettings({ 'reflex.slowZoneM': 0 });
    const wide = runningArbiter(narrow);
    const now = T0 + 10_000;
    const decision = wide.update(
      now,
      inputsAt(now, 0.5, 0, { appliedVMps: 0.5, points: [[0.7, 0]], sweepSettings: narrow }),
    );
    expect(decision).toMatchObject({ action: 'none', vMps: 0.5 });
  });

  it('a stop beats a slow', () => {
    // GIVEN a situation the obstacle rule would only slow for
    const arbiter = runningArbiter();
    const now = T0 + 700_000;
    const slowing = { appliedVMps: 0.3, points: [[0.4, 0]] };

    // WHEN the planner has also gone silent
    const decision = arbiter.update(now, inputsAt(now, 0.5, 0, { ...slowing, command: command(0.5, 0, T0) }));

    // THEN the dead-man's stop decides
    expect(decision).toMatchObject({ action: 'stop', rule: 'deadman', vMps: 0, wRadps: 0 });
  });

  it('a stop beats a limit', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const decision = arbiter.update(
      now,
      inputsAt(now, 1.5, 4, { lidarHealthy: false, lidarHealthReason: 'unplugged' }),
    );
    expect(decision).toMatchObject({ action: 'stop', rule: 'lidar-stale', vMps: 0, wRadps: 0 });
  });

  it('between two stops, the earlier rule in the table decides', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const decision = arbiter.update(
      now,
      inputsAt(now, 0.5, 0, {
        lidarHealthy: false,
        lidarHealthReason: 'unplugged',
        points: [[0.25, 0]],
      }),
    );
    expect(decision.rule).toBe('lidar-stale');
    expect(decision.wRadps).toBe(0);
  });
});

describe('trip reporting', () => {
  it('reports a trip once per hold, not on every update', () => {
    // GIVEN a running arbiter
    const arbiter = runningArbiter();
    const cmd = command(0.3, 0, T0);
    const trips: string[] = [];

    // WHEN the planner stays silent for a second, updates every 10 ms
    for (let now = T0; now <= T0 + 1_000_000; now += 10_000) {
      const decision = arbiter.update(now, inputsAt(now, 0.3, 0, { command: cmd }));
      if (decision.trip) trips.push(`${decision.trip.rule}@${now - T0}`);
    }

    // THEN the trip is reported once, at the first update past the timeout
    expect(trips).toEqual(['deadman@510000']);
  });

  it('reports again after the hold cleared and the rule fires anew', () => {
    const arbiter = runningArbiter();
    const trips: string[] = [];
    const wall = { points: [[0.25, 0]] };
    const sequence: Array<[number, InputOverrides]> = [
      [10_000, wall],
      [20_000, wall],
      [30_000, {}],
      [30_000 + SETTINGS.clearHoldUs, {}],
      [400_000, wall],
      [410_000, wall],
    ];
    for (const [dt, extra] of sequence) {
      const decision = arbiter.update(T0 + dt, inputsAt(T0 + dt, 0.4, 0, extra));
      if (decision.trip) trips.push(`${decision.trip.rule}@${dt}`);
    }
    expect(trips).toEqual(['obstacle@10000', 'obstacle@400000']);
  });

  it('does not report an obstacle re-seen during its clearing hold as a new trip', () => {
    const arbiter = runningArbiter();
    const wall = obstacle(0.25, 0);
    expect(arbiter.update(T0 + 10_000, inputsAt(T0 + 10_000, 0.4, 0, { points: [wall] })).trip).not.toBeNull();
    expect(arbiter.update(T0 + 20_000, inputsAt(T0 + 20_000, 0.4, 0)).trip).toBeNull();
    expect(arbiter.update(T0 + 30_000, inputsAt(T0 + 30_000, 0.4, 0, { points: [wall] })).trip).toBeNull();
  });

  for (const [tableName, table] of [
    ['in table order', REFLEX_RULES],
    ['with the table reversed', [...REFLEX_RULES].reverse()],
  ] as const) {
    it(`names the e-stop when it starts holding in the same update as a plain stop (${tableName})`, () => {
      // GIVEN a running arbiter with this rule table
      const arbiter = new ReflexArbiter(SETTINGS, table);
      expect(arbiter.update(T0, inputsAt(T0, 0, 0)).action).toBe('none');

      // WHEN, in one update, the lidar fails (a stop) and the e-stop button reads pressed (an e-stop)
      const now = T0 + 10_000;
      const pressed: SwitchInput = { id: 'estop-main', role: 'estop', active: true, reason: 'pressed', known: true };
      const decision = arbiter.update(
        now,
        inputsAt(now, 0.3, 0, { lidarHealthy: false, lidarHealthReason: 'unplugged', switches: [pressed] }),
      );

      // THEN both hold, and the one trip names the e-stop, the more severe
      expect(decision).toMatchObject({ action: 'estop', rule: 'estop-input', vMps: 0, wRadps: 0 });
      expect(decision.trip).toEqual({ rule: 'estop-input', reason: 'estop-main: pressed' });
      expect(arbiter.holding().sort()).toEqual(['estop-input', 'lidar-stale']);
    });
  }

  it('reports each stopping rule the first time it holds, even while another already holds', () => {
    const arbiter = runningArbiter();
    const silent = command(0.4, 0, T0);
    const late = T0 + 600_000;
    expect(arbiter.update(late, inputsAt(late, 0.4, 0, { command: silent })).trip?.rule).toBe('deadman');
    const decision = arbiter.update(
      late + 10_000,
      inputsAt(late + 10_000, 0.4, 0, { command: silent, lidarHealthy: false }),
    );
    expect(decision.trip?.rule).toBe('lidar-stale');
    expect(arbiter.holding().sort()).toEqual(['deadman', 'lidar-stale']);
  });
});

describe('turning under a stop that allows it', () => {
  /** A post off the front-left corner, inside the side margin: turning left swings the corner into it. */
  const POST = obstacle(0.2, 0.17);
  const claim: SwarmHold = { peer: 'robot-2', reason: 'right of way in corridor B (claim 17)' };

  it('a swarm hold lets the turn of an arc through only while the turning circle is clear', () => {
    // GIVEN a robot held by a peer's claim while driving an arc, the turning circle clear: the turn passes
    const arbiter = runningArbiter();
    let now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0.4, { swarmHold: claim }))).toMatchObject({
      action: 'stop',
      rule: 'swarm-hold',
      vMps: 0,
      wRadps: 0.4,
    });

    // WHEN a post shows up inside the turning circle
    now += 10_000;
    const blocked = arbiter.update(now, inputsAt(now, 0.3, 0.4, { swarmHold: claim, points: [POST] }));

    // THEN the robot stays held, and does not turn either
    expect(blocked).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0 });
    expect(arbiter.holding()).toContain('swarm-hold');
  });

  it('a geofence stop lets the turn through only while the turning circle is clear', () => {
    // GIVEN a robot 0.2 m from the east fence of a room, heading east at 0.5 m/s while turning: the turn passes
    const arbiter = runningArbiter(reflexSettings({}, ROOM_FENCE));
    const nearFence = { pose: { xM: 3.8, yM: 1.5, yawRad: 0 } };
    let now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.5, 0.6, nearFence))).toMatchObject({
      action: 'stop',
      rule: 'geofence',
      vMps: 0,
      wRadps: 0.6,
    });

    // WHEN a post shows up inside the turning circle
    now += 10_000;
    const blocked = arbiter.update(now, inputsAt(now, 0.5, 0.6, { ...nearFence, points: [POST] }));

    // THEN the robot stays held, and does not turn either
    expect(blocked).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0 });
    expect(arbiter.holding()).toContain('geofence');
  });

  it('an obstacle stop still clearing lets the turn through only while the turning circle is clear', () => {
    // GIVEN a robot stopped by a wall ahead, the wall then gone: the stop holds while clearing, the turn passes
    const arbiter = runningArbiter();
    let now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.4, 0, { points: [[0.25, 0]] })).trip?.rule).toBe('obstacle');
    now += 10_000;
    const clearing = arbiter.update(now, inputsAt(now, 0.3, 0.8, { appliedVMps: 0 }));
    expect(clearing).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0, wRadps: 0.8 });
    expect(clearing.reason).toMatch(/\(clearing\)$/);

    // WHEN, still within the clear hold, a post shows up inside the turning circle
    now += 10_000;
    const blocked = arbiter.update(now, inputsAt(now, 0.3, 0.8, { appliedVMps: 0, points: [POST] }));

    // THEN the obstacle stop still decides, and the robot does not turn either
    expect(blocked).toMatchObject({ action: 'stop', rule: 'obstacle', vMps: 0, wRadps: 0 });
  });
});
