import type { RuntimeEvent, RuntimeEventBody } from '../../messages/runtime-event.js';
import type { ReflexTrip } from '../../reflex/reflex-loop.js';
import type { Clock } from '../../time/clock.js';

/** Trips kept in memory (each carries its 2 s black box), newest last. */
const MAX_TRIPS_IN_MEMORY = 1_000;

/**
 * What happened on the robot, in order: every event numbered (monotonically from 1) and stamped on
 * the runtime clock, then told to whoever listens (the comms thread keeps the recent ones for the
 * debug port; the ledger will keep them all); and the reflex's trips with their black boxes.
 */
export class EventJournal {
  readonly trips: ReflexTrip[] = [];
  private readonly listeners: Array<(event: RuntimeEvent) => void> = [];
  private lastSeq = 0;

  constructor(private readonly clock: Clock) {}

  onEvent(listener: (event: RuntimeEvent) => void): void {
    this.listeners.push(listener);
  }

  record(body: RuntimeEventBody): RuntimeEvent {
    const event = { ...body, seq: ++this.lastSeq, atUs: this.clock.nowUs() } as RuntimeEvent;
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** A reflex trip: kept with its black box, and recorded as a `reflex-trip` event. */
  recordTrip(trip: ReflexTrip): void {
    this.trips.push(trip);
    if (this.trips.length > MAX_TRIPS_IN_MEMORY) this.trips.splice(0, this.trips.length - MAX_TRIPS_IN_MEMORY);
    this.record({ kind: 'reflex-trip', rule: trip.rule, reason: trip.reason, blackBox: trip.blackBox ?? [] });
  }
}
