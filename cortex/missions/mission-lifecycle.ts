import type { MissionState } from '../../messages/mission.js';

/**
 * The mission state machine: which state may follow which, and what makes it. One table, read by
 * the mission board (which makes every change through {@link assertTransition}) and by the docs.
 *
 * - a new mission is `queued` (or, refused as it arrives, `failed` at once with the reason); it
 *   becomes `active` when it comes first (priority, then arrival);
 * - `active` → `held` while the reflex or a peer holds the robot, and back when released;
 * - `active` or `held` → `preempted` when a mission of higher priority arrives; a preempted one
 *   becomes `active` again (resumes where it was) once nothing of higher priority waits;
 * - `active` or `held` → `succeeded` (every point reached: a robot held at its goal is there),
 *   `active` or `held` → `failed` (no way there, or the consistency checker gave up), and
 *   anything not yet ended → `aborted` (cancelled).
 */
export const MISSION_TRANSITIONS: Readonly<Record<MissionState, readonly MissionState[]>> = Object.freeze({
  idle: ['queued', 'failed'],
  queued: ['active', 'aborted'],
  active: ['held', 'preempted', 'succeeded', 'failed', 'aborted'],
  held: ['active', 'preempted', 'succeeded', 'failed', 'aborted'],
  preempted: ['active', 'aborted'],
  succeeded: [],
  failed: [],
  aborted: [],
});

/** A change the table does not allow (a bug in the board, never caused by input). */
export class MissionTransitionError extends Error {
  constructor(from: MissionState, to: MissionState) {
    super(`a mission cannot go from ${from} to ${to}`);
    this.name = 'MissionTransitionError';
  }
}

/** True when the table lets a mission go from `from` to `to`. */
export function canTransition(from: MissionState, to: MissionState): boolean {
  return MISSION_TRANSITIONS[from].includes(to);
}

/** Throws {@link MissionTransitionError} unless the table lets a mission go from `from` to `to`. */
export function assertTransition(from: MissionState, to: MissionState): void {
  if (!canTransition(from, to)) throw new MissionTransitionError(from, to);
}
