import { writeFileSync } from 'node:fs';
import type { BoardConfig } from '../config/board-schema.js';
import { renderRunPlotSvg, type RunPlot } from '../simulator/plot/run-plot-svg.js';
import { scenarioMissionOf, type Scenario } from '../simulator/scenario.js';
import { TrajectoryRecorder } from '../simulator/world/trajectory-recorder.js';
import type { WorldRobotState } from '../simulator/world-thread-protocol.js';
import type { Pose2D } from '../messages/geometry.js';
import type { SimRunReport } from './sim-report.js';

/**
 * `spinal sim --plot FILE.svg`: what the picture of a run needs from the robot side (the pose the
 * robot believed it had, decimated) and the writing of the picture from the world's truth and the
 * report (drawn by `simulator/plot/run-plot-svg.ts`).
 */

/**
 * The way a robot believed it drove: the world pose it reported at each of the world's sampling
 * instants (its reflex's world pose, the one the report's pose errors use), by sim time.
 */
export function believedTrajectoryOf(poses: ReadonlyMap<number, Pose2D>): TrajectoryRecorder {
  const trajectory = new TrajectoryRecorder();
  for (const [simTimeUs, pose] of [...poses].sort((a, b) => a[0] - b[0])) trajectory.add(simTimeUs / 1e6, pose);
  return trajectory;
}

/** The picture's data: the scenario's world, and per robot the world's truth, its beliefs and the report's events. */
export function runPlotOf(
  scenario: Scenario,
  report: SimRunReport,
  truth: readonly WorldRobotState[],
  believed: ReadonlyMap<string, TrajectoryRecorder>,
  boards: ReadonlyMap<string, BoardConfig>,
): RunPlot {
  return {
    scenario: report.scenario,
    simTimeS: report.simTimeS,
    world: scenario.world,
    robots: report.robots.map((robot) => {
      const spec = scenario.robots.find((r) => r.id === robot.id);
      const state = truth.find((r) => r.id === robot.id);
      const mission = spec ? scenarioMissionOf(spec) : null;
      const footprint = boards.get(robot.id)?.robot.footprint ?? { lengthM: 0.3, widthM: 0.25 };
      return {
        id: robot.id,
        footprint: { lengthM: footprint.lengthM, widthM: footprint.widthM },
        geofence: spec?.geofence?.map(([xM, yM]) => ({ xM, yM })) ?? null,
        goal: mission?.kind === 'goto' ? mission.goal : null,
        truePath: state?.trajectory ?? [],
        believedPath: believed.get(robot.id)?.samples() ?? [],
        trips: robot.reflexTrips,
        collisions: robot.collisionEvents,
        minClearance:
          state?.minClearancePose && robot.minClearanceAtS !== null
            ? { distanceM: robot.minClearanceM, simTimeS: robot.minClearanceAtS, pose: state.minClearancePose }
            : null,
      };
    }),
  };
}

/** Writes the picture to `file`; the error's message when it cannot, null when written. */
export function writeRunPlot(file: string, plot: RunPlot): string | null {
  try {
    writeFileSync(file, renderRunPlotSvg(plot));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
