import type { RuntimeEvent } from '../../messages/runtime-event.js';

/** Events kept (a trip carries a 2 s black box, so it stays small). */
const DEFAULT_CAPACITY = 1_000;

/** Pages of committed events for `GET /api/v1/events?since=SEQ` and the log stream's replay: the ledger's writer on the robot. */
export interface EventPages {
  /** Events with `seq > since`, at most `limit`; `firstSeq` and `lastSeq` say which are held (null: none). */
  since(since: number, limit: number): { events: RuntimeEvent[]; firstSeq: number | null; lastSeq: number | null };
}

/** The most recent runtime events in memory, in sequence order: the debug port's tests' event pages. */
export class EventStore implements EventPages {
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
