import { describe, expect, it } from 'vitest';
import { T0, inputsAt, reflexSettings, runningArbiter } from '../../test/harness/reflex-fixtures.js';
import { REFLEX_RULES, ReflexArbiter, type ReflexInputs, type SwitchInput } from '../arbiter.js';

/** The parameter defaults (config/params.ts `reflex.*`), in the arbiter's units: the tilt and impact rules on. */
const SETTINGS = reflexSettings();

/** The e-stop button, as the switch driver reports it (reasons from hal/digital-input/switch). */
function estopButton(active: boolean, reason = active ? 'pressed' : 'released', known = true): SwitchInput {
  return { id: 'estop-main', role: 'estop', active, reason, known };
}

function frontBumper(active: boolean, reason = active ? 'pressed' : 'released'): SwitchInput {
  return { id: 'bumper-front', role: 'bumper', active, reason, known: true };
}

/** What an arbiter out of its start-up hold has read at T0 besides fresh data and a fresh command: both switches released. */
const SWITCHES_RELEASED: Partial<ReflexInputs> = { switches: [estopButton(false), frontBumper(false)] };

/** An IMU sample: level, with `shockG` beyond gravity. */
function imu(nowUs: number, shockG: number): ReflexInputs['imu'] {
  return { tiltDeg: 0, shockG, stampUs: nowUs };
}

