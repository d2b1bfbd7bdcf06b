import type { LoopTiming } from '../messages/runtime-status.js';

const WINDOW = 1_000;

/** Counts loop iterations, their duration and how late each started against its schedule. */
export class LoopTimingMonitor {
  private readonly lateness = new Float64Array(WINDOW);
  private filled = 0;
  private next = 0;
  private ticks = 0;
  private lastDurationUs = 0;
  private maxDurationUs = 0;
  private deadlineMisses = 0;

  constructor(private readonly rateHz: number) {}

  /** Records one iteration: how late it started and how long it took, microseconds. */
  record(latenessUs: number, durationUs: number): void {
    this.ticks++;
    this.lateness[this.next] = latenessUs;
    this.next = (this.next + 1) % WINDOW;
    this.filled = Math.min(WINDOW, this.filled + 1);
    this.lastDurationUs = durationUs;
    this.maxDurationUs = Math.max(this.maxDurationUs, durationUs);
    if (latenessUs + durationUs > 1e6 / this.rateHz) this.deadlineMisses++;
  }

  snapshot(): LoopTiming {
    const sorted = Array.from(this.lateness.subarray(0, this.filled)).sort((a, b) => a - b);
    const p99 = sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0) : 0;
    return {
      rateHz: this.rateHz,
      ticks: this.ticks,
      lastDurationUs: Math.round(this.lastDurationUs),
      maxDurationUs: Math.round(this.maxDurationUs),
      latenessP99Us: Math.round(p99),
      deadlineMisses: this.deadlineMisses,
    };
  }
}
