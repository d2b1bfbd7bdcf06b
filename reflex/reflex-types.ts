import type { DriveCommand } from '../messages/drive.js';
import type { Point2D, Pose2D } from '../messages/geometry.js';
import type { MotionClearance } from './swept-path.js';

/** Ordered actions: the more severe wins. `estop` is latched until an explicit reset. */
export const ACTION_SEVERITY = { none: 0, limit: 1, slow: 2, stop: 3, estop: 4 } as const;
export type ReflexAction = keyof typeof ACTION_SEVERITY;

/**
 * Everything the rules are tuned by, in the reflex's units: one field per `reflex.*` parameter
 * (built by `reflexSettingsFromParams`, the only place that maps them), plus the site's geofence.
 */
export interface ReflexSettings {
  /** No fresh command within this → stop (dead-man), microseconds. */
  deadmanTimeoutUs: number;
  /** Lidar data older than this → stop, microseconds. */
  lidarStaleTimeoutUs: number;
  /** Range-sensor data older than this → stop, microseconds. */
  rangeStaleTimeoutUs: number;
  /** Deceleration the stopping distance assumes, m/s². */
  brakingDecelMps2: number;
  /** Stops from below this speed are not measured (observed braking), m/s. */
  brakingObservedMinSpeedMps: number;
  /** How many recent measured stops the observed deceleration covers (the lowest wins). */
  brakingObservedStops: number;
  /** No measured stop counts as braking slower than this, m/s². */
  brakingObservedFloorMps2: number;
  /** How long an obstacle return is remembered unless a later beam sees through its place, microseconds. */
  obstacleMemoryUs: number;
  /** A sector of the lidar's view that the swept path crosses and that was not measured within this is blind, microseconds. */
  sectorStaleUs: number;
  /** A beam sees through a remembered return only when it measures at least this much beyond it, metres. */
  seeThroughM: number;
  /** Time from seeing an obstacle to the wheels braking, seconds. */
  reactionLatencyS: number;
  /** Distance kept between the footprint and an obstacle after stopping, metres. */
  stopMarginM: number;
  /** Clearance added to each side of the footprint when checking the path, metres. */
  sideMarginM: number;
  /** Distance beyond the stopping distance in which speed is capped, metres. */
  slowZoneM: number;
  maxSpeedMps: number;
  maxTurnRateRadps: number;
  /** Slowest wheel speed worth moving at near an obstacle (below it: stop rather than creep), m/s. */
  creepSpeedMps: number;
  /** Wheel speed the swept-area check must allow again before an obstacle stop releases, m/s. */
  releaseSpeedMps: number;
  /** How far the applied wheel speed may exceed what can still stop in time before it is a stop, m/s. */
  overspeedToleranceMps: number;
  /** How long an obstacle stop must stay clear before motion resumes, microseconds. */
  clearHoldUs: number;
  /** No heartbeat from the planner thread within this → stop, microseconds. */
  cortexHeartbeatTimeoutUs: number;
  /** Battery voltage below which speed is limited / the robot stops, volts (0: off). */
  batteryLowV: number;
  batteryCriticalV: number;
  /** How long the voltage must stay below a threshold before it counts (sag filter), microseconds. */
  batteryHoldUs: number;
  /** Share of `maxSpeedMps` allowed while the battery is low, 0..1. */
  batteryLowSpeedFactor: number;
  /** Tilt beyond which the robot stops, degrees (0: off). */
  tiltLimitDeg: number;
  /** Acceleration spike (beyond gravity) that counts as an impact, g (0: off). */
  impactLimitG: number;
  /** Commanded speed above which a wheel that does not turn is a stall, m/s. */
  stallMinCommandMps: number;
  /** How long commanded motion without measured motion lasts before it is a stall, microseconds. */
  stallTimeUs: number;
  /** A wheel that reaches less than this share of the commanded speed is stalled, 0..1. */
  stallRatio: number;
  /** Battery, IMU and encoder readings older than this are not acted on, microseconds. */
  readingMaxAgeUs: number;
  /** Deadline misses within the last second that make the loop itself a fault. */
  loopOverrunLimit: number;
  /** The area the robot must stay in, world frame (null: no geofence). */
  geofence: readonly Point2D[] | null;
}

/** Part of the lidar's view that no valid packet has covered recently. */
export interface BlindSector {
  /** Robot-frame bearings that bound it, around the sensor, degrees (CCW from `fromDeg` to `toDeg`). */
  fromDeg: number;
  toDeg: number;
  /** Time since it was last measured, milliseconds (null: never). */
  ageMs: number | null;
}

/** A switch the reflex watches (an e-stop button, a bumper). */
export interface SwitchInput {
  id: string;
  role: 'estop' | 'bumper' | 'switch';
  active: boolean;
  reason: string;
  /** False until the line has been read once (its state then is only the fail-safe default). */
  known?: boolean;
}

/** A motor driver's health. */
export interface MotorDriverInput {
  id: string;
  healthy: boolean;
  reason: string;
}

