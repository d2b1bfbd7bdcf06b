import { isPose2D, type Pose2D } from './geometry.js';
import type { MissionState } from './mission.js';

/**
 * Messages on the channel between the cortex and the comms worker threads, which the main thread
 * (the reflex's) never sees: mission progress now; maps, paths, peer state and missions as they
 * come. Plain objects tagged by `t`; each side checks what it receives with the guard below and
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

export type CortexToComms = CortexStatusMessage;

/** Comms → cortex: nothing yet (missions from the debug port and the uplink will come this way). */
export type CommsToCortex = never;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** True when `value` is a well-formed {@link CortexToComms} message. */
export function isCortexToComms(value: unknown): value is CortexToComms {
  if (!isRecord(value) || value.t !== 'cortex-status' || !isRecord(value.status)) return false;
  const s = value.status;
  return (
    (s.pose === null || isPose2D(s.pose)) &&
    typeof s.missionKind === 'string' &&
    typeof s.missionState === 'string' &&
    (s.goalDistanceM === null || typeof s.goalDistanceM === 'number')
  );
}
