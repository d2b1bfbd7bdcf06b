import { isPose2D, type Point2D, type Pose2D } from './geometry.js';
import { isOccupancyGridMessage, type OccupancyGridMessage } from './occupancy-grid.js';
import type { MissionOrder, MissionState, MissionView } from './mission.js';
import {
  isHazard,
  isOwnClaim,
  isOwnHazard,
  isOwnMeshState,
  isPeerView,
  type Hazard,
  type OwnClaim,
  type OwnHazard,
  type OwnMeshState,
  type PeerView,
} from './peer.js';

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
  /** The running mission's kind (else the next one's, else the last one's; `none` before any). */
  missionKind: string;
  /** The running mission's state (else the next one's, else how the last one ended; `idle` before any). */
  missionState: MissionState;
  /** The running mission's id (null when none runs). */
  missionId: string | null;
  /** Share of the running mission done, 0..1, and the time it still needs, seconds (null when none runs or unknown). */
  progress: number | null;
  etaS: number | null;
  /** Distance to the point the robot drives to, metres (null without one). */
  goalDistanceM: number | null;
}

/** Cortex → comms, whenever a mission changes state and at least every second: every mission on the board. */
export interface CortexMissionsMessage {
  t: 'cortex-missions';
  missions: MissionView[];
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

/** How the cortex took a mission order or a cancel: what the debug port answers 200/400/422/409/404 for. */
export type MissionVerdictName = 'accepted' | 'malformed' | 'impossible' | 'conflict' | 'unknown';

/** The cortex's answer to a `mission` or `mission-cancel` from the comms thread, with the same id. */
export interface MissionResultMessage {
  t: 'mission-result';
  id: number;
  accepted: boolean;
  verdict: MissionVerdictName;
  reason: string;
}

/** Cortex → comms, at the mesh's state rate: what the robot tells its peers (state, and its right-of-way claim). */
export interface CortexMeshMessage {
  t: 'cortex-mesh';
  state: OwnMeshState;
  claim: OwnClaim;
}

/** Cortex → comms, when the robot sees something in the way its peers should plan round. */
export interface CortexHazardMessage {
  t: 'cortex-hazard';
  hazard: OwnHazard;
}

export type CortexToComms =
  | CortexStatusMessage
  | CortexNavigationMessage
  | CortexMapMessage
  | CortexMissionsMessage
  | MissionResultMessage
  | CortexMeshMessage
  | CortexHazardMessage;

/** A mission order (from the debug port or the uplink), answered by `mission-result` with the same id. */
export interface MissionMessage {
  t: 'mission';
  id: number;
  order: MissionOrder;
}

/** Abort the mission `missionId` (running or waiting), answered by `mission-result` with the same id. */
export interface MissionCancelMessage {
  t: 'mission-cancel';
  id: number;
  missionId: string;
  /** Who asked, for the event (e.g. `cancelled from the debug port`). */
  reason: string;
}

/** Comms → cortex, when the peers changed (at most at the mesh's state rate): every peer known, and the hazards in force. */
export interface PeersMessage {
  t: 'peers';
  peers: PeerView[];
  hazards: Hazard[];
}

export type CommsToCortex = MissionMessage | MissionCancelMessage | PeersMessage;

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

/** True when `value` is a well-formed {@link CommsToCortex} message. */
export function isCommsToCortex(value: unknown): value is CommsToCortex {
  if (isRecord(value) && value.t === 'peers') {
    return (
      Array.isArray(value.peers) &&
      value.peers.every(isPeerView) &&
      Array.isArray(value.hazards) &&
      value.hazards.every(isHazard)
    );
  }
  if (!isRecord(value) || !Number.isInteger(value.id)) return false;
  if (value.t === 'mission-cancel') return typeof value.missionId === 'string' && typeof value.reason === 'string';
  if (value.t !== 'mission' || !isRecord(value.order)) return false;
  const order = value.order;
  // The mission's fields are judged by the cortex (a malformed one is refused with its reason).
  return (
    typeof order.id === 'string' &&
    typeof order.priority === 'number' &&
    typeof order.source === 'string' &&
    isRecord(order.mission) &&
    typeof order.mission.kind === 'string'
  );
}

const VERDICTS: ReadonlySet<unknown> = new Set(['accepted', 'malformed', 'impossible', 'conflict', 'unknown']);

function isMissionView(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.kind === 'string' &&
    typeof value.priority === 'number' &&
    typeof value.source === 'string' &&
    typeof value.state === 'string' &&
    typeof value.reason === 'string' &&
    typeof value.progress === 'number' &&
    (value.etaS === null || typeof value.etaS === 'number') &&
    typeof value.lapsDone === 'number'
  );
}

/** True when `value` is a well-formed {@link CortexToComms} message. */
export function isCortexToComms(value: unknown): value is CortexToComms {
  if (isRecord(value) && value.t === 'cortex-mesh') return isOwnMeshState(value.state) && isOwnClaim(value.claim);
  if (isRecord(value) && value.t === 'cortex-hazard') return isOwnHazard(value.hazard);
  if (isRecord(value) && value.t === 'cortex-navigation') return isNavigationStatus(value.navigation);
  if (isRecord(value) && value.t === 'cortex-map') return isOccupancyGridMessage(value.map);
  if (isRecord(value) && value.t === 'cortex-missions')
    return Array.isArray(value.missions) && value.missions.every(isMissionView);
  if (isRecord(value) && value.t === 'mission-result') {
    return (
      Number.isInteger(value.id) &&
      typeof value.accepted === 'boolean' &&
      VERDICTS.has(value.verdict) &&
      typeof value.reason === 'string'
    );
  }
  if (!isRecord(value) || value.t !== 'cortex-status' || !isRecord(value.status)) return false;
  const s = value.status;
  return (
    (s.pose === null || isPose2D(s.pose)) &&
    typeof s.missionKind === 'string' &&
    typeof s.missionState === 'string' &&
    (s.missionId === null || typeof s.missionId === 'string') &&
    (s.progress === null || typeof s.progress === 'number') &&
    (s.etaS === null || typeof s.etaS === 'number') &&
    (s.goalDistanceM === null || typeof s.goalDistanceM === 'number')
  );
}
