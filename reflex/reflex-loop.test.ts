import { describe, expect, it } from 'vitest';
import type { DeviceHealth } from '../hal/device-health.js';
import type { LidarDevice } from '../hal/lidar/api.js';
import type { MotorChannel } from '../hal/motor/api.js';
import { TransportError } from '../hal/transport/transport-error.js';
import type { AppliedDrive } from '../messages/drive.js';
import type { LidarPoints } from '../messages/lidar-points.js';
import { VirtualClock } from '../time/virtual-clock.js';
import type { ReflexSettings } from './arbiter.js';
import { ReflexLoop, type ReflexTrip } from './reflex-loop.js';

/** The parameter defaults (config/params.ts `reflex.*`), in the loop's units. */
const SETTINGS: ReflexSettings = {
  deadmanTimeoutUs: 500_000,
  lidarStaleTimeoutUs: 300_000,
  brakingDecelMps2: 1.0,
  reactionLatencyS: 0.05,
  stopMarginM: 0.1,
  slowZoneM: 0.5,
  maxSpeedMps: 0.5,
  maxTurnRateRadps: 2.0,
  clearHoldUs: 300_000,
};
const RATE_HZ = 100;
const PERIOD_US = 10_000;
const T0 = 20_000_000;

/** A lidar whose packets the test delivers by hand, as the driver would: stamp first, then listeners. */
class HandFedLidar implements LidarDevice {
  readonly id = 'lidar';
  readonly compatible = 'test,hand-fed-lidar';
  readonly kind = 'lidar' as const;
  state: DeviceHealth = { state: 'ok', reason: '', sinceUs: 0 };
  private lastUs = -Infinity;
  private listener: ((points: LidarPoints) => void) | undefined;

  health(): DeviceHealth {
    return this.state;
  }
  onHealthChange(_listener: (health: DeviceHealth, previous: DeviceHealth) => void): void {}
  counters(): Record<string, number> {
    return {};
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  onPoints(listener: (points: LidarPoints) => void): void {
    this.listener = listener;
  }
  lastDataUs(): number {
    return this.lastUs;
  }
  speedDegPerS(): number {
    return 3_600;
  }

  deliver(points: LidarPoints): void {
    this.lastUs = points.stampUs;
    this.listener?.(points);
  }
}

type MotorCall = { op: 'duty'; duty: number; atUs: number } | { op: 'brake' | 'coast'; atUs: number };

/** A motor channel that records every call with the clock time; `failNext` makes the next writes reject. */
class RecordingChannel implements MotorChannel {
  readonly calls: MotorCall[] = [];
  failNext = 0;

  constructor(
    readonly name: string,
    private readonly clock: VirtualClock,
  ) {}

  setDuty(duty: number): Promise<void> {
    this.calls.push({ op: 'duty', duty, atUs: this.clock.nowUs() });
    return this.outcome();
  }
  brake(): Promise<void> {
    this.calls.push({ op: 'brake', atUs: this.clock.nowUs() });
    return this.outcome();
  }
  coast(): Promise<void> {
    this.calls.push({ op: 'coast', atUs: this.clock.nowUs() });
    return this.outcome();
  }

  last(): MotorCall | undefined {
    return this.calls.at(-1);
  }

  duties(): number[] {
    return this.calls.flatMap((c) => (c.op === 'duty' ? [c.duty] : []));
  }

  private outcome(): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new TransportError('EREMOTEIO', 'i2c-1 0x60: no acknowledge'));
    }
    return Promise.resolve();
  }
}

/** Lets the motor writes' promise chains run to the end. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A robot-frame packet stamped now. */
function packet(stampUs: number, points: Array<[number, number]>): LidarPoints {
  return {
    deviceId: 'lidar',
    stampUs,
    count: points.length,
    xM: Float32Array.from(points.map((p) => p[0])),
    yM: Float32Array.from(points.map((p) => p[1])),
    rangeM: Float32Array.from(points.map((p) => Math.hypot(p[0], p[1]))),
    intensity: new Uint8Array(points.length).fill(180),
  };
}

/** A wall 1 m to the left, parallel to the path: data, but nothing in the way. */
const SIDE_WALL: Array<[number, number]> = [-0.5, -0.25, 0, 0.25, 0.5].map((x) => [x, 1]);
/** A wall across the path, 0.1 m beyond the leading edge (footprint half length 0.2 m). */
const WALL_AHEAD: Array<[number, number]> = [-0.1, -0.05, 0, 0.05, 0.1].map((y) => [0.3, y]);
/** The same bearings as {@link WALL_AHEAD}, ten times as far: the wall has moved away. */
const FAR_WALL: Array<[number, number]> = WALL_AHEAD.map(([x, y]) => [x * 10, y * 10]);

