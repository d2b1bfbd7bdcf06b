import type { Point2D, Pose2D } from './geometry.js';
import type { MissionState } from './mission.js';
import type { SchedulingPriority } from './scheduling-priority.js';

/** One device as the debug port shows it. */
export interface DeviceStatus {
  id: string;
  compatible: string;
  kind: string;
  health: { state: string; reason: string; sinceUs: number };
  counters: Record<string, number>;
  /** The device's own account of its configuration (e.g. a lidar's scan mode and sample rate); absent when it has none. */
  details?: Record<string, string | number>;
  /** The latest reading (battery, IMU, encoders, range), the unit in each name, with its `stampUs`; absent when it has none yet. */
  reading?: Record<string, string | number>;
}

/** The reflex's view: what it lets through and why. */
export interface ReflexStatus {
  /** `clear`: commands pass; `limited`/`slow`: speed capped; `stopped`: held at zero; `estop`: latched. */
  state: 'clear' | 'limited' | 'slow' | 'stopped' | 'estop';
  /** The rule that decides now, with its explanation (empty when clear). */
  rule: string;
  reason: string;
  lastTrip: { rule: string; reason: string; atUs: number } | null;
  trips: number;
  /** The deceleration the stopping model counts on, m/s². */
  braking?: BrakingStatus;
}

/** What the reflex assumes about braking and what it has seen the robot do. */
export interface BrakingStatus {
  /** `reflex.brakingDecelMps2`. */
  assumedMps2: number;
  /** The lowest deceleration measured by the wheel encoders over the recent stops; null until one was measured (or with no encoders). */
  observedMps2: number | null;
  /** The one in use: the smaller of the two. */
  usedMps2: number;
  /** Stops measured since start. */
  stopsMeasured: number;
}

/** Timing of the reflex loop. */
export interface LoopTiming {
  rateHz: number;
  ticks: number;
  /** Time spent in the last iteration, microseconds. */
  lastDurationUs: number;
  maxDurationUs: number;
  /** How late iterations started relative to schedule, microseconds, over the recent window. */
  latenessP99Us: number;
  deadlineMisses: number;
}

/** The run-time tunable parameters in force (docs/configuration.md) and the config update that set them. */
export interface ConfigStatus {
  /** Version of the last config update in force; 0: none since start (the values are the start's). */
  version: number;
  /** Every tunable parameter's value now, by name. */
  tunable: Record<string, number | boolean | string>;
}

/**
 * What the robot is and where it may go, for drawing it: the footprint (a rectangle centred on the
 * axle, x forward), the site's geofence, and what the reflex's swept-area check adds to the
 * footprint (the side margin; ahead, the stopping distance from the reaction latency, the braking
 * in use and `reflex.stopMarginM`).
 */
export interface SiteStatus {
  footprint: { lengthM: number; widthM: number };
  /** World frame polygon, or null when the site has none. */
  geofence: Point2D[] | null;
  sideMarginM: number;
  reactionLatencyMs: number;
  /** Time without a renewal after which a manual drive command lapses, milliseconds. */
  deadmanTimeoutMs: number;
}

/**
 * The area the reflex's swept-area check looked at for the command in force at its latest
 * evaluation, as the check itself defines it (docs/safety.md, "The swept area in the status").
 */
export interface SweptAreaStatus {
  /** Robot clock of the evaluation, microseconds. */
  stampUs: number;
  /** The motion checked: the command in force, m/s and rad/s. */
  vMps: number;
  wRadps: number;
  /** `corridor`: driving straight, one rectangle; `path`: along an arc or turning in place, the footprint grown by its margins along the sampled path. */
  kind: 'corridor' | 'path';
  /** Travel of the faster wheel the check looks along, metres. */
  lookAheadM: number;
  /** The robot's world pose at the evaluation, where the polygons are placed (null before the cortex placed the odometry frame). */
  pose: Pose2D | null;
  /** Convex polygons, counter-clockwise, robot frame at the evaluation (x forward, y left), metres to the millimetre: their union holds every place the check looks. */
  polygons: Point2D[][];
}

/** A snapshot of the whole runtime, published by the main thread a few times a second. */
export interface RuntimeStatus {
  robotId: string;
  board: string;
  /** `sim` under the simulator, `run` on hardware. */
  mode: 'sim' | 'run';
  /** The operating-system process the runtime runs in (each robot of a simulated fleet has its own). */
  pid?: number;
  /** Runtime clock, seconds (sim time under the simulator). */
  clockS: number;
  uptimeS: number;
  pose: Pose2D | null;
  speed: { vMps: number; wRadps: number };
  /**
   * The mission's kind and state; the debug port adds from the cortex the running mission's id, its
   * progress (0..1) and time still needed (seconds), and the distance to the point it drives to
   * (metres); each null when unknown.
   */
  mission: {
    kind: string;
    state: MissionState;
    id?: string | null;
    progress?: number | null;
    etaS?: number | null;
    goalDistanceM?: number | null;
  };
  /** Nearest lidar return in the robot frame, metres (null before any data). */
  nearestObstacleM: number | null;
  reflex: ReflexStatus;
  loop: LoopTiming;
  /** The reflex thread's scheduling priority: raised under the service when it allows it. */
  priority: SchedulingPriority;
  devices: DeviceStatus[];
  /** The tunable parameters in force and the config version (absent where no runtime keeps them, e.g. in tests). */
  config?: ConfigStatus;
  /** The robot's outline, the geofence and the swept-area margins (absent where no runtime keeps them). */
  site?: SiteStatus;
  /** What the reflex's swept-area check looked at for the command in force (null: no command, or one that does not move; absent where no runtime keeps it). */
  sweptArea?: SweptAreaStatus | null;
}
