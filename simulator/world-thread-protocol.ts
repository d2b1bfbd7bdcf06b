import type { BoardConfig } from '../config/board-schema.js';
import type { Pose2D } from '../messages/geometry.js';
import type { SimCollisionEvent, SimFaultReport } from './report.js';
import type { TimedPose } from './world/pose-truth-trace.js';
import type { TrajectoryPoint } from './world/trajectory-recorder.js';
import type { Scenario, ScenarioScriptStep } from './scenario.js';
import type { SystemFaultEdge } from './faults/system-fault-schedule.js';
import type { RuntimeFaultPhase } from './faults/runtime-fault-timeline.js';

/** What the world thread is started with (`workerData`); robot link ports are transferred alongside. */
export interface WorldWorkerData {
  scenario: Scenario;
  /** Where the scenario came from, for error messages. */
  scenarioFile: string;
  /** Board config of each robot, by robot id, with the file it came from (for error messages). */
  boards: Record<string, { board: BoardConfig; file: string }>;
  /** Sim seconds per wall second; 0 runs as fast as the robots keep up. */
  speed: number;
  /** Sim seconds to run. */
  durationS: number;
  /** Lock-step quantum, milliseconds of sim time. */
  quantumMs: number;
  /** `--pty`: per robot id, serial device path -> the pseudo-terminal end the world drives. */
  ptys: Record<string, Record<string, string>>;
}

/** Main → world. */
export type MainToWorld =
  | { t: 'stop' }
  /** A scripted action, or a system or runtime fault's beginning or clearing, has been carried out. */
  | { t: 'script-done'; seq: number }
  /** A robot's own mission state changed (a fault's `when` may name it). */
  | { t: 'mission-state'; robotId: string; state: string }
  /** A robot's runtime is gone (its process killed) or back (a new process starting): see `SimWorld.setRobotDown`. */
  | { t: 'robot-down'; robotId: string; down: boolean };

/** One robot's truth, as only the simulator knows it. */
export interface WorldRobotState {
  id: string;
  pose: Pose2D;
  vMps: number;
  distanceM: number;
  collisions: number;
  /** Every contact begun: when, the true pose and speed then, and what was hit. */
  collisionEvents: SimCollisionEvent[];
  minClearanceM: number;
  /** Sim time of the smallest clearance, seconds; null before any. */
  minClearanceAtS: number | null;
  /** The true pose when `minClearanceM` was measured; null before any. */
  minClearancePose: Pose2D | null;
  clearanceM: number;
  /** Largest distance the footprint reached outside the robot's geofence, metres; null without a geofence. */
  geofenceBreachMaxM: number | null;
  /** Share of the robot's coverage area its true footprint has swept, percent (0..100); null without an area. */
  coveragePct: number | null;
  goalReached: boolean;
  /** Sim time the true pose first reached the goal, seconds (null before). */
  goalReachedAtS: number | null;
  /** Energy left in the robot's battery pack, watt-hours (the simulator's truth; below 0 once drawn past empty). */
  energyRemainingWh: number;
  /** The true pose at every sampling instant (`world/pose-truth-trace.ts`), for the pose errors: in `finished` only. */
  truth?: TimedPose[];
  /** The true trajectory, decimated (`world/trajectory-recorder.ts`), for the run's picture: in `finished` only. */
  trajectory?: TrajectoryPoint[];
}

/** World → main. */
export type WorldToMain =
  | { t: 'progress'; simTimeS: number; wallTimeS: number; robots: WorldRobotState[] }
  | {
      t: 'finished';
      simTimeS: number;
      wallTimeS: number;
      robots: WorldRobotState[];
      faults: SimFaultReport[];
      linkErrors: number;
    }
  | { t: 'failed'; message: string }
  /** A scripted action is due: the world waits for `script-done` before it goes on, so it happens at this sim time. */
  | { t: 'script'; seq: number; robotId: string; step: ScenarioScriptStep; simTimeUs: number }
  /** A fault on the robots' surroundings begins or clears: the world waits for `script-done` likewise. */
  | { t: 'system-fault'; seq: number; edge: SystemFaultEdge; simTimeUs: number }
  /**
   * A runtime fault (its process, clock or disk, `faults/runtime-fault-schema.ts`) begins or ends:
   * the main thread, which holds the robots' runtimes and processes, throws it and answers
   * `script-done` with `seq`; the world waits for that, so it happens at this sim time. `pose`:
   * the robot's true pose now (where a restarted process finds its body).
   */
  | { t: 'runtime-fault'; seq: number; phase: RuntimeFaultPhase; simTimeUs: number; pose: Pose2D };
