import createDebug from 'debug';
import type { AppliedDrive, DriveCommand } from '../messages/drive.js';
import { integrateArc, type Pose2D } from '../messages/geometry.js';
import type { ReflexStatus } from '../messages/runtime-status.js';
import type { Cancel, Clock } from '../time/clock.js';
import type { BatteryReading } from '../hal/battery/api.js';
import type { Device } from '../hal/device-api.js';
import type { DigitalInputDevice } from '../hal/digital-input/api.js';
import type { EncoderReading } from '../hal/encoder/api.js';
import type { ImuSample } from '../hal/imu/api.js';
import type { LidarDevice } from '../hal/lidar/api.js';
import type { RangeDevice, RangeReading } from '../hal/range/api.js';
import type { LidarPoints } from '../messages/lidar-points.js';
import type { MotorChannel } from '../hal/motor/api.js';
import {
  ReflexArbiter,
  type EstopResetResult,
  type ReflexDecision,
  type ReflexSettings,
  type SwarmHold,
} from './arbiter.js';
import { BlackBox, type BlackBoxEntry } from './black-box.js';
import { DecelerationObserver, effectiveDecelMps2 } from './deceleration-observer.js';
import { LoopTimingMonitor } from './loop-timing.js';
import type { ReflexInputs } from './reflex-types.js';
import { ObstacleView } from './obstacle-view.js';
import { mixWheelDuties, type DriveGeometry } from './wheel-mixer.js';

const log = createDebug('spinal:reflex');

/** Seconds of history the black box keeps. */
const BLACK_BOX_S = 2;
const STANDARD_GRAVITY_MPS2 = 9.80665;

/** A stop the reflex imposed, with its cause and the black box frozen at that moment. */
export interface ReflexTrip {
  rule: string;
  reason: string;
  atUs: number;
  /** The last 2 s of loop iterations before the trip, oldest first. */
  blackBox?: BlackBoxEntry[];
}

/** Devices besides the lidar that safety rules watch; each is optional (a board may lack it). */
export interface SafetySources {
  /** E-stop buttons and bumpers. */
  switches?: readonly DigitalInputDevice[];
  battery?: { lastReading(): BatteryReading | null } | null;
  imu?: { lastSample(): ImuSample | null } | null;
  /** Wheel encoders (quadrature, or a motor controller's counters). */
  wheels?: { lastReading(): EncoderReading | null } | null;
  /** Every motor driver, for its health. */
  motorDrivers?: readonly Device[];
  /** Single-beam range sensors: their returns count as obstacles like the lidar's. */
  ranges?: readonly RangeDevice[];
}

export interface ReflexLoopOptions {
  clock: Clock;
  settings: ReflexSettings;
  /** Periodic evaluation rate, Hz (it also evaluates on every lidar packet). */
  loopRateHz: number;
  footprint: { lengthM: number; widthM: number };
  geometry: DriveGeometry;
  lidar: LidarDevice;
  left: MotorChannel;
  right: MotorChannel;
  safety?: SafetySources;
  /** Real elapsed time for measuring iteration cost, milliseconds. Default performance.now. */
  elapsedMs?: () => number;
}

interface MotorOutput {
  stop: boolean;
  left: number;
  right: number;
}

/**
 * The only path to the motors. Drive commands go in (the planner's, or a manual override); the
 * arbiter decides on every lidar packet and at the loop rate; wheel duties (or a brake) go out to
 * the motor channels.
 */
export class ReflexLoop {
  private readonly arbiter: ReflexArbiter;
  private readonly obstacles: ObstacleView;
  private readonly timing: LoopTimingMonitor;
  private readonly blackBox: BlackBox;
  private readonly tripListeners: Array<(trip: ReflexTrip) => void> = [];
  private readonly appliedListeners: Array<(applied: AppliedDrive) => void> = [];
  private readonly elapsedMs: () => number;
  private command: DriveCommand | null = null;
  private manual: DriveCommand | null = null;
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
  private cortexHeartbeatUs: number | undefined;
  private swarmHold: SwarmHold | null = null;
  /** The planner's world pose and the odometry at the time it was given, to extrapolate from. */
  private worldPose: { pose: Pose2D; odom: Pose2D } | null = null;
  /** Clock times of recent deadline misses (the last second is what counts). */
  private readonly missTimesUs: number[] = [];
  private previousWheels: EncoderReading | null = null;
  private measuredWheels: { measuredVMps: number; stampUs: number } | null = null;
  private lastInputs: ReflexInputs | null = null;
  private halted = false;
  private readonly rangeLastDataUs = new Map<string, number>();
  /** The deceleration real stops achieve, from the wheel encoders. */
  private readonly decelObserver: DecelerationObserver;

