import { describe, expect, it } from 'vitest';
import { T0, inputsAt, reflexSettings, runningArbiter } from '../../test/harness/reflex-fixtures.js';
import type { ReflexArbiter, ReflexDecision, ReflexInputs } from '../arbiter.js';

/** The parameter defaults (config/params.ts `reflex.*`), in the arbiter's units: the battery, tilt and stall rules on. */
const SETTINGS = reflexSettings();

const STEP_US = 100_000;

/** A battery reading of `voltageV` taken at `nowUs`. */
function battery(nowUs: number, voltageV: number): ReflexInputs['battery'] {
  return { voltageV, stampUs: nowUs };
}

function imu(nowUs: number, tiltDeg: number): ReflexInputs['imu'] {
  return { tiltDeg, shockG: 0, stampUs: nowUs };
}

function wheels(nowUs: number, measuredVMps: number): ReflexInputs['wheels'] {
  return { measuredVMps, stampUs: nowUs };
}

/**
 * Updates every {@link STEP_US} from `fromUs` for `durationUs` (both ends included), driving 0.4 m/s
 * with the extra inputs `extra(nowUs)` gives; returns each decision with its time since `fromUs`.
 */
function runFor(
  arbiter: ReflexArbiter,
  fromUs: number,
  durationUs: number,
  extra: (nowUs: number) => Partial<ReflexInputs>,
): Array<{ atUs: number; decision: ReflexDecision }> {
  const out: Array<{ atUs: number; decision: ReflexDecision }> = [];
  for (let now = fromUs; now <= fromUs + durationUs; now += STEP_US) {
    out.push({ atUs: now - fromUs, decision: arbiter.update(now, inputsAt(now, 0.4, 0, extra(now))) });
  }
  return out;
}

describe('rule battery-critical', () => {
  it('a 1 s dip below the critical voltage does nothing (sag filter)', () => {
    // GIVEN a robot driving on a healthy battery
    const arbiter = runningArbiter(SETTINGS);
    const from = T0 + STEP_US;

    // WHEN the voltage sags to 9.8 V for 1 s (a hard acceleration), then recovers
    const sag = runFor(arbiter, from, 1_000_000, (now) => ({ battery: battery(now, 9.8) }));
    const after = runFor(arbiter, from + 1_100_000, 3_000_000, (now) => ({ battery: battery(now, 11.6) }));

    // THEN nothing limits or stops the robot, then or later
    for (const { decision } of [...sag, ...after]) expect(decision).toMatchObject({ action: 'none', vMps: 0.4 });
  });

  it('a 2 s dip stops, naming the voltage and the limit', () => {
    // GIVEN a robot driving
    const arbiter = runningArbiter(SETTINGS);
    const from = T0 + STEP_US;

    // WHEN the voltage stays at 10.0 V for 2 s
    const steps = runFor(arbiter, from, 2_000_000, (now) => ({ battery: battery(now, 10.0) }));

    // THEN the stop comes at 2 s, not before, as a trip naming the voltage and the limit
    const first = steps.find(({ decision }) => decision.action === 'stop');
    expect(first?.atUs).toBe(SETTINGS.batteryHoldUs);
    expect(first?.decision).toMatchObject({ rule: 'battery-critical', vMps: 0, wRadps: 0 });
    expect(first?.decision.reason).toBe('battery critical: 10.00 V (limit 10.2 V)');
    expect(first?.decision.trip).toEqual({
      rule: 'battery-critical',
      reason: 'battery critical: 10.00 V (limit 10.2 V)',
    });
  });

  it('needs the dip unbroken: one reading back above the level starts the filter over', () => {
    const arbiter = runningArbiter(SETTINGS);
    const from = T0 + STEP_US;
    const first = runFor(arbiter, from, 1_500_000, (now) => ({ battery: battery(now, 10.0) }));
    const blip = runFor(arbiter, from + 1_600_000, 0, (now) => ({ battery: battery(now, 10.3) }));
    const second = runFor(arbiter, from + 1_700_000, 1_500_000, (now) => ({ battery: battery(now, 10.0) }));
    for (const { decision } of [...first, ...blip, ...second]) expect(decision.action).not.toBe('stop');
  });

  it('clears only after the voltage has stayed above the level for batteryHoldUs', () => {
    // GIVEN a robot stopped by a critical battery
    const arbiter = runningArbiter(SETTINGS);
    const from = T0 + STEP_US;
    expect(runFor(arbiter, from, 2_000_000, (now) => ({ battery: battery(now, 10.0) })).at(-1)?.decision.action).toBe(
      'stop',
    );

    // WHEN a charged battery is swapped in
    const swapped = from + 2_100_000;
    const steps = runFor(arbiter, swapped, 2_000_000, (now) => ({ battery: battery(now, 12.4) }));

    // THEN the stop holds (clearing) for 2 s, then the command passes
    const firstFree = steps.find(({ decision }) => decision.action === 'none');
    expect(firstFree?.atUs).toBe(SETTINGS.batteryHoldUs);
    expect(steps[0]?.decision).toMatchObject({ action: 'stop', rule: 'battery-critical', trip: null });
    expect(steps[0]?.decision.reason).toBe('battery critical: 10.00 V (limit 10.2 V) (clearing)');
  });

  it('does not act on a reading older than 1 s', () => {
    const arbiter = runningArbiter(SETTINGS);
    const from = T0 + STEP_US;
    const oldReading = battery(from - 1_100_000, 9.0);
    const steps = runFor(arbiter, from, 3_000_000, () => ({ battery: oldReading }));
    for (const { decision } of steps) expect(decision.action).toBe('none');
  });

  it('is off when batteryCriticalV is 0', () => {
    const arbiter = runningArbiter(reflexSettings({ 'reflex.batteryCriticalV': 0, 'reflex.batteryLowV': 0 }));
    const steps = runFor(arbiter, T0 + STEP_US, 3_000_000, (now) => ({ battery: battery(now, 6) }));
    expect(steps.at(-1)?.decision.action).toBe('none');
  });
});

