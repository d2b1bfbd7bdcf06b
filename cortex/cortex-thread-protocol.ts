import type { AppliedDrive, DriveCommand } from '../messages/drive.js';
import type { Pose2D } from '../messages/geometry.js';
import type { MissionAssignment, MissionState } from '../messages/mission.js';

/** Settings the cortex gets at start-up (resolved from the parameter definitions by the main thread). */
export interface CortexSettings {
  rateHz: number;
  cruiseSpeedMps: number;
  headingGain: number;
  maxTurnRateRadps: number;
  goalToleranceM: number;
}

/** Main thread → cortex worker. */
export type MainToCortex =
  | {
      t: 'init';
      settings: CortexSettings;
      /** `virtual`: time moves only with `tick` (simulator lock step); `real`: the monotonic clock. */
      clock: 'virtual' | 'real';
      startUs: number;
      assignment: MissionAssignment | null;
    }
  | { t: 'tick'; nowUs: number }
  /**
   * Block this thread, event loop and all, until the shared clock reaches `untilUs` (a planner
   * stall, for fault scenarios and benchmarks). The clock is the `Float64Array` over `clock`
   * the main thread keeps current; without one, wall time.
   */
  | { t: 'stall'; untilUs: number; clock: SharedArrayBuffer | null }
  | { t: 'applied'; applied: AppliedDrive }
  | { t: 'shutdown' };

/** What the cortex reports about its mission. */
export interface CortexStatus {
  pose: Pose2D | null;
  missionKind: string;
  missionState: MissionState;
  /** Distance to the goal, metres (null without a goal). */
  goalDistanceM: number | null;
}

/** Cortex worker → main thread. */
export type CortexToMain =
  | { t: 'drive'; command: DriveCommand }
  | { t: 'status'; status: CortexStatus }
  /** Lock step: everything due up to `nowUs` has run; the next timer is due at `nextDueUs`. */
  | { t: 'tick-done'; nowUs: number; nextDueUs: number };