function setUp() {
  const clock = new VirtualClock(T0);
  const lidar = new HandFedLidar();
  const left = new RecordingChannel('M1', clock);
  const right = new RecordingChannel('M2', clock);
  const loop = new ReflexLoop({
    clock,
    settings: SETTINGS,
    loopRateHz: RATE_HZ,
    footprint: { lengthM: 0.4, widthM: 0.3 },
    sideMarginM: 0.05,
    geometry: { wheelBaseM: 0.3, maxWheelSpeedMps: 1, invertLeft: false, invertRight: false },
    lidar,
    left,
    right,
    elapsedMs: () => 0,
  });
  const trips: ReflexTrip[] = [];
  const applied: AppliedDrive[] = [];
  loop.onTrip((trip) => trips.push(trip));
  loop.onApplied((drive) => applied.push(drive));

  const rig = {
    clock,
    lidar,
    left,
    right,
    loop,
    trips,
    applied,
    /** Submits a planner command stamped now. */
    command(vMps: number, wRadps = 0): void {
      loop.submit({ source: 'cortex', vMps, wRadps, stampUs: clock.nowUs() });
    },
    /** Delivers a packet of robot-frame points stamped now. */
    scan(points: Array<[number, number]> = SIDE_WALL): void {
      lidar.deliver(packet(clock.nowUs(), points));
    },
    /**
     * Runs `periods` loop periods: each advances the clock one period (the loop's own tick runs),
     * then `each` feeds what arrived in that period, then motor writes complete.
     */
    async run(periods: number, each: () => void = () => {}): Promise<void> {
      for (let i = 0; i < periods; i++) {
        clock.advanceBy(PERIOD_US);
        each();
        await settle();
      }
    },
    /** A planner and a lidar that both keep talking, the planner asking for `vMps`. */
    async drive(periods: number, vMps: number, wRadps = 0): Promise<void> {
      await rig.run(periods, () => {
        rig.scan();
        rig.command(vMps, wRadps);
      });
    },
  };
  return rig;
}

/** A started loop with lidar data and a first command of `vMps`, both at T0. */
async function started(vMps = 0.5) {
  const rig = setUp();
  rig.loop.start();
  rig.scan();
  rig.command(vMps);
  await settle();
  return rig;
}

