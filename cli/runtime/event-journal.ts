import createDebug from 'debug';
import type { CommittedMessage } from '../../comms/comms-thread-protocol.js';
import type { RuntimeEvent, RuntimeEventBody } from '../../messages/runtime-event.js';
import type { ReflexTrip } from '../../reflex/reflex-loop.js';
import type { Clock } from '../../time/clock.js';

const log = createDebug('spinal:runtime:journal');

/** Trips kept in memory (each carries its 2 s black box), newest last. */
const MAX_TRIPS_IN_MEMORY = 1_000;

/** Where the journal sends what it records: the ledger's thread, which answers with {@link EventJournal.committed}. */
export type RecordSink = (id: number, body: RuntimeEventBody, atUs: number) => void;

/**
 * What happened on the robot, in order: every event stamped on the runtime clock and sent to the
 * ledger (in the comms thread), which numbers and commits it; once committed it is told to
 * whoever listens, with its sequence. Also the reflex's trips with their black boxes.
 */
export class EventJournal {
  readonly trips: ReflexTrip[] = [];
  private readonly listeners: Array<(event: RuntimeEvent) => void> = [];
  private nextId = 1;
  private refusedCount = 0;

  constructor(
    private readonly clock: Clock,
    private readonly sink: RecordSink,
  ) {}

  /** Called with every committed event, in sequence order. */
  onEvent(listener: (event: RuntimeEvent) => void): void {
    this.listeners.push(listener);
  }

  record(body: RuntimeEventBody): void {
    this.sink(this.nextId++, body, this.clock.nowUs());
  }

  /** The ledger's report of a commit. */
  committed(message: CommittedMessage): void {
    for (const event of message.events) for (const listener of this.listeners) listener(event);
    this.refusedCount += message.refused.length;
    for (const refused of message.refused) log('event %d not written: %s', refused.id, refused.reason);
  }

  /** Events the ledger refused so far (a full disk keeps only safety events). */
  get refused(): number {
    return this.refusedCount;
  }

  /** A reflex trip: kept with its black box, and recorded as a `reflex-trip` event. */
  recordTrip(trip: ReflexTrip): void {
    this.trips.push(trip);
    if (this.trips.length > MAX_TRIPS_IN_MEMORY) this.trips.splice(0, this.trips.length - MAX_TRIPS_IN_MEMORY);
    this.record({ kind: 'reflex-trip', rule: trip.rule, reason: trip.reason, blackBox: trip.blackBox ?? [] });
  }
}
