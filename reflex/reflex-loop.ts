import createDebug from 'debug';
import type { AppliedDrive, DriveCommand } from '../messages/drive.js';
import { integrateArc, type Pose2D } from '../messages/geometry.js';
import type { ReflexStatus } from '../messages/runtime-status.js';
import type { Cancel, Clock } from '../time/clock.js';
import type { LidarDevice } from '../hal/lidar/api.js';
import type { MotorChannel } from '../hal/motor/api.js';
import { ReflexArbiter, type ReflexDecision, type ReflexSettings } from './arbiter.js';
import { LoopTimingMonitor } from './loop-timing.js';
import { ScanMemory } from './scan-memory.js';
import { mixWheelDuties, type DriveGeometry } from './wheel-mixer.js';

const log = createDebug('spinal:reflex');

/** A stop the reflex imposed, with its cause. */
export interface ReflexTrip {
  rule: string;
  reason: string;
  atUs: number;
}

export interface ReflexLoopOptions {
  clock: Clock;
  settings: ReflexSettings;
  /** Periodic evaluation rate, Hz (it also evaluates on every lidar packet). */
  loopRateHz: number;
  footprint: { lengthM: number; widthM: number };
  /** Extra width each side of the footprint's corridor, metres. */
  sideMarginM: number;
  geometry: DriveGeometry;
  lidar: LidarDevice;
  left: MotorChannel;
  right: MotorChannel;
  /** Real elapsed time for measuring iteration cost, milliseconds. Default performance.now. */
  elapsedMs?: () => number;
}

interface MotorOutput {
  stop: boolean;
  left: number;
  right: number;
}

/**
 * The only path to the motors. Drive commands go in; the arbiter decides on every lidar packet
 * and at the loop rate; wheel duties (or a brake) go out to the motor channels.
 */
export class ReflexLoop {
  private readonly arbiter: ReflexArbiter;
  private readonly scan = new ScanMemory();
  private readonly timing: LoopTimingMonitor;
  private readonly tripListeners: Array<(trip: ReflexTrip) => void> = [];
  private readonly appliedListeners: Array<(applied: AppliedDrive) => void> = [];
  private readonly elapsedMs: () => number;
  private command: DriveCommand | null = null;
  private decision: ReflexDecision = {
    action: 'stop',
    vMps: 0,
    wRadps: 0,
    rule: 'deadman',
    reason: 'starting',
    trip: null,
  };
  private applied: AppliedDrive;
  private lastTrip: ReflexTrip | null = null;
  private tripCount = 0;
  private written: MotorOutput | null = null;
  private wanted: MotorOutput = { stop: true, left: 0, right: 0 };
  private writing = false;
  private cancelTimer: Cancel | null = null;
  private nextTickUs = 0;
  private motorErrors = 0;
  /** Pose by the motion the reflex commanded, from where it started; only its short-term changes matter. */
  private odomAtApplied: Pose2D = { xM: 0, yM: 0, yawRad: 0 };
  private lastApplyUs = 0;

  constructor(private readonly o: ReflexLoopOptions) {
    this.arbiter = new ReflexArbiter(o.settings);
    this.timing = new LoopTimingMonitor(o.loopRateHz);
    this.elapsedMs = o.elapsedMs ?? (() => performance.now());
    this.applied = { vMps: 0, wRadps: 0, stampUs: o.clock.nowUs() };
    this.lastApplyUs = o.clock.nowUs();
    o.lidar.onPoints((points) => {
      this.scan.update(points, this.odometryAt(points.stampUs));
      this.evaluate();
    });
  }

