import { PRIORITY_CLASSES, priorityClassOf } from './priority-class.js';
import type { LedgerInput } from './ledger.js';

/** Events held in memory at most while the disk is full (a few MB at the sizes events have). */
export const MAX_HELD_EVENTS = 10_000;

/** One event the full disk refused, with the requester's id (null: the ledger thread's own). */
export interface HeldEvent {
  id: number | null;
  input: LedgerInput;
}

/**
 * The events a full disk refused (all but the safety ones, which the disk reserve still takes),
 * kept in memory in the order they came until the disk has room, then written before anything
 * newer. Bounded: past `max`, the oldest event of the least-kept class goes (telemetry, then
 * health; mission events go last of all), each counted in {@link lost}.
 */
export class HeldEvents {
  private held: HeldEvent[] = [];
  private lostCount = 0;

  constructor(private readonly max = MAX_HELD_EVENTS) {}

  get size(): number {
    return this.held.length;
  }

  /** Events that had to go from memory because too many were held: lost for good. */
  get lost(): number {
    return this.lostCount;
  }

  hold(event: HeldEvent): void {
    this.held.push(event);
    if (this.held.length <= this.max) return;
    const byClass = [...PRIORITY_CLASSES].reverse();
    for (const cls of byClass) {
      const oldest = this.held.findIndex((e) => priorityClassOf(e.input.body.kind) === cls);
      if (oldest < 0) continue;
      this.held.splice(oldest, 1);
      this.lostCount++;
      return;
    }
  }

  /** Takes every held event out, oldest first. */
  takeAll(): HeldEvent[] {
    const out = this.held;
    this.held = [];
    return out;
  }
}
