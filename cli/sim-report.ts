import type { ReflexTrip } from '../reflex/reflex-loop.js';
import { roundReport, type SimFaultReport, type SimReport } from '../simulator/report.js';
import type { WorldRobotState } from '../simulator/world-thread-protocol.js';

/** What the robot side knows at the end of a run. */
export interface RobotOutcome {
  id: string;
  missionState: string;
  trips: readonly ReflexTrip[];
}

/**
 * The report of BRIEF §5: collisions, clearance, distance and goal from the simulator's physics,
 * mission state and reflex trips from the robot.
 */
export function buildSimReport(
  scenario: string,
  world: { simTimeS: number; wallTimeS: number; robots: WorldRobotState[]; faults: SimFaultReport[] },
  robots: readonly RobotOutcome[],
  eventsLost: number,
): SimReport {
  return roundReport({
    scenario,
    simTimeS: world.simTimeS,
    wallTimeS: world.wallTimeS,
    realTimeFactor: world.wallTimeS > 0 ? world.simTimeS / world.wallTimeS : 0,
    robots: world.robots.map((truth) => {
      const robot = robots.find((r) => r.id === truth.id);
      return {
        id: truth.id,
        goalReached: truth.goalReached,
        missionState: robot?.missionState ?? 'unknown',
        distanceM: truth.distanceM,
        collisions: truth.collisions,
        collisionEvents: truth.collisionEvents,
        minClearanceM: Number.isFinite(truth.minClearanceM) ? truth.minClearanceM : -1,
        minClearanceAtS: truth.minClearanceAtS,
        geofenceBreachMaxM: truth.geofenceBreachMaxM,
        reflexTrips: (robot?.trips ?? []).map((trip) => ({
          reason: `${trip.rule}: ${trip.reason}`,
          simTimeS: trip.atUs / 1e6,
        })),
      };
    }),
    faults: world.faults,
    eventsLost,
  });
}