  constructor(private readonly o: ReflexLoopOptions) {
    this.arbiter = new ReflexArbiter(o.settings);
    this.decelObserver = new DecelerationObserver(o.settings);
    this.obstacles = new ObstacleView({
      settings: o.settings,
      footprint: o.footprint,
      wheelBaseM: o.geometry.wheelBaseM,
    });
    this.timing = new LoopTimingMonitor(o.loopRateHz);
    this.blackBox = new BlackBox(Math.max(1, Math.round(o.loopRateHz * BLACK_BOX_S)));
    this.elapsedMs = o.elapsedMs ?? (() => performance.now());
    this.applied = { vMps: 0, wRadps: 0, stampUs: o.clock.nowUs() };
    this.lastApplyUs = o.clock.nowUs();
    o.lidar.onPoints((points) => {
      this.obstacles.addLidarPoints(points, this.odometryAt(points.stampUs));
      this.evaluate();
    });
    for (const input of o.safety?.switches ?? []) input.onChange(() => this.evaluate());
    for (const range of o.safety?.ranges ?? []) {
      range.onReading((reading) => {
        this.rangeLastDataUs.set(range.id, reading.stampUs);
        if (reading.status !== 'ok' || !Number.isFinite(reading.distanceM)) return;
        this.obstacles.addOtherPoints(rangePoint(range, reading), this.odometryAt(reading.stampUs));
        this.evaluate();
      });
    }
  }

  start(): void {
    const periodUs = 1e6 / this.o.loopRateHz;
    this.nextTickUs = this.o.clock.nowUs() + periodUs;
    this.cancelTimer = this.o.clock.every(periodUs, () => {
      const startMs = this.elapsedMs();
      const nowUs = this.o.clock.nowUs();
      const latenessUs = Math.max(0, nowUs - this.nextTickUs);
      this.nextTickUs += periodUs;
      // A loop that fell far behind starts again from now rather than racing to catch up.
      if (this.nextTickUs < nowUs) this.nextTickUs = nowUs + periodUs;
      this.evaluate();
      const durationUs = (this.elapsedMs() - startMs) * 1_000;
      this.timing.record(latenessUs, durationUs);
      if (latenessUs + durationUs > periodUs) this.missTimesUs.push(nowUs);
      this.recordBlackBox(nowUs);
    });
    this.evaluate();
  }

