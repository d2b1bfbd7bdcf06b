import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeviceHealth } from '../hal/device-health.js';
import type { LidarDevice } from '../hal/lidar/api.js';
import type { MotorChannel } from '../hal/motor/api.js';
import type { MountPose } from '../hal/mount-pose.js';
import type { RangeDevice } from '../hal/range/api.js';
import type { RangeReading } from '../messages/range-reading.js';
import { TransportError } from '../hal/transport/transport-error.js';
import type { AppliedDrive } from '../messages/drive.js';
import type { LidarPoints } from '../messages/lidar-points.js';
import type { Point2D } from '../messages/geometry.js';
import { insidePolygon } from '../messages/polygon.js';
import { reflexSettings } from '../test/harness/reflex-fixtures.js';
import { VirtualClock } from '../time/virtual-clock.js';
import type { ReflexSettings } from './arbiter.js';
import { ReflexLoop, type ReflexTrip, type SafetySources } from './reflex-loop.js';
import { sweptAreaPolygons } from './swept-area.js';
import { SweptPathChecker } from './swept-path.js';

/** The parameter defaults (config/params.ts `reflex.*`), in the loop's units. */
const SETTINGS: ReflexSettings = reflexSettings();
const RATE_HZ = 100;
const PERIOD_US = 10_000;
const T0 = 20_000_000;

/** What the test devices share: a health the test sets (ok until then), no counters, nothing to start. */
abstract class HandHeldDevice {
  state: DeviceHealth = { state: 'ok', reason: '', sinceUs: 0 };