describe('rule estop-input', () => {
  it('latches an e-stop the moment the button reads pressed, naming the button; no turn passes', () => {
    // GIVEN a robot driving and turning
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    const now = T0 + 10_000;

    // WHEN the e-stop button reads pressed
    const decision = arbiter.update(now, inputsAt(now, 0.3, 0.8, { switches: [estopButton(true)] }));

    // THEN it is an e-stop, the motors get nothing, and the trip names the button
    expect(decision).toEqual({
      action: 'estop',
      vMps: 0,
      wRadps: 0,
      rule: 'estop-input',
      reason: 'estop-main: pressed',
      trip: { rule: 'estop-input', reason: 'estop-main: pressed' },
    });
  });

  it('passes the driver reason on: a lost line counts as pressed', () => {
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    const now = T0 + 10_000;
    const decision = arbiter.update(
      now,
      inputsAt(now, 0.3, 0, { switches: [estopButton(true, 'line lost: treated as pressed')] }),
    );
    expect(decision).toMatchObject({
      action: 'estop',
      rule: 'estop-input',
      reason: 'estop-main: line lost: treated as pressed',
    });
  });

  it('stays latched after the button is released, until resetEstop()', () => {
    // GIVEN a robot e-stopped by its button
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    let now = T0 + 10_000;
    arbiter.update(now, inputsAt(now, 0.3, 0, { switches: [estopButton(true)] }));

    // WHEN the button is released and the planner keeps asking to drive, for 10 s
    for (let i = 0; i < 100; i++) {
      now += 100_000;
      const decision = arbiter.update(now, inputsAt(now, 0.3, 0.5, { switches: [estopButton(false)] }));
      // THEN it stays e-stopped, says a reset is needed, and trips no more
      expect(decision).toMatchObject({ action: 'estop', vMps: 0, wRadps: 0, rule: 'estop-input', trip: null });
      expect(decision.reason).toBe('estop-main: pressed (latched: reset needed)');
    }

    // WHEN the e-stop is reset
    const reset = arbiter.resetEstop();

    // THEN it clears, and the next update lets the command through
    expect(reset).toEqual({ cleared: ['estop-input'], stillActive: [] });
    now += 10_000;
    const after = arbiter.update(now, inputsAt(now, 0.3, 0.5, { switches: [estopButton(false)] }));
    expect(after).toEqual({ action: 'none', vMps: 0.3, wRadps: 0.5, rule: '', reason: '', trip: null });
  });

  it('a reset while the button is still pressed keeps the latch and reports it in stillActive', () => {
    // GIVEN a robot e-stopped by its button, still held down
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    let now = T0 + 10_000;
    arbiter.update(now, inputsAt(now, 0.3, 0, { switches: [estopButton(true)] }));

    // WHEN someone resets
    const reset = arbiter.resetEstop();

    // THEN nothing is cleared; the button is named as still active; the robot stays e-stopped
    expect(reset).toEqual({ cleared: [], stillActive: [{ rule: 'estop-input', reason: 'estop-main: pressed' }] });
    now += 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { switches: [estopButton(true)] }))).toMatchObject({
      action: 'estop',
      rule: 'estop-input',
      trip: null,
    });

    // WHEN the button is then released, THEN it is still latched until a second reset
    now += 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { switches: [estopButton(false)] })).action).toBe('estop');
    expect(arbiter.resetEstop()).toEqual({ cleared: ['estop-input'], stillActive: [] });
    now += 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { switches: [estopButton(false)] })).action).toBe('none');
  });

  it('a switch not read yet holds with a plain stop, not a latch: the first read as released lets go without a reset', () => {
    // GIVEN a fresh arbiter, lidar and command fresh, the button line not read yet (fail-safe: treated as pressed)
    const arbiter = new ReflexArbiter(SETTINGS);
    const unread = estopButton(true, 'not read yet: treated as pressed', false);

    // WHEN it updates
    const waiting = arbiter.update(T0, inputsAt(T0, 0.3, 0.5, { switches: [unread] }));

    // THEN it is a stop (not an e-stop) by the e-stop input, naming why, and coming up stopped is no trip
    expect(waiting).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0, rule: 'estop-input', trip: null });
    expect(waiting.reason).toBe('estop-main: not read yet: treated as pressed');

    // WHEN the first read says released
    const read = arbiter.update(T0 + 10_000, inputsAt(T0 + 10_000, 0.3, 0.5, { switches: [estopButton(false)] }));

    // THEN the command passes at once, with nothing to reset
    expect(read).toEqual({ action: 'none', vMps: 0.3, wRadps: 0.5, rule: '', reason: '', trip: null });
    expect(arbiter.holding()).toEqual([]);
    expect(arbiter.resetEstop()).toEqual({ cleared: [], stillActive: [] });
  });

  it('a switch that becomes unknown while running (device stopped) stops without latching', () => {
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    let now = T0 + 10_000;
    const stopped = arbiter.update(
      now,
      inputsAt(now, 0.3, 0, { switches: [estopButton(true, 'stopped: treated as pressed', false)] }),
    );
    expect(stopped).toMatchObject({ action: 'stop', rule: 'estop-input' });
    now += 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { switches: [estopButton(false)] })).action).toBe('none');
  });

  it('a switch not read yet whose first read is pressed latches', () => {
    // GIVEN an arbiter held by a button not read yet
    const arbiter = new ReflexArbiter(SETTINGS);
    arbiter.update(
      T0,
      inputsAt(T0, 0.3, 0, { switches: [estopButton(true, 'not read yet: treated as pressed', false)] }),
    );

    // WHEN the first read says pressed, then the button is released
    const pressed = arbiter.update(T0 + 10_000, inputsAt(T0 + 10_000, 0.3, 0, { switches: [estopButton(true)] }));
    const released = arbiter.update(T0 + 20_000, inputsAt(T0 + 20_000, 0.3, 0, { switches: [estopButton(false)] }));

    // THEN it is an e-stop, still latched after the release
    expect(pressed).toMatchObject({ action: 'estop', rule: 'estop-input' });
    expect(released).toMatchObject({ action: 'estop', rule: 'estop-input' });
    expect(released.reason).toBe('estop-main: pressed (latched: reset needed)');
  });

  it('a latched e-stop stays latched through a spell of the button not being read (its line reopening)', () => {
    // GIVEN a robot e-stopped by its button
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    let now = T0 + 10_000;
    arbiter.update(now, inputsAt(now, 0.3, 0, { switches: [estopButton(true)] }));

    // WHEN the line is lost and reopened (not read yet), then reads released
    now += 10_000;
    const unread = arbiter.update(
      now,
      inputsAt(now, 0.3, 0, { switches: [estopButton(true, 'not read yet: treated as pressed', false)] }),
    );
    now += 10_000;
    const released = arbiter.update(now, inputsAt(now, 0.3, 0, { switches: [estopButton(false)] }));

    // THEN it is still an e-stop that needs a reset
    expect(unread).toMatchObject({ vMps: 0, wRadps: 0, rule: 'estop-input', trip: null });
    expect(released).toMatchObject({ action: 'estop', rule: 'estop-input' });
    expect(released.reason).toMatch(/\(latched: reset needed\)$/);
    expect(arbiter.resetEstop().cleared).toEqual(['estop-input']);
  });

  it('names every pressed button, and ignores bumpers', () => {
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    const now = T0 + 10_000;
    const second: SwitchInput = {
      id: 'estop-rear',
      role: 'estop',
      active: true,
      reason: 'pressed or circuit open',
      known: true,
    };
    const decision = arbiter.update(
      now,
      inputsAt(now, 0.3, 0, { switches: [estopButton(true), second, frontBumper(false)] }),
    );
    expect(decision.reason).toBe('estop-main: pressed; estop-rear: pressed or circuit open');
  });
});

