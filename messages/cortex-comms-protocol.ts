import { isPose2D, type Point2D, type Pose2D } from './geometry.js';
import { isOccupancyGridMessage, type OccupancyGridMessage } from './occupancy-grid.js';
import type { Mission, MissionState } from './mission.js';

/**
 * Messages on the channel between the cortex and the comms worker threads, which the main thread
 * (the reflex's) never sees: mission progress, the navigation status (localisation and path) and
 * the map; peer state and missions as they come. Plain objects tagged by `t`; each side checks what it receives with the guard below and
 * counts and drops what does not pass.
 */

/** What the cortex reports about its mission and its pose estimate. */
export interface CortexStatus {
  /** The cortex's world pose estimate (null before it has one). */
  pose: Pose2D | null;
  missionKind: string;
  missionState: MissionState;
  /** Distance to the goal, metres (null without a goal). */
  goalDistanceM: number | null;
}

/** Cortex → comms, at every planner step. */
export interface CortexStatusMessage {
  t: 'cortex-status';
  status: CortexStatus;
}

/** How well the robot knows where it is, and the way it means to go. */
export interface NavigationStatus {
  /** `ok`: scans confirm the pose; `lost`: they have not for a while; `off`: odometry only. */
  localisation: 'ok' | 'lost' | 'off';
  /** Quality of the last scan match, 0..1 (null before one). */
  quality: number | null;
  /** The current path, world frame, from the robot to the goal (empty without one). */
  path: Point2D[];
  /** Cost of the last plan and of the last revolution's localisation and mapping, milliseconds. */
  planMs: number;
  revolutionMs: number;
}

/** Cortex → comms, when the navigation status changes (at most at the planner rate). */
export interface CortexNavigationMessage {
  t: 'cortex-navigation';
  navigation: NavigationStatus;
}

/** Cortex → comms, when the map changed (at most every couple of seconds): the grid, versioned. */
export interface CortexMapMessage {
  t: 'cortex-map';
  map: OccupancyGridMessage;
}

/** The cortex's answer to a `mission` from the comms thread: accepted, or refused with the reason. */
export interface MissionResultMessage {
  t: 'mission-result';
  id: number;
  accepted: boolean;
  reason: string;
}

export type CortexToComms = CortexStatusMessage | CortexNavigationMessage | CortexMapMessage | MissionResultMessage;

/** Comms → cortex: nothing yet (missions from the debug port and the uplink will come this way). */
/** A mission from the supervisor (via the uplink), answered by `mission-result` with the same id. */
export interface MissionMessage {
  t: 'mission';
  id: number;
  missionId: string;
  mission: Mission;
}

export type CommsToCortex = MissionMessage;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isNavigationStatus(value: unknown): value is NavigationStatus {
  if (!isRecord(value)) return false;
  return (
    (value.localisation === 'ok' || value.localisation === 'lost' || value.localisation === 'off') &&
    (value.quality === null || typeof value.quality === 'number') &&
    Array.isArray(value.path) &&
    value.path.every((p: unknown) => isRecord(p) && typeof p.xM === 'number' && typeof p.yM === 'number') &&
    typeof value.planMs === 'number' &&
    typeof value.revolutionMs === 'number'
  );
}

/** True when `value` is a well-formed {@link CortexToComms} message. */
/** True when `value` is a well-formed {@link CommsToCortex} message. */
export function isCommsToCortex(value: unknown): value is CommsToCortex {
  return (
    isRecord(value) &&
    value.t === 'mission' &&
    Number.isInteger(value.id) &&
    typeof value.missionId === 'string' &&
    isRecord(value.mission) &&
    typeof value.mission.kind === 'string'
  );
}

export function isCortexToComms(value: unknown): value is CortexToComms {
  if (isRecord(value) && value.t === 'cortex-navigation') return isNavigationStatus(value.navigation);
  if (isRecord(value) && value.t === 'cortex-map') return isOccupancyGridMessage(value.map);
  if (isRecord(value) && value.t === 'mission-result') {
    return Number.isInteger(value.id) && typeof value.accepted === 'boolean' && typeof value.reason === 'string';
  }
  if (!isRecord(value) || value.t !== 'cortex-status' || !isRecord(value.status)) return false;
  const s = value.status;
  return (
    (s.pose === null || isPose2D(s.pose)) &&
    typeof s.missionKind === 'string' &&
    typeof s.missionState === 'string' &&
    (s.goalDistanceM === null || typeof s.goalDistanceM === 'number')
  );
}
