import type { Cancel, Clock } from './clock.js';

/** The timer functions a {@link MonotonicClock} schedules with: Node's own, or a fake in tests. */
export interface TimerHost {
  /** Monotonic time, milliseconds (fractional), e.g. `performance.now()`. */
  nowMs(): number;
  setTimeout(fn: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

const nodeTimers: TimerHost = {
  nowMs: () => performance.now(),
  setTimeout: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Real time and Node timers. Used by `spinal run` on a robot. The origin is the process-wide
 * `performance.timeOrigin`, so every thread's clock reads the same time.
 *
 * `every` keeps to its schedule: the k-th call is due `period` after the one before, and each wait
 * is measured against that due time rather than from the previous call, so small delays do not
 * add up (a Node `setInterval` restarts its period from each call and drifts by a fraction of a
 * millisecond per period). Node timers count whole milliseconds of the event loop's cached time
 * and may fire up to a millisecond early; an early call is put off to its due time. A call that
 * comes more than a whole period late (the thread was blocked) is made once, the calls missed
 * meanwhile are dropped and the schedule starts again from that call: a periodic loop runs its
 * next iteration on time rather than racing through the ones it missed.
 */
export class MonotonicClock implements Clock {
  /** `timers`: what to schedule with. Default Node's `setTimeout` and `performance.now()`. */
  constructor(private readonly timers: TimerHost = nodeTimers) {}

  nowUs(): number {
    return Math.round((performance.timeOrigin + performance.now()) * 1_000);
  }

  every(periodUs: number, fn: () => void): Cancel {
    if (!(periodUs > 0)) throw new RangeError(`every(): periodUs must be > 0, got ${periodUs}`);
    const timers = this.timers;
    const periodMs = periodUs / 1_000;
    let dueMs = timers.nowMs() + periodMs;
    let cancelled = false;
    let handle: unknown;

    const arm = (): void => {
      handle = timers.setTimeout(fire, Math.max(0, Math.ceil(dueMs - timers.nowMs())));
    };
    const fire = (): void => {
      if (cancelled) return;
      const nowMs = timers.nowMs();
      if (nowMs >= dueMs) {
        dueMs = nowMs > dueMs + periodMs ? nowMs + periodMs : dueMs + periodMs;
        fn();
      }
      if (!cancelled) arm();
    };
    arm();
    return () => {
      cancelled = true;
      timers.clearTimeout(handle);
    };
  }

  after(delayUs: number, fn: () => void): Cancel {
    const handle = this.timers.setTimeout(fn, Math.max(0, delayUs / 1_000));
    return () => this.timers.clearTimeout(handle);
  }
}