  /** Stops evaluating and brakes: nothing the devices report while shutting down moves the robot or counts as a trip. */
  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.wanted = { stop: true, left: 0, right: 0 };
    this.flush();
    this.halted = true;
  }

  /** A motion request from the planner. */
  submit(command: DriveCommand): void {
    if (command.source === 'manual') this.manual = command;
    else this.command = command;
    this.evaluate();
  }

  /** A manual drive from the debug port; it holds only while renewed within the dead-man timeout. */
  override(vMps: number, wRadps: number): void {
    this.submit({ source: 'manual', vMps, wRadps, stampUs: this.o.clock.nowUs() });
  }

  /** The planner thread is alive (its status arrived). */
  heartbeat(): void {
    this.cortexHeartbeatUs = this.o.clock.nowUs();
  }

  /** The planner's estimate of the robot's world pose (for the geofence), as of now. */
  setPose(pose: Pose2D): void {
    this.worldPose = { pose, odom: this.odometryAt(this.o.clock.nowUs()) };
  }

  /** A peer's right-of-way claim holds this robot back (null: released). */
  setSwarmHold(hold: SwarmHold | null): void {
    this.swarmHold = hold;
    this.evaluate();
  }

  /** A latched e-stop from the supervisor or the debug port; the motors brake in this call. */
  requestEstop(source: string, reason: string): void {
    this.arbiter.requestEstop(source, reason);
    this.evaluate();
  }

  /** Clears the latched e-stops whose cause is gone. */
  resetEstop(): EstopResetResult {
    const result = this.arbiter.resetEstop();
    this.evaluate();
    return result;
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
    return this.obstacles.nearestM(this.odometryAt(nowUs), nowUs);
  }

  status(): ReflexStatus {
    const names = { none: 'clear', limit: 'limited', slow: 'slow', stop: 'stopped', estop: 'estop' } as const;
    return {
      state: names[this.decision.action],
      rule: this.decision.rule,
      reason: this.decision.reason,
      lastTrip: this.lastTrip
        ? { rule: this.lastTrip.rule, reason: this.lastTrip.reason, atUs: this.lastTrip.atUs }
        : null,
      trips: this.tripCount,
      braking: this.brakingStatus(),
    };
  }

  private brakingStatus(): NonNullable<ReflexStatus['braking']> {
    const assumedMps2 = this.o.settings.brakingDecelMps2;
    const { observedMps2, stops } = this.decelObserver.observation();
    return { assumedMps2, observedMps2, usedMps2: effectiveDecelMps2(assumedMps2, observedMps2), stopsMeasured: stops };
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

  /** The planner's last world pose moved on by the motion commanded since. */
  private worldPoseAt(atUs: number): Pose2D | null {
    if (!this.worldPose) return null;
    const { pose, odom } = this.worldPose;
    const now = this.odometryAt(atUs);
    const dx = now.xM - odom.xM;
    const dy = now.yM - odom.yM;
    const c = Math.cos(pose.yawRad - odom.yawRad);
    const s = Math.sin(pose.yawRad - odom.yawRad);
    return {
      xM: pose.xM + dx * c - dy * s,
      yM: pose.yM + dx * s + dy * c,
      yawRad: pose.yawRad + now.yawRad - odom.yawRad,
    };
  }

  /** The command in force: a fresh manual override wins over the planner. */
  private activeCommand(nowUs: number): DriveCommand | null {
    if (this.manual && nowUs - this.manual.stampUs <= this.o.settings.deadmanTimeoutUs) return this.manual;
    return this.command;
  }

  private gatherInputs(nowUs: number): ReflexInputs {
    const { settings, lidar, safety } = this.o;
    const health = lidar.health();
    const odom = this.odometryAt(nowUs);
    while (this.missTimesUs.length > 0 && nowUs - this.missTimesUs[0]! > 1_000_000) this.missTimesUs.shift();
    const command = this.activeCommand(nowUs);
    // The swept-area checks stop on the worse of the assumed and the observed braking.
    const brakingDecelMps2 = effectiveDecelMps2(settings.brakingDecelMps2, this.decelObserver.observedMps2());
    this.obstacles.model.brakingDecelMps2 = brakingDecelMps2;
    const swept = this.obstacles.inputs(command, this.applied, odom, nowUs);
    return {
      command,
      appliedVMps: this.applied.vMps,
      appliedWRadps: this.applied.wRadps,
      lidarLastDataUs: lidar.lastDataUs(),
      lidarHealthy: health.state === 'ok',
      lidarHealthReason: health.reason,
      ...swept,
      cortexHeartbeatUs: this.cortexHeartbeatUs,
      rangeSensors: (safety?.ranges ?? []).map((r) => ({
        id: r.id,
        lastDataUs: this.rangeLastDataUs.get(r.id) ?? -Infinity,
        healthy: r.health().state === 'ok',
        reason: r.health().reason,
      })),
      recentDeadlineMisses: this.missTimesUs.length,
      switches: (safety?.switches ?? []).map((s) => ({ id: s.id, role: s.role, ...s.state() })),
      motorDrivers: (safety?.motorDrivers ?? []).map((d) => ({
        id: d.id,
        healthy: d.health().state !== 'failed',
        reason: d.health().reason,
      })),
      battery: batteryInput(safety?.battery?.lastReading() ?? null),
      imu: imuInput(safety?.imu?.lastSample() ?? null),
      wheels: this.wheelInput(safety?.wheels?.lastReading() ?? null),
      brakingDecelMps2,
      pose: this.worldPoseAt(nowUs),
      swarmHold: this.swarmHold,
    };
  }

  /** Runs the arbiter on the freshest inputs and sends the result to the motors. */
  private evaluate(): void {
    if (this.halted) return;
    const nowUs = this.o.clock.nowUs();
    const inputs = this.gatherInputs(nowUs);
    this.lastInputs = inputs;
    const decision = this.arbiter.update(nowUs, inputs);
    this.decision = decision;
    // Brake first: the motors hear about a stop before anyone else does.
    this.apply(nowUs, decision);
    if (decision.trip) {
      this.recordBlackBox(nowUs);
      const trip: ReflexTrip = { ...decision.trip, atUs: nowUs, blackBox: this.blackBox.freeze() };
      this.lastTrip = trip;
      this.tripCount++;
      log('trip %s: %s', trip.rule, trip.reason);
      for (const listener of this.tripListeners) listener(trip);
    }
  }

  private recordBlackBox(nowUs: number): void {
    const inputs = this.lastInputs;
    if (!inputs) return;
    this.blackBox.record({
      tUs: nowUs,
      cmdVMps: inputs.command?.vMps ?? 0,
      cmdWRadps: inputs.command?.wRadps ?? 0,
      appliedVMps: this.applied.vMps,
      appliedWRadps: this.applied.wRadps,
      aheadFreeM: inputs.motion?.obstacle?.freeDistanceM ?? null,
      lidarAgeMs: Math.round((nowUs - inputs.lidarLastDataUs) / 1_000),
      batteryV: inputs.battery?.voltageV ?? null,
      tiltDeg: inputs.imu?.tiltDeg ?? null,
      action: this.decision.action,
      rule: this.decision.rule,
    });
  }

  /** Forward speed from the change of wheel travel between the last two encoder readings. */
  private wheelInput(reading: EncoderReading | null): ReflexInputs['wheels'] {
    if (reading && reading !== this.previousWheels) {
      const previous = this.previousWheels;
      this.previousWheels = reading;
      if (previous && reading.stampUs > previous.stampUs) {
        const channels = Object.keys(reading.travelM);
        const dtS = (reading.stampUs - previous.stampUs) / 1e6;
        const sum = channels.reduce((acc, ch) => acc + ((reading.travelM[ch] ?? 0) - (previous.travelM[ch] ?? 0)), 0);
        this.measuredWheels = {
          measuredVMps: channels.length ? sum / channels.length / dtS : 0,
          stampUs: reading.stampUs,
        };
        const stopsBefore = this.decelObserver.observation().stops;
        this.decelObserver.speedSample(reading.stampUs, this.measuredWheels.measuredVMps);
        if (log.enabled && this.decelObserver.observation().stops > stopsBefore) {
          log('stop measured: braking %o m/s² over the recent stops', this.decelObserver.observedMps2());
        }
      }
    }
    return this.measuredWheels;
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
    if (stop) this.decelObserver.stopCommanded(nowUs);
    else this.decelObserver.motionCommanded();
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
    // Both channels are written whatever happens to the other: a failed driver must not keep the other moving.
    const writes = want.stop ? [left.brake(), right.brake()] : [left.setDuty(want.left), right.setDuty(want.right)];
    void Promise.allSettled(writes)
      .then((results) => {
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed.length === 0) {
          this.written = want;
          return;
        }
        this.motorErrors += failed.length;
        this.written = null;
        const reason: unknown = failed[0]?.reason;
        log('motor write failed: %s', reason instanceof Error ? reason.message : String(reason));
      })
      .finally(() => {
        this.writing = false;
        if (this.wanted !== want) this.flush();
      });
  }
}

