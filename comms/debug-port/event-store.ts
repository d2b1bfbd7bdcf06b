import type { RuntimeEvent } from '../../messages/runtime-event.js';

/** Events kept for the debug port (the ledger keeps them all; this is the recent window; a trip carries a 2 s black box, so it stays small). */
const DEFAULT_CAPACITY = 1_000;

/** The most recent runtime events, in sequence order, for `GET /api/v1/events?since=SEQ`. */
export class EventStore {
  private readonly events: RuntimeEvent[] = [];

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  add(event: RuntimeEvent): void {
    const last = this.events.at(-1);
    if (last && event.seq <= last.seq) return;
    this.events.push(event);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
  }

  /** Events with `seq > since`, at most `limit`; `firstSeq` says whether older ones were dropped. */
  since(since: number, limit: number): { events: RuntimeEvent[]; firstSeq: number | null; lastSeq: number | null } {
    const events = this.events.filter((e) => e.seq > since).slice(0, limit);
    return { events, firstSeq: this.events[0]?.seq ?? null, lastSeq: this.events.at(-1)?.seq ?? null };
  }
}
