import type { Cancel, Clock } from './clock.js';

interface Timer {
  id: number;
  dueUs: number;
  periodUs: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Time that moves only when told to. The simulator advances it in lock step with the world, and
 * tests advance it by hand (`clock.advanceBy(6_000_000)`). Timers fire in due order, each seeing
 * `nowUs()` equal to its own due time, so behaviour does not depend on how big the step was.
 */
export class VirtualClock implements Clock {
  private now: number;
  private nextId = 1;
  private timers: Timer[] = [];
  private firing = false;

  constructor(startUs = 0) {
    this.now = startUs;
  }

  nowUs(): number {
    return this.now;
  }

  every(periodUs: number, fn: () => void): Cancel {
    if (!(periodUs > 0)) throw new RangeError(`every(): periodUs must be > 0, got ${periodUs}`);
    return this.schedule(this.nowUs() + periodUs, periodUs, fn);
  }

  after(delayUs: number, fn: () => void): Cancel {
    return this.schedule(this.nowUs() + Math.max(0, delayUs), 0, fn);
  }

  /** The due time of the earliest pending timer, or `Infinity` when none is pending. */
  nextDueUs(): number {
    let next = Infinity;
    for (const timer of this.timers) if (!timer.cancelled && timer.dueUs < next) next = timer.dueUs;
    return next;
  }

  /** Moves time forward to `targetUs`, firing every timer due on the way. Never moves backwards. */
  advanceTo(targetUs: number): void {
    this.firing = true;
    try {
      for (;;) {
        const timer = this.earliestDue(targetUs);
        if (!timer) break;
        this.now = Math.max(this.now, timer.dueUs);
        if (timer.periodUs > 0) timer.dueUs += timer.periodUs;
        else timer.cancelled = true;
        timer.fn();
      }
    } finally {
      this.firing = false;
    }
    this.timers = this.timers.filter((t) => !t.cancelled);
    if (targetUs > this.now) this.now = targetUs;
    this.timersChanged();
  }

  /** Whether a timer is running now (from {@link advanceTo}). */
  protected isFiring(): boolean {
    return this.firing;
  }

  /** Called after the pending timers changed (one scheduled, or some fired). */
  protected timersChanged(): void {}

  advanceBy(deltaUs: number): void {
    this.advanceTo(this.now + deltaUs);
  }

  private earliestDue(limitUs: number): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.timers) {
      if (timer.cancelled || timer.dueUs > limitUs) continue;
      if (!best || timer.dueUs < best.dueUs || (timer.dueUs === best.dueUs && timer.id < best.id)) best = timer;
    }
    return best;
  }

  private schedule(dueUs: number, periodUs: number, fn: () => void): Cancel {
    const timer: Timer = { id: this.nextId++, dueUs, periodUs, fn, cancelled: false };
    this.timers.push(timer);
    this.timersChanged();
    return () => {
      if (timer.cancelled) return;
      timer.cancelled = true;
      this.timersChanged();
    };
  }
}
