/**
 * The one notion of time every robot-side module is given. Modules never read the wall clock
 * themselves: the real runtime passes a {@link MonotonicClock}, the simulator and the tests pass a
 * {@link VirtualClock} that they advance by hand.
 */

/** Cancels a scheduled callback; calling it twice is harmless. */
export type Cancel = () => void;

export interface Clock {
  /** Monotonic time in microseconds since an arbitrary origin (the simulator: sim start). */
  nowUs(): number;
  /** Calls `fn` every `periodUs` microseconds until cancelled. */
  every(periodUs: number, fn: () => void): Cancel;
  /** Calls `fn` once, `delayUs` microseconds from now. */
  after(delayUs: number, fn: () => void): Cancel;
}

export const US_PER_MS = 1_000;
export const US_PER_S = 1_000_000;

/** Seconds to microseconds, rounded to a whole microsecond. */
export function secondsToUs(seconds: number): number {
  return Math.round(seconds * US_PER_S);
}

/** Microseconds to seconds. */
export function usToSeconds(us: number): number {
  return us / US_PER_S;
}