describe('rule bumper', () => {
  it('latches an e-stop when a bumper closes, naming the bumper', () => {
    // GIVEN a robot driving
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    const now = T0 + 10_000;

    // WHEN the front bumper closes
    const decision = arbiter.update(
      now,
      inputsAt(now, 0.3, 0.2, { switches: [estopButton(false), frontBumper(true)] }),
    );

    // THEN it is an e-stop by the bumper rule (not the e-stop button's)
    expect(decision).toMatchObject({
      action: 'estop',
      vMps: 0,
      wRadps: 0,
      rule: 'bumper',
      reason: 'bumper-front: pressed',
    });
    expect(decision.trip).toEqual({ rule: 'bumper', reason: 'bumper-front: pressed' });
  });

  it('stays latched after the bumper opens until resetEstop(); a reset while it is still closed keeps it', () => {
    // GIVEN a robot that hit something with its bumper, still pressed against it
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    let now = T0 + 10_000;
    arbiter.update(now, inputsAt(now, 0.3, 0, { switches: [frontBumper(true)] }));

    // WHEN a reset comes while the bumper is still closed
    // THEN the bumper is reported as still active
    expect(arbiter.resetEstop()).toEqual({
      cleared: [],
      stillActive: [{ rule: 'bumper', reason: 'bumper-front: pressed' }],
    });

    // WHEN the robot is pulled back and the bumper opens
    now += 10_000;
    const opened = arbiter.update(now, inputsAt(now, -0.1, 0, { switches: [frontBumper(false)] }));

    // THEN it stays e-stopped (even backing away) until the reset
    expect(opened).toMatchObject({
      action: 'estop',
      vMps: 0,
      rule: 'bumper',
      reason: 'bumper-front: pressed (latched: reset needed)',
    });
    expect(arbiter.resetEstop()).toEqual({ cleared: ['bumper'], stillActive: [] });
    now += 10_000;
    expect(arbiter.update(now, inputsAt(now, -0.1, 0, { switches: [frontBumper(false)] }))).toMatchObject({
      action: 'none',
      vMps: -0.1,
    });
  });

  it('a reset clears the released bumper but keeps the e-stop button still pressed', () => {
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    let now = T0 + 10_000;
    arbiter.update(now, inputsAt(now, 0.3, 0, { switches: [estopButton(true), frontBumper(true)] }));
    now += 10_000;
    arbiter.update(now, inputsAt(now, 0.3, 0, { switches: [estopButton(true), frontBumper(false)] }));
    expect(arbiter.resetEstop()).toEqual({
      cleared: ['bumper'],
      stillActive: [{ rule: 'estop-input', reason: 'estop-main: pressed' }],
    });
    expect(arbiter.holding()).toEqual(['estop-input']);
  });
});

