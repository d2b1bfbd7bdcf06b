import type { BatteryReading } from '../messages/battery-reading.js';
import type { DriveCommand } from '../messages/drive.js';
import { isLidarPoints, type LidarPoints } from '../messages/lidar-points.js';
import type { MissionAssignment, MissionState, MissionTransition } from '../messages/mission.js';
import { isPoint2D, isPose2D, type Point2D, type Pose2D } from '../messages/geometry.js';
import type { OdometrySample } from '../messages/odometry.js';
import type { RuntimeEventBody } from '../messages/runtime-event.js';
import type { ConsistencySettings } from './consistency/consistency-settings.js';
import { isOccupancyGridMessage, type OccupancyGridMessage } from '../messages/occupancy-grid.js';
import type { EnergySettings } from './energy/energy-settings.js';
import type { PeerSettings } from './peers/peer-settings.js';

export type { CortexStatus } from '../messages/cortex-comms-protocol.js';

/**
 * Messages between the main thread (reflex + HAL) and the cortex worker. Only what safety needs
 * goes to the main thread: drive commands, the planner's heartbeat, where the odometry frame lies
 * in the world (for the geofence) and the lock step; mission progress goes to the comms thread on
 * their own channel. Sensor data flows main → cortex at its own rate: the odometry of record on
 * every change of the applied motion, each lidar revolution and the battery monitor's readings. Each side checks what it receives
 * with the guards below and counts and drops what does not pass.
 */

/** Settings the cortex gets at start-up (resolved from the parameter definitions by the main thread). */
export interface CortexSettings {
  rateHz: number;
  cruiseSpeedMps: number;
  headingGain: number;
  maxTurnRateRadps: number;
  goalToleranceM: number;
  /** Scan matching on (off: the odometry of record alone). */
  localisation: boolean;
  /** The grid the robot builds without a prior map: cell size and side, metres. */
  mapResolutionM: number;
  mapSizeM: number;
  /** Returns beyond this only clear free space, metres. */
  mapRangeM: number;
  /** Cost falls from lethal to none over this distance from an obstacle, metres. */
  inflationRadiusM: number;
  /** Pure-pursuit lookahead, metres. */
  lookaheadM: number;
  /** Largest change of forward speed the follower asks for, m/s². */
  maxAccelMps2: number;
  /** Most cells the planner expands per cycle; a longer plan resumes at the next cycle. */
  planExpansionsPerCycle: number;
  /** Radius of the circle around the footprint (cells closer to an obstacle are lethal), metres. */
  robotRadiusM: number;
  /**
   * The room a passing place leaves between the footprint and the nearest obstacle, metres: the
   * reflex's stop margin (`reflex.stopMarginM`), so that a robot waiting there can still turn and
   * drive out of it without a trip.
   */
  passingClearanceM: number;
  /** Distance between the drive wheels' contact points (the wheel odometry's turn), metres. */
  wheelBaseM: number;
  /** The battery estimate, the energy per metre and the return rule (`cortex/energy/`). */
  energy: EnergySettings;
  /** The robot's part in the mesh: its state and claim to the peers, the right of way (`cortex/peers/`). */
  peers: PeerSettings;
}

/**
 * The settings a running cortex takes new values of (a `retune`): the planner and the path follower
 * read them at every step. The others are fixed from start to stop, as something is built from them
 * once (the step rate's timer, the map, the cost layer's inflation, the localiser).
 */
export const RETUNABLE_CORTEX_SETTINGS = Object.freeze([
  'cruiseSpeedMps',
  'headingGain',
  'maxTurnRateRadps',
  'goalToleranceM',
  'lookaheadM',
  'maxAccelMps2',
  'planExpansionsPerCycle',
  'passingClearanceM',
] as const satisfies ReadonlyArray<keyof CortexSettings>);

/** Values of the retunable settings, as a `retune` carries them. */
export type CortexTuning = Pick<CortexSettings, (typeof RETUNABLE_CORTEX_SETTINGS)[number]>;

