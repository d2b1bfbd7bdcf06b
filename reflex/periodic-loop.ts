import type { Cancel, Clock } from '../time/clock.js';
import { LoopTimingMonitor } from './loop-timing.js';

/** Deadline misses count for this long, microseconds (the `loop-overrun` rule looks at the last second). */
const MISS_WINDOW_US = 1_000_000;

/**
 * The reflex's periodic evaluation: runs an iteration at the loop rate against a fixed schedule,
 * measures how late each starts and how long it takes, and keeps the recent deadline misses. A
 * loop that fell far behind starts again from now rather than racing to catch up.
 */
export class PeriodicLoop {
  readonly timing: LoopTimingMonitor;
  private readonly periodUs: number;
  private readonly missTimesUs: number[] = [];
  private nextTickUs = 0;
  private cancel: Cancel | null = null;

  constructor(
    private readonly clock: Clock,
    rateHz: number,
    /** Real elapsed time for measuring iteration cost, milliseconds. */
    private readonly elapsedMs: () => number,
  ) {
    this.periodUs = 1e6 / rateHz;
    this.timing = new LoopTimingMonitor(rateHz);
  }

  /** Starts calling `iteration` (timed) and then `after` (not timed) once a period. */
  start(iteration: () => void, after: (nowUs: number) => void): void {
    const { clock, periodUs } = this;
    this.nextTickUs = clock.nowUs() + periodUs;
    this.cancel = clock.every(periodUs, () => {
      const startMs = this.elapsedMs();
      const nowUs = clock.nowUs();
      const latenessUs = Math.max(0, nowUs - this.nextTickUs);
      this.nextTickUs += periodUs;
      if (this.nextTickUs < nowUs) this.nextTickUs = nowUs + periodUs;
      iteration();
      const durationUs = (this.elapsedMs() - startMs) * 1_000;
      this.timing.record(latenessUs, durationUs);
      if (latenessUs + durationUs > periodUs) this.missTimesUs.push(nowUs);
      after(nowUs);
    });
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }

  /** Deadline misses within the last second before `nowUs`. */
  recentMisses(nowUs: number): number {
    while (this.missTimesUs.length > 0 && nowUs - this.missTimesUs[0]! > MISS_WINDOW_US) this.missTimesUs.shift();
    return this.missTimesUs.length;
  }
}