describe('rule estop-request', () => {
  it('latches at the next update as a trip naming the source and the reason', () => {
    // GIVEN a robot driving
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    const now = T0 + 10_000;

    // WHEN the debug port asks for an e-stop
    arbiter.requestEstop('debug-port', 'operator pressed STOP');
    const decision = arbiter.update(now, inputsAt(now, 0.3, 0.4));

    // THEN the motors get nothing, and the trip names who asked and why
    expect(decision).toEqual({
      action: 'estop',
      vMps: 0,
      wRadps: 0,
      rule: 'estop-request',
      reason: 'debug-port: operator pressed STOP',
      trip: { rule: 'estop-request', reason: 'debug-port: operator pressed STOP' },
    });
  });

  it('holds with nothing in the inputs to keep it, until resetEstop(), which clears it', () => {
    // GIVEN an e-stop asked for by the supervisor
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    let now = T0 + 10_000;
    arbiter.requestEstop('supervisor', 'fleet stop');
    arbiter.update(now, inputsAt(now));

    // WHEN a minute passes with a healthy robot and fresh commands
    for (let i = 0; i < 60; i++) {
      now += 1_000_000;
      const decision = arbiter.update(now, inputsAt(now));
      // THEN it stays e-stopped, saying a reset is needed
      expect(decision).toMatchObject({
        action: 'estop',
        rule: 'estop-request',
        reason: 'supervisor: fleet stop (latched: reset needed)',
        trip: null,
      });
    }

    // WHEN it is reset, THEN it clears (a request has no cause that could still be active) and motion resumes
    expect(arbiter.resetEstop()).toEqual({ cleared: ['estop-request'], stillActive: [] });
    now += 10_000;
    expect(arbiter.update(now, inputsAt(now)).action).toBe('none');
  });

  it('a reset with nothing latched clears nothing', () => {
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    expect(arbiter.resetEstop()).toEqual({ cleared: [], stillActive: [] });
  });

  it('a new request after a reset trips again', () => {
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    arbiter.requestEstop('debug-port', 'first');
    expect(arbiter.update(T0 + 10_000, inputsAt(T0 + 10_000)).trip?.rule).toBe('estop-request');
    arbiter.resetEstop();
    expect(arbiter.update(T0 + 20_000, inputsAt(T0 + 20_000)).action).toBe('none');
    arbiter.requestEstop('debug-port', 'second');
    expect(arbiter.update(T0 + 30_000, inputsAt(T0 + 30_000)).trip).toEqual({
      rule: 'estop-request',
      reason: 'debug-port: second',
    });
  });
});