/** A range reading as one robot-frame point, through the sensor's mount. */
function rangePoint(range: RangeDevice, reading: RangeReading): LidarPoints {
  const mount = range.mount();
  const bearing = (mount.yawDeg * Math.PI) / 180;
  return {
    deviceId: range.id,
    stampUs: reading.stampUs,
    count: 1,
    xM: Float32Array.of(mount.xM + reading.distanceM * Math.cos(bearing)),
    yM: Float32Array.of(mount.yM + reading.distanceM * Math.sin(bearing)),
    rangeM: Float32Array.of(reading.distanceM),
    intensity: Uint8Array.of(255),
  };
}

function batteryInput(reading: BatteryReading | null): ReflexInputs['battery'] {
  return reading && Number.isFinite(reading.voltageV) ? { voltageV: reading.voltageV, stampUs: reading.stampUs } : null;
}

/** Tilt from the gravity vector, and the shock beyond gravity, from one IMU sample. */
function imuInput(sample: ImuSample | null): ReflexInputs['imu'] {
  if (!sample) return null;
  const { x, y, z } = sample.accelMps2;
  const magnitude = Math.hypot(x, y, z);
  if (!(magnitude > 0)) return null;
  const tiltDeg = (Math.acos(Math.max(-1, Math.min(1, z / magnitude))) * 180) / Math.PI;
  const shockG = Math.abs(magnitude - STANDARD_GRAVITY_MPS2) / STANDARD_GRAVITY_MPS2;
  return { tiltDeg, shockG, stampUs: sample.stampUs };
}