describe('rule battery-low', () => {
  it('halves the speed limit after batteryHoldUs below the low level, naming voltage and level', () => {
    // GIVEN a robot driving 0.4 m/s
    const arbiter = runningArbiter(SETTINGS);
    const from = T0 + STEP_US;

    // WHEN the voltage stays at 10.5 V (low, not critical) for 2 s
    const steps = runFor(arbiter, from, 2_000_000, (now) => ({ battery: battery(now, 10.5) }));

    // THEN until 2 s it drives at 0.4 m/s; from then at half the top speed, without a trip
    expect(steps.filter(({ atUs }) => atUs < 2_000_000).every(({ decision }) => decision.vMps === 0.4)).toBe(true);
    const limited = steps.at(-1)?.decision;
    expect(limited).toMatchObject({ action: 'limit', rule: 'battery-low', vMps: SETTINGS.maxSpeedMps / 2, trip: null });
    expect(limited?.reason).toBe('battery low: 10.50 V (below 10.8 V), speed halved');
  });

  it('leaves slower commands alone, reversing included', () => {
    const arbiter = runningArbiter(SETTINGS);
    runFor(arbiter, T0 + STEP_US, 2_000_000, (now) => ({ battery: battery(now, 10.5) }));
    const now = T0 + 2_200_000;
    expect(arbiter.update(now, inputsAt(now, 0.2, 0, { battery: battery(now, 10.5) }))).toMatchObject({
      action: 'limit',
      vMps: 0.2,
    });
    expect(arbiter.update(now, inputsAt(now, -0.4, 0, { battery: battery(now, 10.5) }))).toMatchObject({
      action: 'limit',
      vMps: -0.25,
    });
  });

  it('clears at once when the voltage is back above the low level', () => {
    const arbiter = runningArbiter(SETTINGS);
    runFor(arbiter, T0 + STEP_US, 2_000_000, (now) => ({ battery: battery(now, 10.5) }));
    const now = T0 + 2_200_000;
    expect(arbiter.update(now, inputsAt(now, 0.4, 0, { battery: battery(now, 11.0) }))).toMatchObject({
      action: 'none',
      vMps: 0.4,
    });
  });
});