describe('rule impact', () => {
  it('latches an e-stop on a shock at or beyond the limit, naming the g and the limit', () => {
    // GIVEN a robot driving
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    let now = T0 + 10_000;

    // WHEN the IMU reads 2.9 g beyond gravity, THEN nothing happens
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { imu: imu(now, 2.9) })).action).toBe('none');

    // WHEN it reads 3.4 g
    now += 10_000;
    const decision = arbiter.update(now, inputsAt(now, 0.3, 0, { imu: imu(now, 3.4) }));

    // THEN it is an e-stop naming the shock and the limit
    expect(decision).toMatchObject({
      action: 'estop',
      vMps: 0,
      wRadps: 0,
      rule: 'impact',
      reason: 'impact of 3.4 g (limit 3 g)',
    });
    expect(decision.trip).toEqual({ rule: 'impact', reason: 'impact of 3.4 g (limit 3 g)' });
  });

  it('stays latched once the IMU reads calm; a reset while the shock is still read keeps it', () => {
    // GIVEN an impact
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    let now = T0 + 10_000;
    arbiter.update(now, inputsAt(now, 0.3, 0, { imu: imu(now, 4) }));

    // WHEN reset while the shock is still the latest reading, THEN it is still active
    expect(arbiter.resetEstop()).toEqual({
      cleared: [],
      stillActive: [{ rule: 'impact', reason: 'impact of 4.0 g (limit 3 g)' }],
    });

    // WHEN the IMU reads calm for a second
    for (let i = 0; i < 100; i++) {
      now += 10_000;
      expect(arbiter.update(now, inputsAt(now, 0.3, 0, { imu: imu(now, 0.05) })).action).toBe('estop');
    }

    // THEN it clears on a reset
    expect(arbiter.resetEstop()).toEqual({ cleared: ['impact'], stillActive: [] });
    now += 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { imu: imu(now, 0.05) })).action).toBe('none');
  });

  it('is off when impactLimitG is 0', () => {
    const arbiter = runningArbiter(reflexSettings({ 'reflex.impactLimitG': 0 }), SWITCHES_RELEASED);
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { imu: imu(now, 8) })).action).toBe('none');
  });
});

describe('severity: estop beats stop beats slow beats limit, whatever the table order', () => {
  const tables = [
    ['in table order', REFLEX_RULES],
    ['with the table reversed', [...REFLEX_RULES].reverse()],
  ] as const;

  /** Each step adds a more severe cause to the one before, asking for 0.8 m/s (above the 0.5 m/s limit). */
  const now = T0 + 10_000;
  const tilted = { tiltDeg: 40, shockG: 0, stampUs: now };
  const slowZone = { appliedVMps: 0.3, points: [[0.5, 0]] };
  const steps: Array<[string, Partial<ReflexInputs>, { action: string; rule: string }]> = [
    ['a command above the speed limit', {}, { action: 'limit', rule: 'speed-limit' }],
    ['and an obstacle in the slow zone', slowZone, { action: 'slow', rule: 'obstacle' }],
    ['and a tilt beyond the limit', { ...slowZone, imu: tilted }, { action: 'stop', rule: 'tilt' }],
    [
      'and the bumper closed',
      { ...slowZone, imu: tilted, switches: [frontBumper(true)] },
      { action: 'estop', rule: 'bumper' },
    ],
  ];

  for (const [tableName, table] of tables) {
    it(`decides by the most severe verdict (${tableName})`, () => {
      for (const [what, extra, expected] of steps) {
        // GIVEN a running arbiter with this rule table
        const arbiter = new ReflexArbiter(SETTINGS, table);
        expect(arbiter.update(T0, inputsAt(T0, 0, 0)).action).toBe('none');

        // WHEN the inputs show each cause in turn
        const decision = arbiter.update(now, inputsAt(now, 0.8, 0, extra));

        // THEN the most severe one decides
        expect({ what, action: decision.action, rule: decision.rule }).toEqual({ what, ...expected });
      }
    });
  }

  it('an e-stop forbids the turn a simultaneous obstacle stop would allow', () => {
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    const now2 = T0 + 10_000;
    const decision = arbiter.update(
      now2,
      inputsAt(now2, 0.3, 1, { points: [[0.25, 0]], switches: [estopButton(true)] }),
    );
    expect(decision).toMatchObject({ action: 'estop', rule: 'estop-input', vMps: 0, wRadps: 0 });
  });

  it('reports the e-stop as the trip when a stop starts in the same update', () => {
    const arbiter = runningArbiter(SETTINGS, SWITCHES_RELEASED);
    const now2 = T0 + 10_000;
    const decision = arbiter.update(
      now2,
      inputsAt(now2, 0.3, 0, { lidarHealthy: false, switches: [estopButton(true)] }),
    );
    expect(decision.trip?.rule).toBe('estop-input');
    expect(arbiter.holding().sort()).toEqual(['estop-input', 'lidar-stale']);
  });
});
