import type { Pose2D } from '../messages/geometry.js';
import { poseErrors } from '../simulator/world/pose-truth-trace.js';
import type { ReflexTrip } from '../reflex/reflex-loop.js';
import {
  roundReport,
  type SimEventDelivery,
  type SimFaultReport,
  type SimReport,
  type SimRobotReport,
} from '../simulator/report.js';
import type { WorldRobotState } from '../simulator/world-thread-protocol.js';

/** A mission of the run as it last stood: its id, kind, state, why, and when it got there (sim seconds). */
export interface MissionOutcome {
  id: string;
  kind: string;
  state: string;
  reason: string;
  atS: number;
}

/** What the robot side knows at the end of a run. */
export interface RobotOutcome {
  id: string;
  missionState: string;
  /** Every mission of the run, in the order they arrived, as each last stood (from the mission events). */
  missions?: readonly MissionOutcome[];
  trips: readonly ReflexTrip[];
  /** Whether every device was healthy at some moment of the run (a robot that never was never drove). */
  everReady: boolean;
  /** Why it never became ready (the devices not ok, with their reasons); empty when it did. */
  notReadyReason: string;
  /** The world pose the robot reported at each sampled sim time (microseconds), to set against the truth. */
  reportedPoses?: ReadonlyMap<number, Pose2D>;
}

/** One robot's outcome in the written report: BRIEF §5's fields, then whether it ever became ready. */
export interface SimRunRobotReport extends SimRobotReport {
  /** Every mission of the run as it last stood, in the order they arrived. */
  missions: MissionOutcome[];
  everReady: boolean;
  /** Null when it became ready. */
  notReadyReason: string | null;
}

/**
 * The report written by `spinal sim --report`: BRIEF §5's fields unchanged, and in addition
 * whether the run covered its whole duration (`complete`; false for a headless run interrupted by a
 * signal, with the reason) and, per robot, whether it ever became ready.
 */
export interface SimRunReport extends SimReport {
  robots: SimRunRobotReport[];
  complete: boolean;
  /** Null when complete. */
  incompleteReason: string | null;
  /** The picture of the run (`--plot FILE.svg`) as written; null without one. */
  plot: string | null;
  /** What the sim's own supervisor holds of each robot's events (absent with an external supervisor). */
  eventDelivery?: SimEventDelivery[];
}

/**
 * The report of BRIEF §5: collisions, clearance, distance and goal from the simulator's physics,
 * mission state and reflex trips from the robot, plus readiness and completeness.
 */
export function buildSimReport(
  scenario: string,
  world: { simTimeS: number; wallTimeS: number; robots: WorldRobotState[]; faults: SimFaultReport[] },
  robots: readonly RobotOutcome[],
  eventsLost: number,
  completeness: { complete: boolean; reason: string | null } = { complete: true, reason: null },
): SimRunReport {
  const rounded = roundReport({
    scenario,
    simTimeS: world.simTimeS,
    wallTimeS: world.wallTimeS,
    realTimeFactor: world.wallTimeS > 0 ? world.simTimeS / world.wallTimeS : 0,
    robots: world.robots.map((truth) => {
      const robot = robots.find((r) => r.id === truth.id);
      const errors = poseErrors(truth.truth ?? [], robot?.reportedPoses ?? new Map());
      return {
        id: truth.id,
        goalReached: truth.goalReached,
        goalReachedAtS: truth.goalReachedAtS,
        missionState: robot?.missionState ?? 'unknown',
        distanceM: truth.distanceM,
        collisions: truth.collisions,
        collisionEvents: truth.collisionEvents,
        minClearanceM: Number.isFinite(truth.minClearanceM) ? truth.minClearanceM : -1,
        minClearanceAtS: truth.minClearanceAtS,
        geofenceBreachMaxM: truth.geofenceBreachMaxM,
        poseErrorMaxM: errors?.maxM ?? null,
        poseErrorFinalM: errors?.finalM ?? null,
        energyRemainingWh: truth.energyRemainingWh,
        coveragePct: truth.coveragePct,
        reflexTrips: (robot?.trips ?? []).map((trip) => ({
          reason: `${trip.rule}: ${trip.reason}`,
          simTimeS: trip.atUs / 1e6,
        })),
      };
    }),
    faults: world.faults,
    eventsLost,
  });
  return {
    ...rounded,
    robots: rounded.robots.map((r) => {
      const robot = robots.find((o) => o.id === r.id);
      const everReady = robot?.everReady ?? false;
      return {
        ...r,
        missions: [...(robot?.missions ?? [])],
        everReady,
        notReadyReason: everReady ? null : robot?.notReadyReason || 'the robot side reported nothing',
      };
    }),
    complete: completeness.complete,
    incompleteReason: completeness.complete ? null : completeness.reason,
    plot: null,
  };
}
