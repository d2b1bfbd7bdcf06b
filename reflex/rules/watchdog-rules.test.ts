import { describe, expect, it } from 'vitest';
import { T0, command, inputsAt, reflexSettings, runningArbiter } from '../../test/harness/reflex-fixtures.js';
import type { MotorDriverInput } from '../arbiter.js';

function driver(id: string, healthy: boolean, reason = ''): MotorDriverInput {
  return { id, healthy, reason };
}

describe('rule deadman, driving by hand', () => {
  it('names the manual override when it is the command that fell silent', () => {
    // GIVEN a robot driven by hand from the debug port, the last manual command at T0
    const arbiter = runningArbiter();
    const manual = command(0.2, 0, T0, 'manual');

    // WHEN nothing more comes for 600 ms
    const now = T0 + 600_000;
    const decision = arbiter.update(now, inputsAt(now, 0.2, 0, { command: manual }));

    // THEN it stops, and says it was the manual override that went silent
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, rule: 'deadman' });
    expect(decision.reason).toBe('manual override silent: last command 600 ms ago (limit 500 ms)');
  });
});

describe('rule cortex-heartbeat', () => {
  it('stops when the planner thread has not beaten for longer than the default 1 s', () => {
    // GIVEN a running robot whose planner thread last beat at T0, commands still fresh
    const arbiter = runningArbiter();
    const atLimit = T0 + 1_000_000;

    // WHEN exactly 1 s has passed, THEN motion is still allowed
    expect(arbiter.update(atLimit, inputsAt(atLimit, 0.3, 0, { cortexHeartbeatUs: T0 })).action).toBe('none');

    // WHEN 1.25 s has passed
    const late = T0 + 1_250_000;
    const decision = arbiter.update(late, inputsAt(late, 0.3, 0.4, { cortexHeartbeatUs: T0 }));

    // THEN it stops, turn included, with the silence in the reason
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0, rule: 'cortex-heartbeat' });
    expect(decision.reason).toBe('planner thread unresponsive: no heartbeat for 1250 ms (limit 1000 ms)');
    expect(decision.trip).toEqual({ rule: 'cortex-heartbeat', reason: decision.reason });
  });

  it('uses cortexHeartbeatTimeoutUs when set', () => {
    const arbiter = runningArbiter(reflexSettings({ 'reflex.cortexHeartbeatTimeoutMs': 200 }));
    const fine = T0 + 200_000;
    expect(arbiter.update(fine, inputsAt(fine, 0.3, 0, { cortexHeartbeatUs: T0 })).action).toBe('none');
    const late = T0 + 250_000;
    const decision = arbiter.update(late, inputsAt(late, 0.3, 0, { cortexHeartbeatUs: T0 }));
    expect(decision).toMatchObject({
      action: 'stop',
      rule: 'cortex-heartbeat',
      reason: 'planner thread unresponsive: no heartbeat for 250 ms (limit 200 ms)',
    });
  });

  it('is silent before the first heartbeat (no planner thread watched yet)', () => {
    const arbiter = runningArbiter();
    const now = T0 + 30_000_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { cortexHeartbeatUs: undefined })).action).toBe('none');
  });

  it('clears at once when a fresh heartbeat arrives', () => {
    // GIVEN a robot stopped by a silent planner thread
    const arbiter = runningArbiter();
    const late = T0 + 2_000_000;
    expect(arbiter.update(late, inputsAt(late, 0.3, 0, { cortexHeartbeatUs: T0 })).rule).toBe('cortex-heartbeat');

    // WHEN it beats again
    const decision = arbiter.update(late, inputsAt(late, 0.3, 0, { cortexHeartbeatUs: late }));

    // THEN the command passes
    expect(decision).toEqual({ action: 'none', vMps: 0.3, wRadps: 0, rule: '', reason: '', trip: null });
    expect(arbiter.holding()).toEqual([]);
  });
});

describe('rule motor-driver', () => {
  it('stops when a motor driver fails, naming it and its reason; the healthy one is not named', () => {
    // GIVEN a robot driving with two healthy drivers
    const arbiter = runningArbiter();
    let now = T0 + 10_000;
    expect(
      arbiter.update(now, inputsAt(now, 0.3, 0.2, { motorDrivers: [driver('M1', true), driver('M2', true)] })).action,
    ).toBe('none');

    // WHEN the left one fails
    now += 10_000;
    const decision = arbiter.update(
      now,
      inputsAt(now, 0.3, 0.2, {
        motorDrivers: [driver('M1', false, 'i2c-1 0x60: no acknowledge'), driver('M2', true)],
      }),
    );

    // THEN it stops (no turn: the other motor must not spin alone) and names the failed one
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0, rule: 'motor-driver' });
    expect(decision.reason).toBe('motor driver failed, the others are stopped: M1: i2c-1 0x60: no acknowledge');
    expect(decision.trip?.rule).toBe('motor-driver');
  });

  it('names every failed driver', () => {
    const arbiter = runningArbiter();
    const now = T0 + 10_000;
    const decision = arbiter.update(
      now,
      inputsAt(now, 0.3, 0, {
        motorDrivers: [driver('M1', false, 'overcurrent'), driver('M2', false, 'serial port closed')],
      }),
    );
    expect(decision.reason).toBe(
      'motor driver failed, the others are stopped: M1: overcurrent; M2: serial port closed',
    );
  });

  it('clears at once when every driver is ok again', () => {
    const arbiter = runningArbiter();
    let now = T0 + 10_000;
    arbiter.update(now, inputsAt(now, 0.3, 0, { motorDrivers: [driver('M1', false, 'overcurrent')] }));
    now += 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { motorDrivers: [driver('M1', true)] }))).toMatchObject({
      action: 'none',
      vMps: 0.3,
    });
  });
});

describe('rule loop-overrun', () => {
  it('stops when deadline misses in the last second exceed the default limit of 5, naming count and limit', () => {
    // GIVEN a running robot
    const arbiter = runningArbiter();
    let now = T0 + 10_000;

    // WHEN the loop has missed 5 deadlines, THEN that is still tolerated
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { recentDeadlineMisses: 5 })).action).toBe('none');

    // WHEN it has missed 6
    now += 10_000;
    const decision = arbiter.update(now, inputsAt(now, 0.3, 0.3, { recentDeadlineMisses: 6 }));

    // THEN it stops, turn included
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0, rule: 'loop-overrun' });
    expect(decision.reason).toBe('reflex loop overrun: 6 deadline misses in the last second (limit 5)');
  });

  it('uses loopOverrunLimit when set', () => {
    const arbiter = runningArbiter(reflexSettings({ 'reflex.loopOverrunLimit': 2 }));
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { recentDeadlineMisses: 2 })).action).toBe('none');
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { recentDeadlineMisses: 3 })).reason).toBe(
      'reflex loop overrun: 3 deadline misses in the last second (limit 2)',
    );
  });

  it('clears as soon as the misses drop to the limit', () => {
    // GIVEN a robot stopped by an overrunning loop
    const arbiter = runningArbiter();
    let now = T0 + 10_000;
    arbiter.update(now, inputsAt(now, 0.3, 0, { recentDeadlineMisses: 9 }));

    // WHEN the misses within the last second fall back to 7, THEN it still holds
    now += 500_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { recentDeadlineMisses: 7 }))).toMatchObject({
      action: 'stop',
      trip: null,
    });

    // WHEN they fall to 5, THEN motion resumes at once
    now += 500_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0, { recentDeadlineMisses: 5 }))).toMatchObject({
      action: 'none',
      vMps: 0.3,
    });
  });
});
