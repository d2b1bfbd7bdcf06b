import { getPriority, setPriority } from 'node:os';
import type { SchedulingPriority } from '../../messages/scheduling-priority.js';

/** The nice value the reflex asks for; the unit (scripts/install/spinal.service) starts the process at it. */
export const REFLEX_NICE = -10;

/** The calling thread's priority as it is (read on Linux per thread: pid 0 is the calling thread). */
export function currentPriority(source = 'default'): SchedulingPriority {
  const nice = getPriority(0);
  return { nice, raised: nice < 0, source: nice < 0 && source === 'default' ? 'inherited' : source };
}

/**
 * Raises the calling thread (the reflex's, the main thread) to {@link REFLEX_NICE} when it is not
 * there yet and this process may (root or CAP_SYS_NICE); otherwise leaves it. Call before the worker
 * threads start: they inherit it and lower their own.
 */
export function raiseReflexPriority(): SchedulingPriority {
  const before = getPriority(0);
  if (before <= REFLEX_NICE) return currentPriority('raised by the service');
  try {
    setPriority(0, REFLEX_NICE);
    return currentPriority('raised by spinal');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return currentPriority(`not permitted (${code}): run as the service, or grant CAP_SYS_NICE`);
  }
}