describe('ReflexLoop', () => {
  it('comes up braked, and does not report that as a trip', async () => {
    // GIVEN a loop with no lidar data and no command
    const rig = setUp();

    // WHEN it starts
    rig.loop.start();
    await settle();

    // THEN both motors are braked, the status says why, and nothing counts as a trip
    expect(rig.left.calls).toEqual([{ op: 'brake', atUs: T0 }]);
    expect(rig.right.calls).toEqual([{ op: 'brake', atUs: T0 }]);
    expect(rig.trips).toEqual([]);
    expect(rig.loop.status()).toMatchObject({ state: 'stopped', rule: 'lidar-stale', trips: 0, lastTrip: null });
  });

  it('with fresh lidar data and a fresh command, ramps the motors up at brakingDecel × dt', async () => {
    // GIVEN a started loop with lidar data and a command for 0.5 m/s, all at T0
    const rig = await started(0.5);

    // THEN nothing moves yet: no time has passed to speed up in
    expect(rig.loop.appliedDrive()).toEqual({ vMps: 0, wRadps: 0, stampUs: T0 });
    expect(rig.left.duties()).toEqual([]);

    // WHEN 100 ms pass with the planner and the lidar both fresh
    await rig.drive(10, 0.5);

    // THEN each 10 ms the speed rose by 1 m/s² × 10 ms = 0.01 m/s, and the wheels got each step
    const expected = Array.from({ length: 10 }, (_, i) => 0.01 * (i + 1));
    expect(rig.left.duties()).toHaveLength(10);
    rig.left.duties().forEach((duty, i) => expect(duty).toBeCloseTo(expected[i] ?? NaN, 9));
    rig.right.duties().forEach((duty, i) => expect(duty).toBeCloseTo(expected[i] ?? NaN, 9));
    expect(rig.loop.appliedDrive().vMps).toBeCloseTo(0.1, 9);
    expect(rig.loop.status()).toMatchObject({ state: 'clear', rule: '', trips: 0 });
    expect(rig.loop.loopTiming()).toMatchObject({ rateHz: RATE_HZ, ticks: 10, latenessP99Us: 0, deadlineMisses: 0 });
  });

  it('reaches the commanded speed after v/a, then stops writing the same duties', async () => {
    const rig = await started(0.5);

    // WHEN 0.6 s pass (0.5 m/s is reached after 0.5 s at 1 m/s²)
    await rig.drive(60, 0.5);

    // THEN the last duty is 0.5 and it was written once, not on every tick
    expect(rig.loop.appliedDrive().vMps).toBeCloseTo(0.5, 9);
    expect(rig.left.duties()).toHaveLength(50);
    expect(rig.left.duties().at(-1)).toBeCloseTo(0.5, 9);
  });

  it('mixes turn rate into the wheel duties', async () => {
    const rig = await started(0);
    await rig.drive(1, 0, 1);
    // Turning in place at 1 rad/s: ∓ 1 · 0.3 / 2 = ∓0.15 at the wheels (turns are not ramped).
    expect(rig.left.last()).toMatchObject({ op: 'duty' });
    expect(rig.left.duties().at(-1)).toBeCloseTo(-0.15, 12);
    expect(rig.right.duties().at(-1)).toBeCloseTo(0.15, 12);
  });

  it('passes a slow-down at once, without ramping', async () => {
    const rig = await started(0.5);
    await rig.drive(60, 0.5);
    await rig.drive(1, 0.2);
    expect(rig.loop.appliedDrive().vMps).toBe(0.2);
    expect(rig.left.duties().at(-1)).toBeCloseTo(0.2, 12);
  });

  it('on a reversal drops to zero at once, then ramps up the other way', async () => {
    // GIVEN a robot driving forward at 0.3 m/s
    const rig = await started(0.3);
    await rig.drive(40, 0.3);
    expect(rig.loop.appliedDrive().vMps).toBeCloseTo(0.3, 9);

    // WHEN the planner asks for 0.5 m/s in reverse
    await rig.drive(1, -0.5);

    // THEN the forward motion stops at once
    expect(Math.abs(rig.loop.appliedDrive().vMps)).toBe(0);

    // AND one 10 ms step later the speed is -0.01 m/s (from zero at 1 m/s²), not -0.5 m/s
    await rig.drive(1, -0.5);
    expect(rig.loop.appliedDrive().vMps).toBeCloseTo(-0.01, 9);
    expect(rig.left.duties().at(-1)).toBeCloseTo(-0.01, 9);
  });

  it('brakes within the dead-man timeout when the planner falls silent', async () => {
    // GIVEN a robot driving at full speed
    const rig = await started(0.5);
    await rig.drive(60, 0.5);
    const lastCommandUs = rig.clock.nowUs();
    const brakesBefore = rig.left.calls.filter((c) => c.op === 'brake').length;

    // WHEN the planner says nothing more for 1 s (the lidar keeps talking)
    await rig.run(100, () => rig.scan());

    // THEN the motors were braked at the first evaluation past the 500 ms timeout, and not before
    const brakes = rig.left.calls.filter((c) => c.op === 'brake').slice(brakesBefore);
    expect(brakes).toHaveLength(1);
    const brakeAtUs = brakes[0]?.atUs ?? NaN;
    expect(brakeAtUs).toBeGreaterThan(lastCommandUs + SETTINGS.deadmanTimeoutUs);
    expect(brakeAtUs).toBeLessThanOrEqual(lastCommandUs + SETTINGS.deadmanTimeoutUs + PERIOD_US);
    expect(rig.right.last()).toEqual({ op: 'brake', atUs: brakeAtUs });

    // AND it was reported as one trip, with the cause
    expect(rig.trips).toHaveLength(1);
    expect(rig.trips[0]).toMatchObject({ rule: 'deadman', atUs: brakeAtUs });
    expect(rig.trips[0]?.reason).toMatch(/^planner silent: last command 510 ms ago/);
    expect(rig.loop.status()).toMatchObject({ state: 'stopped', rule: 'deadman', trips: 1 });
    expect(rig.loop.appliedDrive()).toEqual({ vMps: 0, wRadps: 0, stampUs: brakeAtUs });
  });

  it('brakes within the stale timeout when the lidar falls silent', async () => {
    const rig = await started(0.3);
    await rig.drive(40, 0.3);
    const lastScanUs = rig.clock.nowUs();

    await rig.run(50, () => rig.command(0.3));

    const brake = rig.left.calls.find((c) => c.op === 'brake' && c.atUs > lastScanUs);
    expect(brake?.atUs).toBe(lastScanUs + SETTINGS.lidarStaleTimeoutUs + PERIOD_US);
    expect(rig.trips.map((t) => t.rule)).toEqual(['lidar-stale']);
  });

  it('brakes at the next evaluation when the lidar device reports itself failed', async () => {
    const rig = await started(0.3);
    await rig.drive(40, 0.3);

    rig.lidar.state = { state: 'failed', reason: 'serial port closed: ENXIO', sinceUs: rig.clock.nowUs() };
    await rig.run(1);

    expect(rig.left.last()?.op).toBe('brake');
    expect(rig.trips[0]?.reason).toBe('lidar not ok: serial port closed: ENXIO');
  });

  it('brakes in the very call that delivers a packet showing a wall 0.1 m ahead', async () => {
    // GIVEN a robot driving at 0.3 m/s (stopping distance 0.16 m)
    const rig = await started(0.3);
    await rig.drive(40, 0.3);
    expect(rig.loop.appliedDrive().vMps).toBeCloseTo(0.3, 9);
    const nowUs = rig.clock.nowUs();
    const dueUs = rig.clock.nextDueUs();
    const callsBefore = rig.left.calls.length;

    // WHEN a packet shows a wall 0.1 m beyond the leading edge
    rig.scan(WALL_AHEAD);

    // THEN, before any timer tick and before awaiting anything, both motors were told to brake
    expect(rig.clock.nowUs()).toBe(nowUs);
    expect(rig.clock.nextDueUs()).toBe(dueUs);
    expect(rig.left.calls.slice(callsBefore)).toEqual([{ op: 'brake', atUs: nowUs }]);
    expect(rig.right.last()).toEqual({ op: 'brake', atUs: nowUs });

    // AND the trip listener heard about it, with the obstacle named
    expect(rig.trips).toHaveLength(1);
    expect(rig.trips[0]).toMatchObject({ rule: 'obstacle', atUs: nowUs });
    expect(rig.trips[0]?.reason).toContain('obstacle');
    expect(rig.trips[0]?.reason).toMatch(/^obstacle 0\.10 m ahead/);
    expect(rig.applied.at(-1)).toEqual({ vMps: 0, wRadps: 0, stampUs: nowUs });
    expect(rig.loop.nearestObstacleM()).toBeCloseTo(0.3, 6);
  });

  it('keeps the wall stop as one trip and one brake while the wall stays', async () => {
    const rig = await started(0.3);
    await rig.drive(40, 0.3);
    rig.scan(WALL_AHEAD);
    const callsAfterTrip = rig.left.calls.length;

    await rig.run(50, () => {
      rig.scan(WALL_AHEAD);
      rig.command(0.3);
    });

    expect(rig.trips).toHaveLength(1);
    expect(rig.left.calls.length).toBe(callsAfterTrip);
    expect(rig.loop.status()).toMatchObject({ state: 'stopped', rule: 'obstacle', trips: 1 });
  });

  it('lets the robot turn in place under a wall stop, and drive once the path has been clear for clearHold', async () => {
    // GIVEN a robot stopped by a wall ahead
    const rig = await started(0.3);
    await rig.drive(40, 0.3);
    rig.scan(WALL_AHEAD);
    await settle();

    // WHEN the planner turns in place, the wall still there
    await rig.run(1, () => {
      rig.scan(WALL_AHEAD);
      rig.command(0, 1);
    });
    const turnUs = rig.clock.nowUs();

    // THEN the wheels turn in opposite directions while the stop holds
    expect(rig.loop.status()).toMatchObject({ state: 'stopped', rule: 'obstacle' });
    expect(rig.left.duties().at(-1)).toBeCloseTo(-0.15, 12);
    expect(rig.right.duties().at(-1)).toBeCloseTo(0.15, 12);

    // WHEN the wall moves away (returns at the same bearings, ten times as far) and the planner asks to drive
    const states: Array<[number, string]> = [];
    await rig.run(40, () => {
      rig.scan(FAR_WALL);
      rig.command(0.3);
      states.push([rig.clock.nowUs() - turnUs, rig.loop.status().state]);
    });

    // THEN the stop holds until the path has been clear for 300 ms (counted from the turn, which asked for no
    // forward motion), and then the robot drives on
    const firstClear = states.find(([, state]) => state === 'clear');
    expect(firstClear?.[0]).toBe(SETTINGS.clearHoldUs);
    expect(states.filter(([atUs]) => atUs < SETTINGS.clearHoldUs).every(([, state]) => state === 'stopped')).toBe(true);
    expect(rig.loop.appliedDrive().vMps).toBeGreaterThan(0);
    expect(rig.trips).toHaveLength(1);
  });

  it('counts a failed motor write and retries it at the next evaluation', async () => {
    // GIVEN a robot cruising at a steady 0.5 m/s
    const rig = await started(0.5);
    await rig.drive(60, 0.5);
    const callsBefore = rig.left.calls.length;

    // WHEN the planner slows to 0.4 m/s and the left channel's write fails
    rig.left.failNext = 1;
    rig.command(0.4);
    await settle();

    // THEN the failure is counted
    expect(rig.loop.counters()).toEqual({ motorWriteErrors: 1 });
    expect(rig.left.calls.slice(callsBefore)).toEqual([{ op: 'duty', duty: 0.4, atUs: rig.clock.nowUs() }]);

    // WHEN the next evaluation comes (the loop's tick)
    await rig.run(1, () => rig.scan());

    // THEN the same duties are written again, and succeed
    expect(rig.left.calls.slice(callsBefore).map((c) => c.op === 'duty' && c.duty)).toEqual([0.4, 0.4]);
    expect(rig.right.duties().slice(-2)).toEqual([0.4, 0.4]);
    expect(rig.loop.counters()).toEqual({ motorWriteErrors: 1 });

    // AND once written, they are not written again
    const callsAfterRetry = rig.left.calls.length;
    await rig.run(5, () => {
      rig.scan();
      rig.command(0.4);
    });
    expect(rig.left.calls.length).toBe(callsAfterRetry);
  });

  it('after a half-failed write, writes the next output even when it equals the last good one', async () => {
    // GIVEN a robot standing braked
    const rig = await started(0);
    expect(rig.left.last()?.op).toBe('brake');

    // WHEN a turn in place reaches the right motor but the left write fails
    rig.left.failNext = 1;
    rig.command(0, 1);
    await settle();
    expect(rig.right.last()).toMatchObject({ op: 'duty', duty: 0.15 });
    expect(rig.loop.counters().motorWriteErrors).toBe(1);

    // AND the planner then asks to stand still again
    rig.command(0, 0);
    await settle();

    // THEN both motors are braked again: the right one is not left turning
    expect(rig.left.last()?.op).toBe('brake');
    expect(rig.right.last()?.op).toBe('brake');
  });

  it('keeps retrying a brake that keeps failing, counting each failure', async () => {
    const rig = setUp();
    rig.left.failNext = 3;
    rig.loop.start();
    await settle();
    await rig.run(3);
    expect(rig.loop.counters().motorWriteErrors).toBe(3);
    expect(rig.left.calls.map((c) => c.op)).toEqual(['brake', 'brake', 'brake', 'brake']);
    await rig.run(3);
    expect(rig.left.calls).toHaveLength(4);
  });

  it('writes only the latest output when evaluations outpace a slow write', async () => {
    // GIVEN a robot cruising at 0.5 m/s
    const rig = await started(0.5);
    await rig.drive(60, 0.5);
    const callsBefore = rig.left.calls.length;

    // WHEN three commands arrive before the first write has completed
    rig.command(0.4);
    rig.command(0.3);
    rig.command(0.2);
    await settle();

    // THEN the first was written, and then only the last
    expect(rig.left.calls.slice(callsBefore).map((c) => c.op === 'duty' && c.duty)).toEqual([0.4, 0.2]);
  });

  it('reports applied motion to onApplied on every change, and only on changes', async () => {
    const rig = await started(0.5);
    await rig.drive(60, 0.5);

    // The ramp: one report per 10 ms step up to 0.5 m/s, each stamped with its time.
    expect(rig.applied).toHaveLength(50);
    rig.applied.forEach((drive, i) => {
      expect(drive.stampUs).toBe(T0 + (i + 1) * PERIOD_US);
      expect(drive.vMps).toBeCloseTo(0.01 * (i + 1), 9);
      expect(drive.wRadps).toBe(0);
    });
    expect(rig.loop.appliedDrive()).toBe(rig.applied.at(-1));

    // A turn is a change too; the same command again is not.
    await rig.drive(1, 0.5, 0.2);
    await rig.drive(5, 0.5, 0.2);
    expect(rig.applied).toHaveLength(51);
    expect(rig.applied.at(-1)).toMatchObject({ vMps: 0.5, wRadps: 0.2, stampUs: T0 + 61 * PERIOD_US });
  });

  it('stops evaluating on its own after stop()', async () => {
    const rig = await started(0.5);
    await rig.drive(5, 0.5);
    rig.loop.stop();
    const ticks = rig.loop.loopTiming().ticks;
    rig.clock.advanceBy(1_000_000);
    await settle();
    expect(rig.loop.loopTiming().ticks).toBe(ticks);
    expect(rig.clock.nextDueUs()).toBe(Infinity);
  });
});
