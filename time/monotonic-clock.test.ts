import { describe, expect, it } from 'vitest';
import { MonotonicClock, type TimerHost } from './monotonic-clock.js';

interface PendingTimer {
  id: number;
  fn: () => void;
  /** When the fake fires it, ms: the requested delay plus the error it is told to make. */
  atMs: number;
}

/**
 * Timers that fire when told, with the errors Node's make: `errorMs` is added to each requested
 * delay (negative: fires early, as Node may by up to 1 ms; positive: a busy thread fires late).
 */
class FakeTimers implements TimerHost {
  now = 0;
  errorMs = 0;
  private nextId = 1;
  private pending: PendingTimer[] = [];

  nowMs(): number {
    return this.now;
  }

  setTimeout(fn: () => void, delayMs: number): unknown {
    const timer = { id: this.nextId++, fn, atMs: this.now + Math.max(0, delayMs + this.errorMs) };
    this.pending.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((t) => t.id !== handle);
  }

  /** Moves time to `targetMs`, firing each timer at its (possibly wrong) time, in order. */
  runUntil(targetMs: number): void {
    for (;;) {
      const next = this.pending.reduce<PendingTimer | undefined>((a, t) => (!a || t.atMs < a.atMs ? t : a), undefined);
      if (!next || next.atMs > targetMs) break;
      this.pending = this.pending.filter((t) => t !== next);
      this.now = Math.max(this.now, next.atMs);
      next.fn();
    }
    this.now = Math.max(this.now, targetMs);
  }

  pendingCount(): number {
    return this.pending.length;
  }
}

/** Starts `every(periodMs)` at time 0 and records the fake time of each call. */
function periodic(timers: FakeTimers, periodMs: number): { calls: number[]; cancel: () => void } {
  const calls: number[] = [];
  const cancel = new MonotonicClock(timers).every(periodMs * 1_000, () => calls.push(timers.now));
  return { calls, cancel };
}

describe('MonotonicClock.every', () => {
  it('does not drift when every timer fires late', () => {
    // GIVEN timers that each fire 0.4 ms late (a setInterval would slip 0.4 ms per period)
    const timers = new FakeTimers();
    timers.errorMs = 0.4;
    const { calls } = periodic(timers, 10);
    // WHEN a second passes
    timers.runUntil(1_002);
    // THEN there were 100 calls and the last is still within the same 1.4 ms of its due time as the first
    expect(calls).toHaveLength(100);
    expect((calls.at(-1) ?? 0) - 1_000).toBeLessThan(1.4 + 1e-9);
    calls.forEach((atMs, k) => expect(atMs).toBeGreaterThanOrEqual((k + 1) * 10));
  });

  it('puts off a timer that fires early until the call is due', () => {
    // GIVEN timers that fire 0.9 ms early, as Node's may
    const timers = new FakeTimers();
    timers.errorMs = -0.9;
    const { calls } = periodic(timers, 2);
    // WHEN 100 ms pass
    timers.runUntil(100.5);
    // THEN no call came before its due time, and none was lost
    expect(calls).toHaveLength(50);
    calls.forEach((atMs, k) => expect(atMs).toBeGreaterThanOrEqual((k + 1) * 2));
  });

  it('is back on its schedule after a call less than a period late', () => {
    // GIVEN a 10 ms period, on time for 50 ms
    const timers = new FakeTimers();
    const { calls } = periodic(timers, 10);
    timers.runUntil(50);
    expect(calls).toEqual([10, 20, 30, 40, 50]);
    // WHEN the thread is blocked from 50 to 67 ms (the call due at 60 cannot be made meanwhile)
    timers.now = 67;
    timers.runUntil(100);
    // THEN that call comes at 67 ms and the next ones at 70, 80, ... as before
    expect(calls.slice(5)).toEqual([67, 70, 80, 90, 100]);
  });

  it('drops the calls missed during a longer stall and starts again from the late call', () => {
    // GIVEN a 10 ms period, on time for 50 ms
    const timers = new FakeTimers();
    const { calls } = periodic(timers, 10);
    timers.runUntil(50);
    // WHEN the thread is blocked from 50 to 85 ms (the calls due at 60, 70 and 80 cannot be made)
    timers.now = 85;
    timers.runUntil(110);
    // THEN one call is made at 85 ms, not three, and the schedule goes on from there
    expect(calls.slice(5)).toEqual([85, 95, 105]);
  });

  it('stops when cancelled from inside a call', () => {
    // GIVEN a 10 ms period whose third call cancels it
    const timers = new FakeTimers();
    const clock = new MonotonicClock(timers);
    const calls: number[] = [];
    const cancel = clock.every(10_000, () => {
      calls.push(timers.now);
      if (calls.length === 3) cancel();
    });
    // WHEN 100 ms pass
    timers.runUntil(100);
    // THEN only three calls were made and no timer is left behind
    expect(calls).toEqual([10, 20, 30]);
    expect(timers.pendingCount()).toBe(0);
  });

  it('refuses a period that is not positive', () => {
    expect(() => new MonotonicClock(new FakeTimers()).every(0, () => undefined)).toThrow(RangeError);
  });
});

describe('MonotonicClock with Node timers', () => {
  it('calls every period, never before the call is due', async () => {
    const clock = new MonotonicClock();
    const startUs = clock.nowUs();
    const callsUs: number[] = [];
    const cancel = clock.every(2_000, () => callsUs.push(clock.nowUs()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    cancel();
    const count = callsUs.length;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(count).toBeGreaterThan(5);
    expect(callsUs).toHaveLength(count);
    callsUs.forEach((atUs, k) => expect(atUs).toBeGreaterThanOrEqual(startUs + (k + 1) * 2_000 - 1));
  });

  it('reads the same time origin as performance.timeOrigin', () => {
    const expectedUs = (performance.timeOrigin + performance.now()) * 1_000;
    expect(Math.abs(new MonotonicClock().nowUs() - expectedUs)).toBeLessThan(50_000);
  });
});