describe('rule tilt', () => {
  it('stops beyond the tilt limit, naming the tilt and the limit; at the limit it drives', () => {
    // GIVEN a robot driving up a ramp
    const arbiter = runningArbiter(SETTINGS);
    let now = T0 + 10_000;

    // WHEN it tilts to exactly 30°, THEN it drives on
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { imu: imu(now, 30) })).action).toBe('none');

    // WHEN it tilts to 35°
    now += 10_000;
    const decision = arbiter.update(now, inputsAt(now, 0.3, 0.5, { imu: imu(now, 35) }));

    // THEN it stops, turn included
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0, rule: 'tilt' });
    expect(decision.reason).toBe('tilted 35° (limit 30°)');
    expect(decision.trip?.rule).toBe('tilt');
  });

  it('clears only after the robot has been level for clearHoldUs', () => {
    // GIVEN a robot stopped by a tilt
    const arbiter = runningArbiter(SETTINGS);
    let now = T0 + 10_000;
    arbiter.update(now, inputsAt(now, 0.3, 0, { imu: imu(now, 40) }));

    // WHEN it is level again
    now += 10_000;
    const levelFrom = now;
    const first = arbiter.update(now, inputsAt(now, 0.3, 0, { imu: imu(now, 2) }));

    // THEN the stop holds until clearHold has passed, then the command passes
    expect(first).toMatchObject({ action: 'stop', rule: 'tilt', reason: 'tilted 40° (limit 30°) (clearing)' });
    now = levelFrom + SETTINGS.clearHoldUs - 1;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { imu: imu(now, 2) })).action).toBe('stop');
    now = levelFrom + SETTINGS.clearHoldUs;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { imu: imu(now, 2) }))).toMatchObject({
      action: 'none',
      vMps: 0.3,
    });
  });

  it('does not act on an IMU sample older than 1 s, and is off when tiltLimitDeg is 0', () => {
    const now = T0 + 2_000_000;
    expect(runningArbiter(SETTINGS).update(now, inputsAt(now, 0.3, 0, { imu: imu(now - 1_000_001, 60) })).action).toBe(
      'none',
    );
    expect(
      runningArbiter(reflexSettings({ 'reflex.tiltLimitDeg': 0 })).update(
        now,
        inputsAt(now, 0.3, 0, { imu: imu(now, 60) }),
      ).action,
    ).toBe('none');
  });
});

