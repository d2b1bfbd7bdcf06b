import type { Point2D, Pose2D } from './geometry.js';

/** Reach a point in the world frame, then face a heading when one is given. */
export interface GotoMission {
  kind: 'goto';
  goal: Point2D;
  /** Distance at which the goal counts as reached, metres. */
  toleranceM: number;
  /** Heading to turn to at the goal, radians in the world frame (left out: any). */
  headingRad?: number;
}

/** Drive a fixed body motion for a time, without planning (test scenarios, manual checks). */
export interface DriveMission {
  kind: 'drive';
  vMps: number;
  wRadps: number;
  durationS: number;
}

/** Visit waypoints in order, lap after lap. */
export interface PatrolMission {
  kind: 'patrol';
  waypoints: Point2D[];
  /** Laps to drive; 0: forever (until aborted or preempted for good). */
  laps: number;
  /** Distance at which a waypoint counts as reached, metres. */
  toleranceM: number;
}

/** Cover a polygon in parallel lanes (a lawnmower pattern). */
export interface SurveyMission {
  kind: 'survey';
  /** The area, world frame, at least three corners, not self-intersecting. */
  area: Point2D[];
  /** Distance between neighbouring lanes, metres. */
  laneSpacingM: number;
  /** Distance at which a lane's end counts as reached, metres. */
  toleranceM: number;
}

/** Go to the dock (the board's or the scenario's). */
export interface ReturnToBaseMission {
  kind: 'return-to-base';
  /** Distance at which the dock counts as reached, metres. */
  toleranceM: number;
}

export type Mission = GotoMission | DriveMission | PatrolMission | SurveyMission | ReturnToBaseMission;

/** Every kind of mission, as `Mission['kind']` spells them. */
export const MISSION_KINDS = Object.freeze(['goto', 'drive', 'patrol', 'survey', 'return-to-base'] as const);

/**
 * Where a mission is in its life (see `cortex/missions/mission-lifecycle.ts` for the transitions);
 * `idle` is the executor's state with no mission at all.
 */
export const MISSION_STATES = Object.freeze([
  'idle',
  'queued',
  'active',
  'held',
  'preempted',
  'succeeded',
  'failed',
  'aborted',
] as const);
export type MissionState = (typeof MISSION_STATES)[number];

/** The states a mission never leaves. */
export const FINAL_MISSION_STATES: ReadonlySet<MissionState> = new Set(['succeeded', 'failed', 'aborted']);

/** Who gave a mission. */
export type MissionSource = 'scenario' | 'debug-port' | 'supervisor' | 'cortex';

/** A mission with its id and priority, as it goes into the robot's queue. */
export interface MissionOrder {
  /** Unique on the robot (the sender's, or one the robot gives). */
  id: string;
  /** Higher runs first and preempts a running mission of lower priority; 0..100. */
  priority: number;
  source: MissionSource;
  mission: Mission;
}

/** Highest mission priority (a return to base the battery forces runs at it). */
export const MAX_MISSION_PRIORITY = 100;
/** Priority of a mission whose sender gave none (and of a mission given at start). */
export const DEFAULT_MISSION_PRIORITY = 50;

/** The mission given at start-up together with where the robot is (an initial pose, as a supervisor would set it). */
export interface MissionAssignment {
  mission: Mission;
  initialPose: Pose2D;
}

/** One mission as status and `GET /api/v1/missions` show it. */
export interface MissionView {
  id: string;
  kind: Mission['kind'];
  priority: number;
  source: MissionSource;
  state: MissionState;
  /** Why it is in this state (held by what, failed why), empty when there is nothing to say. */
  reason: string;
  /** Share of the mission done, 0..1. */
  progress: number;
  /** Time still needed at cruise speed, seconds (null when unknown or done). */
  etaS: number | null;
  /** Patrol laps completed. */
  lapsDone: number;
}

/** A mission's change of state, as the cortex reports it (an event in the ledger). */
export interface MissionTransition {
  id: string;
  kind: Mission['kind'];
  from: MissionState;
  to: MissionState;
  reason: string;
  atUs: number;
}
