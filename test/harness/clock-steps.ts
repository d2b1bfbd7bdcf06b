import type { VirtualClock } from '../../time/virtual-clock.js';

/**
 * Lets pending promise callbacks run: `turns` turns of the event loop (default 5), enough for a
 * driver's open/close, a bus answer, or a port-list poll to complete when nothing does real I/O.
 */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Lets `rounds` rounds of microtasks run (default 20), without giving the event loop a turn. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/**
 * Moves `clock` on to `untilUs` in steps of at most `stepUs` microseconds, running `afterStep`
 * (default {@link settle}) after each, so that what a timer starts completes before the next step.
 * Does nothing when the clock is already there.
 */
export async function runClockUntil(
  clock: VirtualClock,
  untilUs: number,
  stepUs: number,
  afterStep: () => Promise<void> = settle,
): Promise<void> {
  while (clock.nowUs() < untilUs) {
    clock.advanceTo(Math.min(untilUs, clock.nowUs() + stepUs));
    await afterStep();
  }
}

/** {@link runClockUntil} for `forUs` microseconds from now. */
export function runClockFor(
  clock: VirtualClock,
  forUs: number,
  stepUs: number,
  afterStep: () => Promise<void> = settle,
): Promise<void> {
  return runClockUntil(clock, clock.nowUs() + forUs, stepUs, afterStep);
}