/** Main thread → cortex worker. */
export type MainToCortex =
  | {
      t: 'init';
      settings: CortexSettings;
      /** `virtual`: time moves only with `tick` (simulator lock step); `real`: the monotonic clock. */
      clock: 'virtual' | 'real';
      startUs: number;
      assignment: MissionAssignment | null;
      /** The odometry of record at start. */
      odometry: OdometrySample;
      /** A prior map (ROS map_server conventions), or null: the robot maps as it goes. */
      map?: OccupancyGridMessage | null;
      /**
       * Where the robot's place is kept across restarts (`cortex.keepMapPath`), or null. Without an
       * assignment the cortex places the robot at the kept pose (on the kept map when there is no
       * prior), else at the origin, and keeps its place there as it goes.
       */
      keepMapPath?: string | null;
      /** The site's geofence and dock (board config or scenario), for judging missions; absent: neither. */
      site?: { geofence: Point2D[] | null; dock: Point2D | null };
      /** The consistency checker's settings (`consistency.*`); absent: it does not run. */
      consistency?: ConsistencySettings;
    }
  | { t: 'tick'; nowUs: number }
  /** New values of the settings a running cortex takes (a config update), in force from its next step. */
  | { t: 'retune'; tuning: CortexTuning }
  /**
   * Block this thread, event loop and all, until the shared clock reaches `untilUs` (a planner
   * stall, for fault scenarios and benchmarks). The clock is the `Float64Array` over `clock`
   * the main thread keeps current; without one, wall time.
   */
  | { t: 'stall'; untilUs: number; clock: SharedArrayBuffer | null }
  /** The odometry of record, sent whenever the applied motion changes. */
  | { t: 'odometry'; sample: OdometrySample }
  /** The wheel encoders' travel since start, metres, forward positive, left and right wheel, at `stampUs`. */
  | { t: 'wheels'; stampUs: number; leftM: number; rightM: number }
  /** The IMU's yaw rates (about z, counter-clockwise positive, rad/s) since the last such message, with their stamps. */
  | { t: 'gyro'; stampsUs: number[]; zRadps: number[] }
  /** One lidar's latest whole revolution, robot frame (its arrays transferred). */
  | { t: 'scan'; scan: LidarPoints }
  /** A battery monitor's reading (at most every 100 ms, see `cli/runtime/battery-relay.ts`). */
  | { t: 'battery'; reading: BatteryReading }
  /** What the reflex does now, on every change (a stop that lasts holds the running mission). */
  | { t: 'reflex'; state: ReflexHoldState; reason: string }
  | { t: 'shutdown' };

/** The reflex's states as the cortex hears of them. */
export type ReflexHoldState = 'clear' | 'limited' | 'slow' | 'stopped' | 'estop';
const REFLEX_STATES: ReadonlySet<unknown> = new Set(['clear', 'limited', 'slow', 'stopped', 'estop']);