/** A peer's right-of-way claim that holds this robot back (override level 2). */
export interface SwarmHold {
  peer: string;
  reason: string;
}

/** Everything the arbiter looks at, sampled by the reflex loop. Optional parts are absent on boards without the device. */
export interface ReflexInputs {
  /** The motion request in force: the planner's, or a manual override from the debug port. */
  command: DriveCommand | null;
  /** Forward speed the motors were last given, m/s. */
  appliedVMps: number;
  /** Turn rate the motors were last given, rad/s (0 when absent). */
  appliedWRadps?: number;
  lidarLastDataUs: number;
  lidarHealthy: boolean;
  lidarHealthReason: string;
  /** The swept-area check of the command in force (null: no command, or nothing in reach). */
  motion?: MotionClearance | null;
  /** The swept-area check of the motion the motors were last given (the command's own when they are the same). */
  appliedMotion?: MotionClearance | null;
  /** The swept-area check of turning in place at the command's turn rate (null: no turn asked, or clear). */
  turnInPlace?: MotionClearance | null;
  /** A sector of the lidar's view that the command's swept path crosses and that has not been measured recently. */
  blindSector?: BlindSector | null;
  /** Single-beam range sensors the reflex also watches (their returns join the lidar's). */
  rangeSensors?: ReadonlyArray<{ id: string; lastDataUs: number; healthy: boolean; reason: string }>;
  /** Clock time of the planner thread's last heartbeat. */
  cortexHeartbeatUs?: number;
  /** Deadline misses of the reflex loop within the last second. */
  recentDeadlineMisses?: number;
  /** E-stop buttons and bumpers. */
  switches?: readonly SwitchInput[];
  /** Every motor driver's health. */
  motorDrivers?: readonly MotorDriverInput[];
  /** Battery voltage, volts, and when it was measured. */
  battery?: { voltageV: number; stampUs: number } | null;
  /** Tilt from vertical, degrees; acceleration beyond gravity, g. */
  imu?: { tiltDeg: number; shockG: number; stampUs: number } | null;
  /** Forward speed measured by the wheel encoders, m/s. */
  wheels?: { measuredVMps: number; stampUs: number } | null;
  /**
   * The deceleration the stopping model uses now, m/s²: the worse (smaller) of the assumed
   * `reflex.brakingDecelMps2` and the one observed during real stops (absent: the assumed one).
   */
  brakingDecelMps2?: number;
  /** The robot's pose in the world (for the geofence). */
  pose?: Pose2D | null;
  swarmHold?: SwarmHold | null;
}

export interface ReflexDecision {
  action: ReflexAction;
  /** What the motors get. */
  vMps: number;
  wRadps: number;
  /** Rule that decided (empty when no rule limits motion). */
  rule: string;
  reason: string;
  /** Set on the update at which a stopping rule starts to hold (a trip). */
  trip: { rule: string; reason: string } | null;
}

/** A rule's verdict for one update: an action and why, or null when the rule has nothing to say. */
export interface Verdict {
  action: ReflexAction;
  reason: string;
  /** Speed cap for `limit` / `slow`, m/s: v and ω are scaled down together, so the path's curvature is kept. */
  capMps?: number;
  /** Fraction of the command allowed for `slow`, 0..1: v and ω are scaled together. */
  scale?: number;
  /** A stop that still lets the robot turn in place (never trapped facing an obstacle). */
  allowTurn?: boolean;
  /** The verdict takes effect only once the rule has given one without a break for this long (a filter), microseconds. */
  afterUs?: number;
}

export interface RuleContext {
  /** Whether this rule's stop is holding now (for release hysteresis). */
  held: boolean;
  nowUs: number;
  inputs: ReflexInputs;
  settings: ReflexSettings;
}

/** One row of the failsafe table: when it fires, what it does, when it clears. */
export interface ReflexRule {
  id: string;
  /** Trigger, action and clearing in words (docs/safety.md is generated from these). */
  trigger: string;
  action: ReflexAction;
  clears: string;
  /** The parameters that tune it (docs/safety.md lists them). */
  params: readonly string[];
  /** Latched: once it fires it holds until an explicit reset (and its condition is gone). */
  latched?: boolean;
  /** The reflex comes up held by this rule (waiting for its first data or reading), which is not a trip. */
  startsHeld?: boolean;
  /** While this rule's stop clears, turning in place stays allowed (it stops translation only). */
  turnsWhileClearing?: boolean;
  /**
   * Fires only when asked (`ReflexArbiter.requestEstop`), never from inputs: the request is its
   * verdict, and its cause is gone as soon as it is recorded (a reset clears it at once).
   */
  requested?: boolean;
  /** Time the condition must stay clear before a stop is released, microseconds (0: at once). */
  clearHoldUs(settings: ReflexSettings): number;
  evaluate(context: RuleContext): Verdict | null;
}

/** A stage between the arbiter's decision and the motors, in the order applied (docs/safety.md lists them). */
export interface OutputStage {
  id: string;
  /** What it does, in words. */
  what: string;
  /** The parameters that tune it. */
  params: readonly string[];
}
