import { setPriority } from 'node:os';

/**
 * Planner and comms threads run at a lower scheduling priority than the main thread (on Linux a
 * thread's nice value is its own): under CPU contention the reflex is served first.
 */
const BACKGROUND_NICE = 10;

/** Lowers the calling thread's priority to {@link BACKGROUND_NICE}; where that is not permitted it stays as it is. */
export function lowerThreadPriority(): void {
  try {
    setPriority(BACKGROUND_NICE);
  } catch {
    // Not permitted here (some containers): the thread runs at the default priority.
  }
}
