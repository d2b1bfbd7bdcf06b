import type { Cancel, Clock } from '../../time/clock.js';

/**
 * A clock that passes everything to `inner` and, for each periodic callback, records how late it
 * started against its schedule, read on `performance.now()`. The schedule is the one the reflex
 * loop and `MonotonicClock` keep: each call is due a period after the one before, and after
 * a call more than a whole period late the missed calls are dropped (counted here) and the
 * schedule starts again from that call. Every call is kept (the reflex's own monitor keeps the
 * last 1000).
 */
export class LatenessRecordingClock implements Clock {
  private readonly samplesMs: number[] = [];
  private dropped = 0;
  private recording = true;

  constructor(private readonly inner: Clock) {}

  nowUs(): number {
    return this.inner.nowUs();
  }

  every(periodUs: number, fn: () => void): Cancel {
    const periodMs = periodUs / 1_000;
    let dueMs = performance.now() + periodMs;
    return this.inner.every(periodUs, () => {
      const nowMs = performance.now();
      if (this.recording) this.samplesMs.push(nowMs - dueMs);
      dueMs += periodMs;
      if (dueMs < nowMs) {
        if (this.recording) this.dropped += Math.floor((nowMs - dueMs) / periodMs) + 1;
        dueMs = nowMs + periodMs;
      }
      fn();
    });
  }

  after(delayUs: number, fn: () => void): Cancel {
    return this.inner.after(delayUs, fn);
  }

  /** Lateness of every periodic call recorded so far, milliseconds (negative: it came early). */
  latenessMs(): readonly number[] {
    return this.samplesMs;
  }

  /** Calls dropped because the thread was blocked for more than a period. */
  droppedCalls(): number {
    return this.dropped;
  }

  /** Stops recording (the calls themselves go on). */
  stopRecording(): void {
    this.recording = false;
  }
}