  health(): DeviceHealth {
    return this.state;
  }
  onHealthChange(_listener: (health: DeviceHealth, previous: DeviceHealth) => void): () => void {
    return () => undefined;
  }
  counters(): Record<string, number> {
    return {};
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

/** A lidar whose packets the test delivers by hand, as the driver would: stamp first, then listeners. */
class HandFedLidar extends HandHeldDevice implements LidarDevice {
  readonly id = 'lidar';
  readonly compatible = 'test,hand-fed-lidar';
  readonly kind = 'lidar' as const;
  private lastUs = -Infinity;
  private listener: ((points: LidarPoints) => void) | undefined;

  onPoints(listener: (points: LidarPoints) => void): () => void {
    this.listener = listener;
    return () => (this.listener = undefined);
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
    // A whole turn's view: every sector measured now, beams from the robot's centre.
    originXM: 0,
    originYM: 0,
    sweepFirstRad: Math.PI,
    sweepLastRad: -Math.PI,
    beamStepRad: 0.05,
  };
}

/** A wall 1 m to the left, parallel to the path: data, but nothing in the way. */
const SIDE_WALL: Array<[number, number]> = [-0.5, -0.25, 0, 0.25, 0.5].map((x) => [x, 1]);
/** A wall across the path, 0.1 m beyond the leading edge (footprint half length 0.2 m). */
const WALL_AHEAD: Array<[number, number]> = [-0.1, -0.05, 0, 0.05, 0.1].map((y) => [0.3, y]);
/** A wall across the path 0.12 m beyond the leading edge: inside the stopping distance, beyond the corners' turning circle and side margin. */
const WALL_TURNABLE: Array<[number, number]> = [-0.1, -0.05, 0, 0.05, 0.1].map((y) => [0.32, y]);
/** The same bearings as {@link WALL_AHEAD}, ten times as far: the wall has moved away. */
const FAR_WALL: Array<[number, number]> = WALL_TURNABLE.map(([x, y]) => [x * 10, y * 10]);

/** What a rig is built from; everything not given is the plain robot of the first tests. */
interface RigOptions {
  /** The loop's clock. Default: a new one at {@link T0}; pass one when the safety devices read it too. */
  clock?: VirtualClock;
  /** Default {@link SETTINGS}. */
  settings?: ReflexSettings;
  /** Devices besides the lidar that the safety rules watch. Default: none. */
  safety?: SafetySources;
}

/** What a rig's `drive` may add to a plain forward command. */
interface DriveExtras {
  /** Turn rate asked for with the speed, rad/s. Default 0. */
  wRadps?: number;
  /** Feeds other devices at the start of each period. */
  also?: () => void;
}

/**
 * A reflex loop at 100 Hz over a 0.4 m × 0.3 m footprint (0.3 m wheel base), with a hand-fed lidar
 * and two recording motor channels, not started; its trips and applied drives are collected.
 */
function loopRig({ clock = new VirtualClock(T0), settings = SETTINGS, safety }: RigOptions = {}) {
  const lidar = new HandFedLidar();
  const left = new RecordingChannel('M1', clock);
  const right = new RecordingChannel('M2', clock);
  const loop = new ReflexLoop({
    clock,
    settings,
    loopRateHz: RATE_HZ,
    footprint: { lengthM: 0.4, widthM: 0.3 },
    geometry: { wheelBaseM: 0.3, maxWheelSpeedMps: 1, invertLeft: false, invertRight: false },
    lidar,
    left,
    right,
    safety,
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
    /** Starts the loop with lidar data and a first command of `vMps`, both now. */
    async startWith(vMps: number): Promise<void> {
      loop.start();
      rig.scan();
      rig.command(vMps);
      await settle();
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
    /**
     * A planner and a lidar that both keep talking, the planner asking for `vMps` (and `wRadps`);
     * whatever `also` feeds arrives first in each period.
     */
    async drive(periods: number, vMps: number, { wRadps = 0, also = () => {} }: DriveExtras = {}): Promise<void> {
      await rig.run(periods, () => {
        also();
        rig.scan();
        rig.command(vMps, wRadps);
      });
    },
    /** The left channel's brakes from call `index` on. */
    brakesSince(index: number): MotorCall[] {
      return left.calls.slice(index).filter((c) => c.op === 'brake');
    },
  };
  return rig;
}

/** A started loop with lidar data and a first command of `vMps`, both at T0. */
async function started(vMps = 0.5) {
  const rig = loopRig();
  await rig.startWith(vMps);
  return rig;
}

describe('ReflexLoop', () => {
  it('comes up braked, and does not report that as a trip', async () => {
    // GIVEN a loop with no lidar data and no command
    const rig = loopRig();

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
    await rig.drive(1, 0, { wRadps: 1 });
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
    rig.scan(WALL_TURNABLE);
    await settle();

    // WHEN the planner turns in place, the wall still there
    await rig.run(1, () => {
      rig.scan(WALL_TURNABLE);
      rig.command(0, 1);
    });
    const turnUs = rig.clock.nowUs();

    // THEN the wheels turn in opposite directions (slowed, near the wall) while the stop holds
    expect(rig.loop.status()).toMatchObject({ state: 'stopped', rule: 'obstacle' });
    const leftDuty = rig.left.duties().at(-1)!;
    expect(leftDuty).toBeLessThan(0);
    expect(leftDuty).toBeGreaterThanOrEqual(-0.15);
    expect(rig.right.duties().at(-1)).toBeCloseTo(-leftDuty, 12);

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
    const rig = loopRig();
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
    await rig.drive(1, 0.5, { wRadps: 0.2 });
    await rig.drive(5, 0.5, { wRadps: 0.2 });
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

  it('exports the swept area its latest evaluation checked for the command in force, and stops for what lies in it', async () => {
    // GIVEN a placed robot driving an arc away from the wall on its left
    const rig = await started(0.4);
    rig.loop.setPose({ xM: 1, yM: 2, yawRad: 0.5 });
    await rig.drive(30, 0.4, { wRadps: -0.6 });
    expect(rig.loop.status().state).toBe('clear');

    // WHEN the status asks for the swept area
    const area = rig.loop.sweptArea()!;

    // THEN it is the swept-path check's own area for the command, where the robot stood at the latest evaluation
    const checker = new SweptPathChecker({
      halfLengthM: 0.2,
      halfWidthM: 0.15,
      sideMarginM: SETTINGS.sideMarginM,
      wheelBaseM: 0.3,
      capacity: 1,
    });
    checker.setCount(0, SETTINGS.stopMarginM);
    const { brakingDecelMps2, reactionLatencyS, stopMarginM, slowZoneM, maxSpeedMps } = SETTINGS;
    const model = { brakingDecelMps2, reactionLatencyS, stopMarginM, slowZoneM, maxSpeedMps };
    const expected = sweptAreaPolygons(checker.checkedArea(0.4, -0.6, model)!);
    expect(area).toMatchObject({ stampUs: rig.clock.nowUs(), vMps: 0.4, wRadps: -0.6, kind: 'path' });
    expect(area.pose).toEqual(rig.loop.worldPose());
    expect(area.polygons.map((polygon) => polygon.length)).toEqual(expected.map((polygon) => polygon.length));
    area.polygons.forEach((polygon, i) =>
      polygon.forEach((p, j) => {
        expect(Math.abs(p.xM - expected[i]![j]!.xM)).toBeLessThanOrEqual(0.0005 + 1e-12);
        expect(Math.abs(p.yM - expected[i]![j]!.yM)).toBeLessThanOrEqual(0.0005 + 1e-12);
      }),
    );

    // AND an obstacle just beyond its far end changes nothing, one inside it slows or stops the robot
    const far = area.polygons.at(-1)!;
    const centre = {
      xM: far.reduce((sum, p) => sum + p.xM, 0) / far.length,
      yM: far.reduce((sum, p) => sum + p.yM, 0) / far.length,
    };
    const tip = far.reduce((best, p) => (Math.hypot(p.xM, p.yM) > Math.hypot(best.xM, best.yM) ? p : best));
    const beyond = { xM: centre.xM + (tip.xM - centre.xM) * 1.3, yM: centre.yM + (tip.yM - centre.yM) * 1.3 };
    expect(area.polygons.some((polygon) => insidePolygon(beyond, polygon))).toBe(false);
    rig.scan([...SIDE_WALL, [beyond.xM, beyond.yM]]);
    expect(rig.loop.status()).toMatchObject({ state: 'clear' });
    rig.scan([...SIDE_WALL, [beyond.xM, beyond.yM], [centre.xM, centre.yM]]);
    expect(rig.loop.status()).toMatchObject({ rule: 'obstacle' });
    expect(['slow', 'stopped']).toContain(rig.loop.status().state);
  });

  it('exports no swept area without a command, and a corridor driving straight', async () => {
    const rig = loopRig();
    rig.loop.start();
    rig.scan();
    expect(rig.loop.sweptArea()).toBeNull();
    rig.command(-0.3);
    const area = rig.loop.sweptArea()!;
    expect(area).toMatchObject({ kind: 'corridor', vMps: -0.3, wRadps: 0, pose: null });
    expect(area.polygons).toHaveLength(1);
    // Behind the robot: its far edge is the rear one, grown by the stop margin, then the look-ahead.
    expect(Math.min(...area.polygons[0]!.map((p) => p.xM))).toBeCloseTo(
      -(0.2 + SETTINGS.stopMarginM + area.lookAheadM),
      3,
    );
  });
});

describe('safety sources', () => {
  // The devices' types as the loop takes them (its `safety` option).
  type Safety = NonNullable<ConstructorParameters<typeof ReflexLoop>[0]['safety']>;
  type SwitchDevice = NonNullable<Safety['switches']>[number];
  type SwitchState = ReturnType<SwitchDevice['state']>;
  type BatteryReading = NonNullable<ReturnType<NonNullable<Safety['battery']>['lastReading']>>;
  type ImuSample = NonNullable<ReturnType<NonNullable<Safety['imu']>['lastSample']>>;
  type EncoderReading = NonNullable<ReturnType<NonNullable<Safety['wheels']>['lastReading']>>;
  type DriverDevice = NonNullable<Safety['motorDrivers']>[number];

  const G_MPS2 = 9.80665;

  /** The parameter defaults (config/params.ts `reflex.*`), every safety rule on; stall time and heartbeat shortened. */
  const SAFETY_PARAMS = { 'reflex.stallTimeMs': 500, 'reflex.cortexHeartbeatTimeoutMs': 200 } as const;

  const OK: DeviceHealth = { state: 'ok', reason: '', sinceUs: 0 };

  /** A switch line set by hand; like the switch driver, it tells its listeners at once. */
  class HandSetSwitch implements SwitchDevice {
    readonly compatible = 'test,hand-set-switch';
    readonly kind = 'digital-input' as const;
    private current: SwitchState;
    private readonly listeners: Array<(state: SwitchState) => void> = [];

    constructor(
      readonly id: string,
      readonly role: SwitchDevice['role'],
      private readonly clock: VirtualClock,
    ) {
      this.current = { active: false, reason: 'released', known: true, stampUs: clock.nowUs() };
    }
    health(): DeviceHealth {
      return OK;
    }
    onHealthChange(): () => void {
      return () => undefined;
    }
    counters(): Record<string, number> {
      return {};
    }
    async start(): Promise<void> {}
    async stop(): Promise<void> {}
    onChange(listener: (state: SwitchState) => void): () => void {
      this.listeners.push(listener);
      return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
    }
    state(): SwitchState {
      return this.current;
    }

    set(active: boolean, reason: string): void {
      this.current = { active, reason, known: true, stampUs: this.clock.nowUs() };
      for (const listener of this.listeners) listener(this.current);
    }
  }

  /** A motor driver whose health the test sets. */
  class HandSetDriver extends HandHeldDevice implements DriverDevice {
    readonly compatible = 'test,hand-set-driver';
    readonly kind = 'motor-driver' as const;
    constructor(readonly id: string) {
      super();
    }
  }

  /** Readers of the battery, the IMU and the wheel encoders, each holding its latest reading (null: none yet). */
  function readers(clock: VirtualClock) {
    let battery: BatteryReading | null = null;
    let imu: ImuSample | null = null;
    let wheels: EncoderReading | null = null;
    return {
      battery: { lastReading: () => battery },
      imu: { lastSample: () => imu },
      wheels: { lastReading: () => wheels },
      /** The battery monitor measures `voltageV` now. */
      measureBattery(voltageV: number): void {
        battery = { voltageV, currentA: 1.2, powerW: voltageV * 1.2, stampUs: clock.nowUs() };
      },
      /** The IMU samples an acceleration (gravity included) now, m/s². */
      sampleImu(x: number, y: number, z: number): void {
        imu = { accelMps2: { x, y, z }, gyroRadps: { x: 0, y: 0, z: 0 }, temperatureC: 31, stampUs: clock.nowUs() };
      },
      /** Both wheels have turned `deltaM` more since the last reading. */
      countWheels(deltaM: number): void {
        const left = (wheels?.travelM['left'] ?? 0) + deltaM;
        const right = (wheels?.travelM['right'] ?? 0) + deltaM;
        wheels = {
          counts: { left: Math.round(left * 1000), right: Math.round(right * 1000) },
          travelM: { left, right },
          stampUs: clock.nowUs(),
        };
      },
    };
  }

  /** The plain rig plus an e-stop button, a front bumper, a motor driver and the readers, every safety rule on. */
  function safetyRig(geofence: readonly Point2D[] | null = null) {
    const clock = new VirtualClock(T0);
    const button = new HandSetSwitch('estop-main', 'estop', clock);
    const bumper = new HandSetSwitch('bumper-front', 'bumper', clock);
    const driver = new HandSetDriver('motor-hat');
    const sources = readers(clock);
    const rig = loopRig({
      clock,
      settings: reflexSettings(SAFETY_PARAMS, geofence),
      safety: {
        switches: [button, bumper],
        battery: sources.battery,
        imu: sources.imu,
        wheels: sources.wheels,
        motorDrivers: [driver],
      },
    });
    return { ...rig, button, bumper, driver, sources };
  }

  /** A started rig, driving `vMps` for `periods` with the lidar and the planner fresh. */
  async function driving(vMps = 0.3, periods = 40) {
    const rig = safetyRig();
    await rig.startWith(vMps);
    await rig.drive(periods, vMps);
    expect(rig.loop.status().state).toBe('clear');
    expect(rig.loop.appliedDrive().vMps).toBeGreaterThan(0);
    return rig;
  }

  it('brakes in the very call that reports the e-stop button pressed, and stays latched until resetEstop() after release', async () => {
    // GIVEN a robot driving at 0.3 m/s
    const rig = await driving(0.3);
    const nowUs = rig.clock.nowUs();
    const callsBefore = rig.left.calls.length;

    // WHEN the e-stop button is pressed
    rig.button.set(true, 'pressed');

    // THEN, before any tick and before awaiting anything, both motors were told to brake, and the trip names the button
    expect(rig.left.calls.slice(callsBefore)).toEqual([{ op: 'brake', atUs: nowUs }]);
    expect(rig.right.last()).toEqual({ op: 'brake', atUs: nowUs });
    expect(rig.trips).toHaveLength(1);
    expect(rig.trips[0]).toMatchObject({ rule: 'estop-input', reason: 'estop-main: pressed', atUs: nowUs });
    expect(rig.loop.status()).toMatchObject({ state: 'estop', rule: 'estop-input' });
    await settle();

    // WHEN the button is released and the planner keeps asking to drive for 1 s
    rig.button.set(false, 'released');
    const callsAfterBrake = rig.left.calls.length;
    await rig.drive(100, 0.3);

    // THEN nothing moves, and the status says a reset is needed
    expect(rig.left.calls.length).toBe(callsAfterBrake);
    expect(rig.loop.status()).toMatchObject({
      state: 'estop',
      reason: 'estop-main: pressed (latched: reset needed)',
      trips: 1,
    });

    // WHEN the e-stop is reset
    expect(rig.loop.resetEstop()).toEqual({ cleared: ['estop-input'], stillActive: [] });
    await rig.drive(10, 0.3);

    // THEN the robot drives again
    expect(rig.loop.status().state).toBe('clear');
    expect(rig.left.duties().at(-1)).toBeGreaterThan(0);
  });

  it('resetEstop() while the button is still pressed keeps the latch and reports it in stillActive', async () => {
    // GIVEN a robot e-stopped by its button, still held down
    const rig = await driving(0.3);
    rig.button.set(true, 'pressed');
    await settle();
    const callsAfterBrake = rig.left.calls.length;

    // WHEN someone resets
    const reset = rig.loop.resetEstop();

    // THEN the button is still active, and the robot stays braked
    expect(reset).toEqual({ cleared: [], stillActive: [{ rule: 'estop-input', reason: 'estop-main: pressed' }] });
    await rig.drive(20, 0.3);
    expect(rig.left.calls.length).toBe(callsAfterBrake);
    expect(rig.loop.status().state).toBe('estop');

    // WHEN it is released and reset again, THEN it clears
    rig.button.set(false, 'released');
    expect(rig.loop.resetEstop()).toEqual({ cleared: ['estop-input'], stillActive: [] });
  });

  it('a bumper closing brakes at once and latches like the button', async () => {
    const rig = await driving(0.3);
    const nowUs = rig.clock.nowUs();
    rig.bumper.set(true, 'pressed');
    expect(rig.left.last()).toEqual({ op: 'brake', atUs: nowUs });
    expect(rig.trips.map((t) => t.rule)).toEqual(['bumper']);
    rig.bumper.set(false, 'released');
    await rig.drive(10, 0.3);
    expect(rig.loop.status()).toMatchObject({ state: 'estop', rule: 'bumper' });
  });

  it('requestEstop() brakes at once, and the trip carries the black box of the last 2 s at the loop rate, frozen', async () => {
    // GIVEN a robot that has driven for 3 s
    const rig = await driving(0.3, 300);
    const nowUs = rig.clock.nowUs();
    const callsBefore = rig.left.calls.length;

    // WHEN the debug port asks for an e-stop
    rig.loop.requestEstop('debug-port', 'operator pressed STOP');

    // THEN the motors brake in the same call, and the trip says who asked and why
    expect(rig.left.calls.slice(callsBefore)).toEqual([{ op: 'brake', atUs: nowUs }]);
    expect(rig.right.last()).toEqual({ op: 'brake', atUs: nowUs });
    expect(rig.trips).toHaveLength(1);
    const trip = rig.trips[0];
    expect(trip).toMatchObject({ rule: 'estop-request', reason: 'debug-port: operator pressed STOP', atUs: nowUs });

    // AND its black box holds 2 s at 100 Hz, oldest first: the ticks 10 ms apart, then the trip itself
    const box = trip?.blackBox ?? [];
    expect(box).toHaveLength(2 * RATE_HZ);
    const ticks = box.slice(0, -1);
    ticks.forEach((entry, i) => {
      expect(entry.tUs).toBe(nowUs - (ticks.length - 1 - i) * PERIOD_US);
      expect(entry).toMatchObject({ action: 'none', cmdVMps: 0.3, aheadFreeM: null, batteryV: null, tiltDeg: null });
      expect(entry.appliedVMps).toBeCloseTo(0.3, 9);
    });
    expect(box.at(-1)).toMatchObject({ tUs: nowUs, action: 'estop', rule: 'estop-request', appliedVMps: 0 });

    // AND it stays as it was while the loop runs on
    const copy = structuredClone(box);
    await rig.drive(50, 0.3);
    expect(trip?.blackBox).toEqual(copy);
    expect(rig.loop.status()).toMatchObject({ state: 'estop', rule: 'estop-request' });
  });

  it('a manual override() drives while renewed, and stops after the dead-man timeout', async () => {
    // GIVEN a started loop with lidar data and no planner at all
    const rig = safetyRig();
    rig.loop.start();
    rig.scan();
    await settle();
    expect(rig.loop.status().state).toBe('stopped');

    // WHEN a field engineer drives by hand, renewing every 100 ms for 1 s
    await rig.run(100, () => {
      rig.scan();
      if (rig.clock.nowUs() % 100_000 === 0) rig.loop.override(0.3, 0);
    });
    const lastOverrideUs = rig.clock.nowUs();

    // THEN the robot drives
    expect(rig.loop.status().state).toBe('clear');
    expect(rig.loop.appliedDrive().vMps).toBeCloseTo(0.3, 9);
    expect(rig.trips).toEqual([]);

    // WHEN the renewals stop
    const callsBefore = rig.left.calls.length;
    await rig.run(100, () => rig.scan());

    // THEN the motors brake at the first evaluation past the dead-man timeout, and it is a dead-man trip
    const brakes = rig.brakesSince(callsBefore);
    expect(brakes).toHaveLength(1);
    expect(brakes[0]?.atUs).toBeGreaterThan(lastOverrideUs + SETTINGS.deadmanTimeoutUs);
    expect(brakes[0]?.atUs).toBeLessThanOrEqual(lastOverrideUs + SETTINGS.deadmanTimeoutUs + PERIOD_US);
    expect(rig.trips.map((t) => t.rule)).toEqual(['deadman']);
  });

  it("a renewed manual override wins over the planner; once it lapses, the planner's fresh command is in force again", async () => {
    // GIVEN a robot driving, the planner asking for 0.2 m/s every period
    const rig = await driving(0.2, 10);

    // WHEN a field engineer turns it in place by hand, renewing every 100 ms for 0.5 s
    await rig.drive(50, 0.2, {
      also: () => {
        if (rig.clock.nowUs() % 100_000 === 0) rig.loop.override(0, 1);
      },
    });

    // THEN it turns in place: the planner's forward speed is not applied
    expect(rig.loop.appliedDrive()).toMatchObject({ vMps: 0, wRadps: 1 });
    expect(rig.left.duties().at(-1)).toBeCloseTo(-0.15, 12);

    // WHEN the renewals stop, THEN after the dead-man timeout the planner drives again, with no trip
    await rig.drive(100, 0.2);
    expect(rig.loop.appliedDrive().vMps).toBeCloseTo(0.2, 9);
    expect(rig.loop.appliedDrive().wRadps).toBe(0);
    expect(rig.trips).toEqual([]);
  });

  it('stops when heartbeat() has been missing for longer than cortexHeartbeatTimeoutUs, and drives again when it returns', async () => {
    // GIVEN a robot driving with the planner thread beating every period
    const rig = await driving(0.3, 10);
    await rig.drive(30, 0.3, { also: () => rig.loop.heartbeat() });
    const lastBeatUs = rig.clock.nowUs();
    const callsBefore = rig.left.calls.length;

    // WHEN the beats stop (commands and lidar still arrive)
    await rig.drive(40, 0.3);

    // THEN it brakes at the first evaluation past 200 ms
    const brakes = rig.brakesSince(callsBefore);
    expect(brakes).toHaveLength(1);
    expect(brakes[0]?.atUs).toBe(lastBeatUs + 200_000 + PERIOD_US);
    expect(rig.trips.map((t) => t.rule)).toEqual(['cortex-heartbeat']);
    expect(rig.trips[0]?.reason).toBe('planner thread unresponsive: no heartbeat for 210 ms (limit 200 ms)');

    // WHEN it beats again, THEN motion resumes
    await rig.drive(5, 0.3, { also: () => rig.loop.heartbeat() });
    expect(rig.loop.status().state).toBe('clear');
    expect(rig.left.duties().at(-1)).toBeGreaterThan(0);
  });

  it('with setPose() and a geofence, stops before the robot would leave the fence', async () => {
    // GIVEN a fence whose east edge is 0.6 m ahead of the robot, and the robot's pose given at the start
    const fenceEdgeM = 0.6;
    const rig = safetyRig([
      { xM: -1, yM: -1 },
      { xM: fenceEdgeM, yM: -1 },
      { xM: fenceEdgeM, yM: 1 },
      { xM: -1, yM: 1 },
    ]);
    rig.loop.start();
    rig.loop.setPose({ xM: 0, yM: 0, yawRad: 0 });
    rig.scan();
    rig.command(0.3);
    await settle();

    // WHEN the planner drives east at 0.3 m/s for 3 s
    await rig.drive(300, 0.3);

    // THEN it was stopped by the geofence as the fence came within the stopping distance (0.16 m at 0.3 m/s),
    // and it stands inside the fence
    expect(rig.trips.map((t) => t.rule)).toEqual(['geofence']);
    expect(rig.trips[0]?.reason).toBe('would leave the geofence within 0.16 m');
    let xM = 0;
    rig.applied.forEach((drive, i) => {
      const untilUs = rig.applied[i + 1]?.stampUs ?? rig.clock.nowUs();
      xM += (drive.vMps * (untilUs - drive.stampUs)) / 1e6;
    });
    expect(rig.loop.appliedDrive().vMps).toBe(0);
    expect(xM).toBeGreaterThan(fenceEdgeM - 0.16);
    expect(xM).toBeLessThanOrEqual(fenceEdgeM - 0.16 + 0.3 * (PERIOD_US / 1e6) + 1e-9);
  });

  it('reads the battery: a 1 s sag does nothing, a 2 s one stops and names the voltage', async () => {
    // GIVEN a robot driving on a healthy battery, measured every period
    const rig = await driving(0.3, 10);
    await rig.drive(20, 0.3, { also: () => rig.sources.measureBattery(11.8) });

    // WHEN the voltage sags to 10.0 V for 1 s, then recovers for 3 s
    await rig.drive(100, 0.3, { also: () => rig.sources.measureBattery(10.0) });
    await rig.drive(300, 0.3, { also: () => rig.sources.measureBattery(11.8) });

    // THEN nothing happened
    expect(rig.trips).toEqual([]);

    // WHEN it stays at 10.0 V
    const sagFromUs = rig.clock.nowUs() + PERIOD_US;
    await rig.drive(250, 0.3, { also: () => rig.sources.measureBattery(10.0) });

    // THEN the robot stopped 2 s after the first low reading was seen, naming the voltage and the limit
    expect(rig.trips).toHaveLength(1);
    expect(rig.trips[0]).toMatchObject({
      rule: 'battery-critical',
      reason: 'battery critical: 10.00 V (limit 10.2 V)',
    });
    expect(rig.trips[0]?.atUs).toBe(sagFromUs + 2_000_000);
    expect(rig.trips[0]?.blackBox?.at(-1)).toMatchObject({ batteryV: 10.0, action: 'stop', rule: 'battery-critical' });
  });

  it('reads the IMU: a tilt beyond the limit stops, an impact latches an e-stop', async () => {
    // GIVEN a robot driving level
    const rig = await driving(0.3, 10);
    await rig.drive(10, 0.3, { also: () => rig.sources.sampleImu(0, 0, G_MPS2) });
    expect(rig.trips).toEqual([]);

    // WHEN it pitches 35° (gravity seen 35° from the z axis)
    const tilt = (35 * Math.PI) / 180;
    await rig.drive(1, 0.3, { also: () => rig.sources.sampleImu(G_MPS2 * Math.sin(tilt), 0, G_MPS2 * Math.cos(tilt)) });

    // THEN it stops, naming the tilt
    expect(rig.trips.at(-1)).toMatchObject({ rule: 'tilt', reason: 'tilted 35° (limit 30°)' });
    expect(rig.left.last()?.op).toBe('brake');

    // WHEN it is level again, and then a 4.5 g shock comes (3.5 g beyond gravity)
    await rig.drive(50, 0.3, { also: () => rig.sources.sampleImu(0, 0, G_MPS2) });
    expect(rig.loop.status().state).toBe('clear');
    await rig.drive(1, 0.3, { also: () => rig.sources.sampleImu(0, 0, 4.5 * G_MPS2) });

    // THEN it is an e-stop, latched after the shock is gone
    expect(rig.trips.at(-1)).toMatchObject({ rule: 'impact', reason: 'impact of 3.5 g (limit 3 g)' });
    await rig.drive(50, 0.3, { also: () => rig.sources.sampleImu(0, 0, G_MPS2) });
    expect(rig.loop.status()).toMatchObject({ state: 'estop', rule: 'impact' });
    expect(rig.loop.resetEstop()).toEqual({ cleared: ['impact'], stillActive: [] });
  });

  it('reads the wheel encoders: turning wheels are fine, wheels that barely turn are a stall after stallTimeUs', async () => {
    // GIVEN a robot whose encoders count what it drives
    const rig = await driving(0.3, 10);
    await rig.drive(200, 0.3, {
      also: () => rig.sources.countWheels((rig.loop.appliedDrive().vMps * PERIOD_US) / 1e6),
    });

    // THEN nothing stalls
    expect(rig.trips).toEqual([]);
    expect(rig.loop.appliedDrive().vMps).toBeCloseTo(0.3, 9);

    // WHEN the wheels barely turn (0.06 m/s: slipping on the spot), the planner still asking for 0.3 m/s
    const stuckFromUs = rig.clock.nowUs();
    await rig.drive(100, 0.3, { also: () => rig.sources.countWheels((0.06 * PERIOD_US) / 1e6) });

    // THEN the stall is a trip stallTimeUs after the first evaluation that saw it (the reading of the next period)
    expect(rig.trips.map((t) => t.rule)).toEqual(['wheel-stall']);
    expect(rig.trips[0]?.reason).toBe('wheels stalled: commanded 0.30 m/s, encoders read 0.06 m/s');
    const stallUs = stuckFromUs + PERIOD_US + 500_000;
    expect(rig.trips[0]?.atUs).toBe(stallUs);
    expect(rig.left.calls.filter((c) => c.op === 'brake' && c.atUs === stallUs)).toHaveLength(1);
  });

  it('measures the deceleration of a real stop with the encoders, reports it, and counts on the worse of it and the assumed one', async () => {
    // GIVEN a robot driving at 0.3 m/s whose encoders count what it drives
    const rig = await driving(0.3, 10);
    await rig.drive(20, 0.3, { also: () => rig.sources.countWheels((0.3 * PERIOD_US) / 1e6) });
    const assumed = SETTINGS.brakingDecelMps2;
    expect(rig.loop.status().braking).toEqual({
      assumedMps2: assumed,
      observedMps2: null,
      usedMps2: assumed,
      stopsMeasured: 0,
    });

    // WHEN the planner asks it to stop and the wheels only coast down, at 0.4 m/s² (a driver with no brake)
    let speedMps = 0.3;
    await rig.drive(120, 0, {
      also: () => {
        speedMps = Math.max(0, speedMps - (0.4 * PERIOD_US) / 1e6);
        rig.sources.countWheels((speedMps * PERIOD_US) / 1e6);
      },
    });

    // THEN the motors were braked, and the stop was measured at no more than its true 0.4 m/s²
    expect(rig.left.last()?.op).toBe('brake');
    const braking = rig.loop.status().braking!;
    expect(braking.stopsMeasured).toBe(1);
    expect(braking.observedMps2).toBeGreaterThan(0.3);
    expect(braking.observedMps2).toBeLessThanOrEqual(0.4);
    expect(braking.usedMps2).toBe(Math.min(assumed, braking.observedMps2!));
  });

  it('a failed motor driver brakes both channels, and motion resumes once it is ok', async () => {
    const rig = await driving(0.3);
    rig.driver.state = { state: 'failed', reason: 'i2c-1 0x60: no acknowledge', sinceUs: rig.clock.nowUs() };
    await rig.drive(1, 0.3);
    expect(rig.left.last()?.op).toBe('brake');
    expect(rig.right.last()?.op).toBe('brake');
    expect(rig.trips.at(-1)?.reason).toBe(
      'motor driver failed, the others are stopped: motor-hat: i2c-1 0x60: no acknowledge',
    );
    rig.driver.state = OK;
    await rig.drive(5, 0.3);
    expect(rig.loop.status().state).toBe('clear');
  });

  it('after stop(), nothing the devices report causes a trip or a motor write other than the final brake', async () => {
    // GIVEN a robot driving, then stopped
    const rig = await driving(0.3);
    const callsBefore = rig.left.calls.length;
    rig.loop.stop();
    await settle();
    expect(rig.left.calls.slice(callsBefore).map((c) => c.op)).toEqual(['brake']);
    expect(rig.right.last()?.op).toBe('brake');
    const leftCalls = rig.left.calls.length;
    const rightCalls = rig.right.calls.length;

    // WHEN, while shutting down, every device reports something alarming, and commands keep coming
    rig.button.set(true, 'stopped: treated as pressed');
    rig.bumper.set(true, 'pressed');
    rig.scan(WALL_AHEAD);
    rig.sources.measureBattery(9.0);
    rig.sources.sampleImu(0, 0, 6 * G_MPS2);
    rig.driver.state = { state: 'failed', reason: 'closed', sinceUs: rig.clock.nowUs() };
    rig.loop.requestEstop('debug-port', 'late');
    rig.loop.override(0.5, 1);
    await rig.drive(300, 0.3, { also: () => rig.sources.countWheels(0) });

    // THEN no motor was written again and nothing was reported as a trip
    expect(rig.left.calls.length).toBe(leftCalls);
    expect(rig.right.calls.length).toBe(rightCalls);
    expect(rig.trips).toEqual([]);
    expect(rig.loop.status().trips).toBe(0);
  });
});

describe('range sensors', () => {
  /** A single-beam range sensor (a TFmini-S, say) whose readings the test delivers by hand. */
  class HandFedRange extends HandHeldDevice implements RangeDevice {
    readonly id = 'front-range';
    readonly compatible = 'test,hand-fed-range';
    readonly kind = 'range' as const;
    private listener: ((reading: RangeReading) => void) | undefined;
    private last: RangeReading | null = null;
    onReading(listener: (reading: RangeReading) => void): () => void {
      this.listener = listener;
      return () => (this.listener = undefined);
    }
    lastReading(): RangeReading | null {
      return this.last;
    }
    mount(): MountPose {
      return { xM: 0.2, yM: 0, yawDeg: 0 };
    }
    deliver(distanceM: number, stampUs: number): void {
      this.last = { distanceM, strength: 1_000, status: 'ok', stampUs };
      this.listener?.(this.last);
    }
  }

  /** A started plain rig with a range sensor too, its lidar seeing only a return 3 m to the left. */
  function rangeRig() {
    const range = new HandFedRange();
    const rig = loopRig({ safety: { ranges: [range] } });
    rig.loop.start();
    /** Runs `periods` loop periods with fresh lidar data, a fresh command and (unless `rangeAt` is null) a range reading. */
    const drive = (periods: number, vMps: number, rangeAt: number | null): Promise<void> =>
      rig.run(periods, () => {
        rig.scan([[0, 3]]);
        if (rangeAt !== null) range.deliver(rangeAt, rig.clock.nowUs());
        rig.command(vMps);
      });
    return { clock: rig.clock, loop: rig.loop, range, left: rig.left, trips: rig.trips, drive };
  }

  it('GIVEN a robot driving on lidar alone WHEN the range sensor sees something 5 cm ahead THEN it brakes in that very call, naming the obstacle', async () => {
    const rig = rangeRig();
    await rig.drive(40, 0.3, 3);
    expect(rig.loop.appliedDrive().vMps).toBeCloseTo(0.3, 6);

    // The sensor sits at the footprint's front edge (x 0.2 m): 0.05 m is inside any stopping distance.
    rig.range.deliver(0.05, rig.clock.nowUs());

    expect(rig.loop.appliedDrive().vMps).toBe(0);
    expect(rig.trips.at(-1)).toMatchObject({ rule: 'obstacle' });
    expect(rig.trips.at(-1)?.reason).toMatch(/obstacle 0\.05 m ahead/);
  });

  it('GIVEN a range sensor that falls silent THEN the robot stops after the range staleness timeout, naming the sensor', async () => {
    const rig = rangeRig();
    await rig.drive(20, 0.3, 3);
    await rig.drive(35, 0.3, null);
    const trip = rig.trips.find((t) => t.rule === 'range-stale');
    expect(trip?.reason).toMatch(/front-range data stale/);
    expect(trip!.atUs - (T0 + 20 * PERIOD_US)).toBeGreaterThan(300_000);
    expect(trip!.atUs - (T0 + 20 * PERIOD_US)).toBeLessThanOrEqual(310_000);
    expect(rig.loop.appliedDrive().vMps).toBe(0);
  });
});

describe('retuning a running reflex (config updates)', () => {
  /** A robot cruising at `vMps` for 0.6 s with nothing in the way. */
  async function cruising(vMps = 0.5) {
    const rig = await started(vMps);
    await rig.drive(60, vMps);
    return rig;
  }

  it('GIVEN a robot cruising at 0.5 m/s WHEN the speed limit is retuned to 0.2 m/s THEN the very next evaluation caps it, and the planner asking for more only hits the limit', async () => {
    const rig = await cruising(0.5);
    expect(rig.loop.appliedDrive().vMps).toBeCloseTo(0.5, 9);

    expect(rig.loop.retune(reflexSettings({ 'reflex.maxSpeedMps': 0.2 }))).toBeNull();

    // The slow-down passes at once (no ramp on slowing down).
    expect(rig.loop.appliedDrive().vMps).toBeCloseTo(0.2, 9);
    expect(rig.loop.settings().maxSpeedMps).toBe(0.2);
    await rig.drive(20, 0.5);
    expect(rig.loop.appliedDrive().vMps).toBeCloseTo(0.2, 9);
    expect(rig.loop.status()).toMatchObject({ state: 'limited', rule: 'speed-limit' });
    expect(rig.trips).toEqual([]);
  });

  it('GIVEN any sequence of retunes within the start reach WHILE an e-stop is latched THEN the robot stays stopped and latched, and only a reset lets it drive (at the limit in force)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            'reflex.maxSpeedMps': fc.double({ min: 0.05, max: SETTINGS.maxSpeedMps, noNaN: true }),
            'reflex.clearHoldMs': fc.integer({ min: 0, max: 10_000 }),
            'reflex.batteryLowSpeedFactor': fc.double({ min: 0.1, max: 1, noNaN: true }),
            'reflex.tiltLimitDeg': fc.integer({ min: 0, max: 90 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        async (tunings) => {
          const rig = await cruising(0.3);
          rig.loop.requestEstop('supervisor', 'stop for the test');
          const dutiesBefore = rig.left.duties().length;
          for (const tuning of tunings) {
            expect(rig.loop.retune(reflexSettings(tuning))).toBeNull();
            await rig.drive(5, 0.3);
            expect(rig.loop.status()).toMatchObject({ state: 'estop', rule: 'estop-request' });
          }
          // Raising the limit back to where it started clears nothing either.
          expect(rig.loop.retune(SETTINGS)).toBeNull();
          await rig.drive(5, 0.3);
          expect(rig.loop.status().state).toBe('estop');
          expect(rig.left.duties().length).toBe(dutiesBefore);
          expect(rig.loop.appliedDrive()).toMatchObject({ vMps: 0, wRadps: 0 });

          expect(rig.loop.resetEstop()).toEqual({ cleared: ['estop-request'], stillActive: [] });
          await rig.drive(100, 0.3);
          expect(rig.loop.appliedDrive().vMps).toBeCloseTo(0.3, 9);
        },
      ),
      { seed: 13, numRuns: 25 },
    );
  });

  it('GIVEN a wall stop that is clearing WHEN the clear hold is retuned shorter THEN the stop still holds for the new hold counted from the retune, never sooner', async () => {
    const rig = await cruising(0.3);
    rig.scan(WALL_TURNABLE);
    await settle();
    expect(rig.loop.status()).toMatchObject({ state: 'stopped', rule: 'obstacle' });
    // The wall goes; 200 ms of the 300 ms hold pass.
    await rig.run(20, () => {
      rig.scan(FAR_WALL);
      rig.command(0.3);
    });
    expect(rig.loop.status().state).toBe('stopped');

    expect(rig.loop.retune(reflexSettings({ 'reflex.clearHoldMs': 150 }))).toBeNull();
    const retunedUs = rig.clock.nowUs();
    const states: Array<[number, string]> = [];
    await rig.run(30, () => {
      rig.scan(FAR_WALL);
      rig.command(0.3);
      states.push([rig.clock.nowUs() - retunedUs, rig.loop.status().state]);
    });
    // Released once 150 ms have passed since the retune (the 200 ms already cleared do not count).
    expect(states.find(([, state]) => state === 'clear')?.[0]).toBe(150_000);
    expect(states.filter(([atUs]) => atUs < 150_000).every(([, state]) => state === 'stopped')).toBe(true);
  });

  it('GIVEN a retune of a setting fixed from the start, or one widening the watched area THEN it is refused with the reason and nothing changes', async () => {
    const rig = await cruising(0.5);
    const before = { ...rig.loop.settings() };

    expect(rig.loop.retune(reflexSettings({ 'reflex.deadmanTimeoutMs': 100 }))).toContain('deadmanTimeoutUs');
    const wider = rig.loop.retune(reflexSettings({ 'reflex.maxSpeedMps': 1.5 }));
    expect(wider).toContain('obstacle checks would have to watch');
    expect(wider).toContain('next start');

    expect(rig.loop.settings()).toEqual(before);
    await rig.drive(10, 0.5);
    expect(rig.loop.appliedDrive().vMps).toBeCloseTo(0.5, 9);
  });
});
