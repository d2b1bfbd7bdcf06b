import createDebug from 'debug';
import type { RuntimeEvent } from '../../messages/runtime-event.js';
import type { EventPages } from '../debug-port/event-store.js';
import type { Ledger, LedgerInput } from './ledger.js';
import type { LedgerSettings } from './ledger-settings.js';
import { HeldEvents, type HeldEvent } from './held-events.js';

const log = createDebug('spinal:comms:ledger');

/** How often droppable events past their age are looked for, ms of wall time. */
const EXPIRE_PERIOD_MS = 60_000;
/** How often the disk is looked at again while events wait in memory for room, ms of wall time. */
const HELD_RETRY_PERIOD_MS = 1_000;

/** What one commit reported: each request's sequence or why it was refused, and the ledger's own events. */
export interface CommitReport {
  committed: Array<{ id: number; seq: number }>;
  refused: Array<{ id: number; reason: string }>;
  /** Every event committed, in sequence order (the requests' and the ledger's notices). */
  events: RuntimeEvent[];
}

/**
 * The ledger's writing side in the thread that owns it: requests are queued and committed
 * together once the thread's current burst of messages is handled (at most `maxBatch` a
 * transaction), and only then reported, each with its sequence. With the `interval` durability
 * policy it syncs the ledger every interval; it expires old events once a minute. What a full disk
 * refuses waits in memory ({@link HeldEvents}, bounded) and is written, before anything newer, as
 * soon as the disk has room again: it is reported committed then, with its sequence.
 */
export class LedgerWriter implements EventPages {
  private queue: HeldEvent[] = [];
  private scheduled = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly held = new HeldEvents();

  constructor(
    readonly ledger: Ledger,
    private readonly settings: Pick<LedgerSettings, 'durability' | 'maxBatch'>,
    private readonly report: (report: CommitReport) => void,
    /** The robot's clock, microseconds: stamps the ledger's own notices when no event is being written. */
    private readonly nowUs: () => number = () => 0,
  ) {
    if (settings.durability.kind === 'interval') {
      this.timers.push(setInterval(() => ledger.sync(), settings.durability.intervalMs).unref());
    }
    this.timers.push(setInterval(() => ledger.expire(), EXPIRE_PERIOD_MS).unref());
    this.timers.push(setInterval(() => this.held.size > 0 && this.flush(), HELD_RETRY_PERIOD_MS).unref());
  }

  /** Events waiting in memory for room on the disk, and those that had to go from memory (lost). */
  heldStats(): { held: number; lost: number } {
    return { held: this.held.size, lost: this.held.lost };
  }

  /** Queues one event; `id` is the requester's, repeated in the report. */
  submit(id: number, input: LedgerInput): void {
    this.queue.push({ id, input });
    if (this.queue.length >= this.settings.maxBatch) {
      this.flush();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * Commits events of this thread's own (no requester waits for them) at once, after what is
   * queued, and reports them like any other commit.
   */
  appendOwn(inputs: readonly LedgerInput[]): void {
    this.flush();
    if (inputs.length === 0) return;
    this.commitBatch(inputs.map((input) => ({ id: null, input })));
  }

  /** Commits everything queued, batch by batch, reporting each batch once it is committed. */
  flush(): void {
    this.scheduled = false;
    if (this.held.size > 0) this.takeBackHeld();
    while (this.queue.length > 0) this.commitBatch(this.queue.splice(0, this.settings.maxBatch));
  }

  /** Once the disk has room again (the ledger looks when asked to write), the held events go first in the queue. */
  private takeBackHeld(): void {
    if (this.ledger.keepsSafetyOnly) this.commitBatch([]);
    if (this.ledger.keepsSafetyOnly) return;
    const held = this.held.takeAll();
    log('the disk has room again: %d held events written', held.length);
    this.queue = [...held, ...this.queue];
  }

  /** Commits one batch and reports it; what the full disk refused is held, not reported refused. */
  private commitBatch(batch: HeldEvent[]): void {
    const outcome = this.ledger.append(
      batch.map((entry) => entry.input),
      this.nowUs(),
    );
    const report: CommitReport = { committed: [], refused: [], events: [...outcome.notices] };
    outcome.results.forEach((result, i) => {
      const entry = batch[i]!;
      if (result.ok) {
        if (entry.id !== null) report.committed.push({ id: entry.id, seq: result.event.seq });
        report.events.push(result.event);
      } else if (result.diskFull) {
        this.held.hold(entry);
      } else if (entry.id !== null) {
        report.refused.push({ id: entry.id, reason: result.reason });
      } else {
        log('own event not written: %s', result.reason);
      }
    });
    report.events.sort((a, b) => a.seq - b.seq);
    if (batch.length > 0 || report.events.length > 0) this.report(report);
  }

  since(after: number, limit: number): { events: RuntimeEvent[]; firstSeq: number | null; lastSeq: number | null } {
    const last = this.ledger.lastSeq();
    return { events: this.ledger.since(after, limit), firstSeq: this.ledger.firstSeq(), lastSeq: last || null };
  }

  /** Commits what is queued, syncs and closes the ledger. */
  close(): void {
    for (const timer of this.timers) clearInterval(timer);
    try {
      this.flush();
      this.ledger.sync();
    } catch (error) {
      log('closing the ledger: %s', String(error));
    }
    this.ledger.close();
  }
}
