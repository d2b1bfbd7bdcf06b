import type { Cancel, Clock } from './clock.js';

/**
 * Real time and Node timers. Used by `spinal run` on a robot. The origin is the process-wide
 * `performance.timeOrigin`, so every thread's clock reads the same time.
 */
export class MonotonicClock implements Clock {
  nowUs(): number {
    return Math.round((performance.timeOrigin + performance.now()) * 1_000);
  }

  every(periodUs: number, fn: () => void): Cancel {
    const handle = setInterval(fn, Math.max(1, periodUs / 1_000));
    return () => clearInterval(handle);
  }

  after(delayUs: number, fn: () => void): Cancel {
    const handle = setTimeout(fn, Math.max(0, delayUs / 1_000));
    return () => clearTimeout(handle);
  }
}