/** Cortex worker → main thread. */
export type CortexToMain =
  | { t: 'drive'; command: DriveCommand }
  /** The planner is alive (at every step), with its mission's kind and state. */
  | { t: 'heartbeat'; missionKind: string; missionState: MissionState }
  /** A mission changed state (the journal records it as an event). */
  | { t: 'mission'; transition: MissionTransition }
  /** Another event for the journal (what the consistency checker noticed, and did about it). */
  | { t: 'record'; body: RuntimeEventBody }
  /** Where the odometry frame lies in the world: the robot's world pose is this composed with its odometry. */
  | { t: 'world-frame'; frame: Pose2D }
  /** A peer holds the right of way where the robot is going (null: released): the reflex's swarm hold (override level 2). */
  | { t: 'swarm-hold'; hold: { peer: string; reason: string } | null }
  /** The localisation's state changed (`lost`: the scans have not confirmed the pose for a while); the journal records it. */
  | { t: 'localisation'; state: 'ok' | 'lost' | 'off'; quality: number | null }
  /** Lock step: everything due up to `nowUs` has run; the next timer is due at `nextDueUs`. */
  | { t: 'tick-done'; nowUs: number; nextDueUs: number }
  /**
   * How keeping the robot's place across restarts goes (`spinal run`): `degraded` when a kept
   * state was set aside at start or a write fails, `ok` again once a write succeeds; the journal
   * records it as the health of `place-memory`.
   */
  | { t: 'place-memory'; state: 'ok' | 'degraded'; reason: string }
  /** After `shutdown`: the mission is stopped and the robot's place written; the thread may be terminated. */
  | { t: 'stopped' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && !Number.isNaN(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isOdometrySample(value: unknown): value is OdometrySample {
  return (
    isRecord(value) && isNumber(value.stampUs) && isPose2D(value.pose) && isNumber(value.vMps) && isNumber(value.wRadps)
  );
}

/** A battery reading: a finite voltage and stamp; current and power are numbers, NaN when the device cannot measure them. */
function isBatteryReading(value: unknown): value is BatteryReading {
  return (
    isRecord(value) &&
    isFiniteNumber(value.voltageV) &&
    typeof value.currentA === 'number' &&
    typeof value.powerW === 'number' &&
    isFiniteNumber(value.stampUs)
  );
}

function isSite(value: unknown): boolean {
  return (
    isRecord(value) &&
    (value.geofence === null || (Array.isArray(value.geofence) && value.geofence.every(isPoint2D))) &&
    (value.dock === null || isPoint2D(value.dock))
  );
}

/** True when `value` holds every retunable setting, each a finite number. */
function isCortexTuning(value: unknown): value is CortexTuning {
  return isRecord(value) && RETUNABLE_CORTEX_SETTINGS.every((key) => isFiniteNumber(value[key]));
}

/** True when `value` is a well-formed {@link MainToCortex} message. */
export function isMainToCortex(value: unknown): value is MainToCortex {
  if (!isRecord(value)) return false;
  switch (value.t) {
    case 'init':
      return (
        isRecord(value.settings) &&
        (value.clock === 'virtual' || value.clock === 'real') &&
        isNumber(value.startUs) &&
        (value.assignment === null || isRecord(value.assignment)) &&
        isOdometrySample(value.odometry) &&
        (value.map === undefined || value.map === null || isOccupancyGridMessage(value.map)) &&
        (value.keepMapPath === undefined || value.keepMapPath === null || typeof value.keepMapPath === 'string') &&
        (value.site === undefined || isSite(value.site)) &&
        (value.consistency === undefined || isRecord(value.consistency))
      );
    case 'tick':
      return isNumber(value.nowUs);
    case 'retune':
      return isCortexTuning(value.tuning);
    case 'stall':
      return isNumber(value.untilUs) && (value.clock === null || value.clock instanceof SharedArrayBuffer);
    case 'odometry':
      return isOdometrySample(value.sample);
    case 'wheels':
      return isNumber(value.stampUs) && isFiniteNumber(value.leftM) && isFiniteNumber(value.rightM);
    case 'gyro':
      return (
        Array.isArray(value.stampsUs) &&
        Array.isArray(value.zRadps) &&
        value.stampsUs.length === value.zRadps.length &&
        value.stampsUs.every(isNumber) &&
        value.zRadps.every(isFiniteNumber)
      );
    case 'scan':
      return isLidarPoints(value.scan);
    case 'battery':
      return isBatteryReading(value.reading);
    case 'reflex':
      return REFLEX_STATES.has(value.state) && typeof value.reason === 'string';
    case 'shutdown':
      return true;
    default:
      return false;
  }
}

/** True when `value` is a well-formed {@link CortexToMain} message. */
export function isCortexToMain(value: unknown): value is CortexToMain {
  if (!isRecord(value)) return false;
  switch (value.t) {
    case 'drive': {
      const c = value.command;
      return (
        isRecord(c) &&
        (c.source === 'cortex' || c.source === 'manual') &&
        isNumber(c.vMps) &&
        isNumber(c.wRadps) &&
        isNumber(c.stampUs)
      );
    }
    case 'heartbeat':
      return typeof value.missionKind === 'string' && typeof value.missionState === 'string';
    case 'record':
      return (
        isRecord(value.body) &&
        (value.body.kind === 'consistency-violation' ||
          value.body.kind === 'consistency-reaction' ||
          value.body.kind === 'right-of-way')
      );
    case 'mission': {
      const t = value.transition;
      return (
        isRecord(t) &&
        typeof t.id === 'string' &&
        typeof t.kind === 'string' &&
        typeof t.from === 'string' &&
        typeof t.to === 'string' &&
        typeof t.reason === 'string' &&
        isNumber(t.atUs)
      );
    }
    case 'world-frame':
      return isPose2D(value.frame);
    case 'swarm-hold':
      return (
        value.hold === null ||
        (isRecord(value.hold) && typeof value.hold.peer === 'string' && typeof value.hold.reason === 'string')
      );
    case 'localisation':
      return (
        (value.state === 'ok' || value.state === 'lost' || value.state === 'off') &&
        (value.quality === null || isNumber(value.quality))
      );
    case 'tick-done':
      return isNumber(value.nowUs) && isNumber(value.nextDueUs);
    case 'place-memory':
      return (value.state === 'ok' || value.state === 'degraded') && typeof value.reason === 'string';
    case 'stopped':
      return true;
    default:
      return false;
  }
}
