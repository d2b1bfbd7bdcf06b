import type { Pose2D } from '../messages/geometry.js';
import type { Mission } from '../messages/mission.js';

/**
 * The simulator's run report (`spinal sim --report FILE`, JSON), exactly as BRIEF §5 fixes it.
 * Collisions and clearances come from the simulator's physics, never from the robot.
 */

/** A reflex trip the robot reported: its rule's reason and when it fired. */
export interface SimReflexTrip {
  reason: string;
  /** Sim time of the trip, seconds. */
  simTimeS: number;
}

/** One contact of a robot's footprint with something, as the simulator's physics saw it begin. */
export interface SimCollisionEvent {
  /** Sim time of contact, seconds. */
  simTimeS: number;
  /** The robot's true pose at contact, world frame. */
  pose: Pose2D;
  /** The robot's true forward speed at contact, m/s. */
  speedMps: number;
  /** What was hit: `wall`, `obstacle` or `robot:<id>`. */
  hit: string;
}

/** One robot's outcome. */
export interface SimRobotReport {
  id: string;
  /** True when a `goto` mission's goal was reached by the true pose (see {@link goalReachedByPose}). */
  goalReached: boolean;
  /** Sim time at which the true pose first reached that goal, seconds; null when it never did. */
  goalReachedAtS: number | null;
  /** The robot's own mission state at the end (`idle`, `active`, `succeeded`, `failed`, `aborted`). */
  missionState: string;
  /** Path length of the robot's centre over the run, metres. */
  distanceM: number;
  /** Contacts of the footprint with a wall, obstacle or another robot. */
  collisions: number;
  /** Each of those contacts, in order. */
  collisionEvents: SimCollisionEvent[];
  /** Smallest distance between the footprint and any wall, obstacle or robot over the run, metres. */
  minClearanceM: number;
  /** Sim time at which `minClearanceM` was measured (the first time), seconds; null in an empty world. */
  minClearanceAtS: number | null;
  /** Largest distance the footprint reached outside the robot's geofence, metres (0: never left it); null without a geofence. */
  geofenceBreachMaxM: number | null;
  /** Largest distance between the true pose and the pose the robot reported, at 10 Hz of sim time, metres; null when it reported none. */
  poseErrorMaxM?: number | null;
  /** That distance at the last sample, metres; null when the robot reported no pose. */
  poseErrorFinalM?: number | null;
  /** Energy left in the robot's battery at the end, watt-hours: the simulator's truth (below 0 once drawn past empty). */
  energyRemainingWh: number;
  /**
   * Share of the robot's coverage area (the scenario's `coverageArea`) its true footprint swept
   * over the run, percent (0..100), from the simulator's physics; null when it has no area.
   */
  coveragePct?: number | null;
  reflexTrips: SimReflexTrip[];
}

/** A fault the scenario injected (or the world caused) on a device. */
export interface SimFaultReport {
  device: string;
  kind: string;
  /** Sim time the fault began, seconds. */
  atS: number;
  /** Sim time it cleared, seconds; null when it never did. */
  clearedAtS: number | null;
}

/**
 * What the sim's supervisor holds of one robot's events at the end of a run: the check that a
 * fault on the way (an uplink cut, a supervisor restart) lost nothing and left no gap.
 */
export interface SimEventDelivery {
  robotId: string;
  /** Events the robot committed to its ledger during the run. */
  committed: number;
  /** Distinct sequence numbers the supervisor's store holds for it. */
  held: number;
  /** The first committed sequence number (null: none). */
  firstSeq: number | null;
  /** The last sequence number the store holds (null: none). */
  lastSeq: number | null;
  /** Every committed event is held, and every sequence from `firstSeq` to `lastSeq` is. */
  gapFree: boolean;
  /** Committed sequences the store lacks (the first few). */
  missingSeqs: number[];
}

export interface SimReport {
  scenario: string;
  /** Sim time covered, seconds. */
  simTimeS: number;
  /** Wall-clock time the run took, seconds. */
  wallTimeS: number;
  /** simTimeS / wallTimeS. */
  realTimeFactor: number;
  robots: SimRobotReport[];
  faults: SimFaultReport[];
  /** Events the robot could not record (its ledger's loss counter); 0 in a good run. */
  eventsLost: number;
}

/**
 * Whether a robot's true pose has reached its mission's goal. Only `goto` missions have a goal:
 * true when the pose is within `toleranceM` (default: the mission's own tolerance) of it. A `drive`
 * mission is a scripted motion with no goal, so it is always false; whether it ran its course is
 * told by `missionState`.
 */
export function goalReachedByPose(pose: Pose2D, mission: Mission, toleranceM?: number): boolean {
  if (mission.kind !== 'goto') return false;
  const tolerance = toleranceM ?? mission.toleranceM;
  return Math.hypot(pose.xM - mission.goal.xM, pose.yM - mission.goal.yM) <= tolerance;
}

/** Rounds to 3 decimals (millimetres, milliseconds, milliwatt-hours); non-finite values pass through. */
function round3(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : value;
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round3(value);
}

/**
 * A copy of the report with every time, distance, energy and the real-time factor rounded to 3 decimals.
 * Counts are left alone. A `minClearanceM` of `Infinity` (nothing in the world) stays so; JSON
 * writes it as null.
 */
export function roundReport(report: SimReport): SimReport {
  return {
    scenario: report.scenario,
    simTimeS: round3(report.simTimeS),
    wallTimeS: round3(report.wallTimeS),
    realTimeFactor: round3(report.realTimeFactor),
    robots: report.robots.map((r) => ({
      id: r.id,
      goalReached: r.goalReached,
      goalReachedAtS: roundOrNull(r.goalReachedAtS),
      missionState: r.missionState,
      distanceM: round3(r.distanceM),
      collisions: r.collisions,
      collisionEvents: r.collisionEvents.map((c) => ({
        simTimeS: round3(c.simTimeS),
        pose: { xM: round3(c.pose.xM), yM: round3(c.pose.yM), yawRad: round3(c.pose.yawRad) },
        speedMps: round3(c.speedMps),
        hit: c.hit,
      })),
      minClearanceM: round3(r.minClearanceM),
      minClearanceAtS: r.minClearanceAtS === null ? null : round3(r.minClearanceAtS),
      geofenceBreachMaxM: r.geofenceBreachMaxM === null ? null : round3(r.geofenceBreachMaxM),
      ...(r.poseErrorMaxM === undefined ? {} : { poseErrorMaxM: roundOrNull(r.poseErrorMaxM) }),
      ...(r.poseErrorFinalM === undefined ? {} : { poseErrorFinalM: roundOrNull(r.poseErrorFinalM) }),
      energyRemainingWh: round3(r.energyRemainingWh),
      ...(r.coveragePct === undefined ? {} : { coveragePct: roundOrNull(r.coveragePct) }),
      reflexTrips: r.reflexTrips.map((t) => ({ reason: t.reason, simTimeS: round3(t.simTimeS) })),
    })),
    faults: report.faults.map((f) => ({
      device: f.device,
      kind: f.kind,
      atS: round3(f.atS),
      clearedAtS: f.clearedAtS === null ? null : round3(f.clearedAtS),
    })),
    eventsLost: report.eventsLost,
  };
}