describe('rule wheel-stall', () => {
  it('stops after stallTimeUs of motion commanded and applied while the encoders show under a quarter of it', () => {
    // GIVEN a robot driving 0.4 m/s
    const arbiter = runningArbiter(SETTINGS);
    const from = T0 + STEP_US;

    // WHEN the wheels read 0.05 m/s (stuck against something the lidar does not see) for 1 s
    const steps = runFor(arbiter, from, 1_000_000, (now) => ({ wheels: wheels(now, 0.05) }));

    // THEN it stops at 1 s, naming commanded and measured speed
    const first = steps.find(({ decision }) => decision.action === 'stop');
    expect(first?.atUs).toBe(SETTINGS.stallTimeUs);
    expect(first?.decision).toMatchObject({ rule: 'wheel-stall', vMps: 0, wRadps: 0 });
    expect(first?.decision.reason).toBe('wheels stalled: commanded 0.40 m/s, encoders read 0.05 m/s');
    expect(first?.decision.trip?.rule).toBe('wheel-stall');
  });

  it('does not stop for wheels that turn at a quarter of the speed or more', () => {
    const arbiter = runningArbiter(SETTINGS);
    const steps = runFor(arbiter, T0 + STEP_US, 2_000_000, (now) => ({ wheels: wheels(now, 0.1) }));
    for (const { decision } of steps) expect(decision.action).toBe('none');
  });

  it('does not count a stall shorter than stallTimeUs', () => {
    const arbiter = runningArbiter(SETTINGS);
    const from = T0 + STEP_US;
    const stuck = runFor(arbiter, from, 800_000, (now) => ({ wheels: wheels(now, 0) }));
    const free = runFor(arbiter, from + 900_000, 0, (now) => ({ wheels: wheels(now, 0.4) }));
    const stuckAgain = runFor(arbiter, from + 1_000_000, 800_000, (now) => ({ wheels: wheels(now, 0) }));
    for (const { decision } of [...stuck, ...free, ...stuckAgain]) expect(decision.action).toBe('none');
  });

  it('ignores commands below stallMinCommandMps', () => {
    const arbiter = runningArbiter(SETTINGS);
    let now = T0;
    for (let i = 0; i < 30; i++) {
      now += STEP_US;
      expect(arbiter.update(now, inputsAt(now, 0.09, 0, { wheels: wheels(now, 0) })).action).toBe('none');
    }
  });

  it('clears at once when the command falls to zero, before the motors have been given it', () => {
    const arbiter = runningArbiter(SETTINGS);
    const from = T0 + STEP_US;
    expect(runFor(arbiter, from, 1_000_000, (now) => ({ wheels: wheels(now, 0) })).at(-1)?.decision.rule).toBe(
      'wheel-stall',
    );
    const now = from + 1_100_000;
    expect(arbiter.update(now, inputsAt(now, 0, 0, { appliedVMps: 0.4, wheels: wheels(now, 0) })).action).toBe('none');
    expect(arbiter.holding()).toEqual([]);
  });

  it('does not act on an encoder reading older than 1 s', () => {
    const arbiter = runningArbiter(SETTINGS);
    const from = T0 + STEP_US;
    const old = wheels(from - 1_100_000, 0);
    const steps = runFor(arbiter, from, 2_000_000, () => ({ wheels: old }));
    for (const { decision } of steps) expect(decision.action).toBe('none');
  });

  it('keeps holding while motion is still asked for, the braked wheels reading 0, and lets go when the command falls to zero', () => {
    // GIVEN a robot stopped for a stall: 0.4 m/s commanded and applied for 1 s, the encoders reading 0
    const arbiter = runningArbiter(SETTINGS);
    const from = T0 + STEP_US;
    const stalled = runFor(arbiter, from, 1_000_000, (now) => ({ wheels: wheels(now, 0) })).at(-1)?.decision;
    expect(stalled).toMatchObject({ action: 'stop', rule: 'wheel-stall' });
    expect(stalled?.trip?.rule).toBe('wheel-stall');

    // WHEN the planner keeps asking for 0.4 m/s for 2 s while the motors get nothing (applied 0) and the braked wheels read 0
    let now = from + 1_000_000;
    for (let i = 0; i < 20; i++) {
      now += STEP_US;
      const decision = arbiter.update(now, inputsAt(now, 0.4, 0, { appliedVMps: 0, wheels: wheels(now, 0) }));

      // THEN the stall stop keeps holding, without a new trip, naming the speed still asked for
      expect(decision).toMatchObject({ action: 'stop', rule: 'wheel-stall', vMps: 0, wRadps: 0, trip: null });
      expect(decision.reason).toBe('wheels stalled: still commanded 0.40 m/s');
    }
    expect(arbiter.holding()).toEqual(['wheel-stall']);

    // WHEN the command falls to zero, the wheels still reading 0
    now += STEP_US;
    const released = arbiter.update(now, inputsAt(now, 0, 0, { appliedVMps: 0, wheels: wheels(now, 0) }));

    // THEN the stop lets go at once
    expect(released).toEqual({ action: 'none', vMps: 0, wRadps: 0, rule: '', reason: '', trip: null });
    expect(arbiter.holding()).toEqual([]);
  });
});