  start(): void {
    const periodUs = 1e6 / this.o.loopRateHz;
    this.nextTickUs = this.o.clock.nowUs() + periodUs;
    this.cancelTimer = this.o.clock.every(periodUs, () => {
      const startMs = this.elapsedMs();
      const latenessUs = Math.max(0, this.o.clock.nowUs() - this.nextTickUs);
      this.nextTickUs += periodUs;
      this.evaluate();
      this.timing.record(latenessUs, (this.elapsedMs() - startMs) * 1_000);
    });
    this.evaluate();
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  /** A motion request from the planner or a manual override. */
  submit(command: DriveCommand): void {
    this.command = command;
    this.evaluate();
  }

  onTrip(listener: (trip: ReflexTrip) => void): void {
    this.tripListeners.push(listener);
  }

  onApplied(listener: (applied: AppliedDrive) => void): void {
    this.appliedListeners.push(listener);
  }

  appliedDrive(): AppliedDrive {
    return this.applied;
  }

  nearestObstacleM(): number | null {
    const nowUs = this.o.clock.nowUs();
    return this.scan.nearestM(this.odometryAt(nowUs), nowUs, this.o.settings.lidarStaleTimeoutUs);
  }

  status(): ReflexStatus {
    const names = { none: 'clear', limit: 'limited', slow: 'slow', stop: 'stopped', estop: 'estop' } as const;
    const state = names[this.decision.action];
    return {
      state,
      rule: this.decision.rule,
      reason: this.decision.reason,
      lastTrip: this.lastTrip,
      trips: this.tripCount,
    };
  }

  loopTiming(): ReturnType<LoopTimingMonitor['snapshot']> {
    return this.timing.snapshot();
  }

  counters(): { motorWriteErrors: number } {
    return { motorWriteErrors: this.motorErrors };
  }

  /** Where the commanded motion has taken the robot by `atUs` (odometry frame). */
  private odometryAt(atUs: number): Pose2D {
    const { vMps, wRadps, stampUs } = this.applied;
    return integrateArc(this.odomAtApplied, vMps, wRadps, Math.max(0, (atUs - stampUs) / 1e6));
  }

  /** Runs the arbiter on the freshest inputs and sends the result to the motors. */
  private evaluate(): void {
    const nowUs = this.o.clock.nowUs();
    const { footprint, sideMarginM, settings, lidar } = this.o;
    const halfLength = footprint.lengthM / 2;
    const halfWidth = footprint.widthM / 2 + sideMarginM;
    const health = lidar.health();
    const odom = this.odometryAt(nowUs);
    const decision = this.arbiter.update(nowUs, {
      command: this.command,
      appliedVMps: this.applied.vMps,
      lidarLastDataUs: lidar.lastDataUs(),
      lidarHealthy: health.state === 'ok',
      lidarHealthReason: health.reason,
      pathAhead: this.scan.nearestInPath(1, halfLength, halfWidth, odom, nowUs, settings.lidarStaleTimeoutUs),
      pathBehind: this.scan.nearestInPath(-1, halfLength, halfWidth, odom, nowUs, settings.lidarStaleTimeoutUs),
    });
    this.decision = decision;
    if (decision.trip) {
      const trip = { ...decision.trip, atUs: nowUs };
      this.lastTrip = trip;
      this.tripCount++;
      log('trip %s: %s', trip.rule, trip.reason);
      for (const listener of this.tripListeners) listener(trip);
    }
    this.apply(nowUs, decision);
  }

  private apply(nowUs: number, decision: ReflexDecision): void {
    let v = decision.vMps;
    const previous = this.applied;
    // Speed-ups (including the speed-up after a reversal) are ramped at the braking deceleration;
    // slow-downs and stops pass at once.
    const base = Math.sign(v) === Math.sign(previous.vMps) ? Math.abs(previous.vMps) : 0;
    if (Math.abs(v) > base) {
      const dtS = Math.max(0, (nowUs - this.lastApplyUs) / 1e6);
      v = Math.sign(v) * Math.min(Math.abs(v), base + this.o.settings.brakingDecelMps2 * dtS);
    }
    const w = decision.wRadps;
    if (v !== previous.vMps || w !== previous.wRadps) {
      this.odomAtApplied = this.odometryAt(nowUs);
      this.applied = { vMps: v, wRadps: w, stampUs: nowUs };
      for (const listener of this.appliedListeners) listener(this.applied);
    }
    this.lastApplyUs = nowUs;
    const stop = v === 0 && w === 0;
    const duties = mixWheelDuties(v, w, this.o.geometry);
    this.wanted = { stop, left: stop ? 0 : duties.left, right: stop ? 0 : duties.right };
    this.flush();
  }

  /** Writes the wanted output unless it is already on the wire; one write sequence at a time, latest wins. */
  private flush(): void {
    if (this.writing) return;
    const want = this.wanted;
    const had = this.written;
    if (
      had &&
      had.stop === want.stop &&
      Math.abs(had.left - want.left) < 1e-3 &&
      Math.abs(had.right - want.right) < 1e-3
    )
      return;
    this.writing = true;
    const { left, right } = this.o;
    const writes = want.stop ? [left.brake(), right.brake()] : [left.setDuty(want.left), right.setDuty(want.right)];
    void Promise.all(writes)
      .then(() => {
        this.written = want;
      })
      .catch((error: unknown) => {
        this.motorErrors++;
        this.written = null;
        log('motor write failed: %s', error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        this.writing = false;
        if (this.wanted !== want) this.flush();
      });
  }
}
