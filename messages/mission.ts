import type { Point2D, Pose2D } from './geometry.js';

/** Reach a point in the world frame. */
export interface GotoMission {
  kind: 'goto';
  goal: Point2D;
  /** Distance at which the goal counts as reached, metres. */
  toleranceM: number;
}

/** Drive a fixed body motion for a time, without planning (test scenarios, manual checks). */
export interface DriveMission {
  kind: 'drive';
  vMps: number;
  wRadps: number;
  durationS: number;
}

export type Mission = GotoMission | DriveMission;

export type MissionState = 'idle' | 'active' | 'succeeded' | 'failed' | 'aborted';

/** The mission given at start-up together with where the robot is (an initial pose, as a supervisor would set it). */
export interface MissionAssignment {
  mission: Mission;
  initialPose: Pose2D;
}
