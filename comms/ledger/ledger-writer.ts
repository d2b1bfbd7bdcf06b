import createDebug from 'debug';
import type { RuntimeEvent } from '../../messages/runtime-event.js';
import type { EventPages } from '../debug-port/event-store.js';
import type { AppendOutcome, Ledger, LedgerInput } from './ledger.js';
import type { LedgerSettings } from './ledger-settings.js';
import type { TelemetryInput } from './telemetry-table.js';

const log = createDebug('spinal:comms:ledger');

/** How often droppable events past their age are looked for, ms of wall time. */
const EXPIRE_PERIOD_MS = 60_000;

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
 * policy it syncs the ledger every interval; it expires old events once a minute.
 */
export class LedgerWriter implements EventPages {
  private queue: Array<{ id: number; input: LedgerInput }> = [];
  private scheduled = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    readonly ledger: Ledger,
    private readonly settings: Pick<LedgerSettings, 'durability' | 'maxBatch'>,
    private readonly report: (report: CommitReport) => void,
  ) {
    if (settings.durability.kind === 'interval') {
      this.timers.push(setInterval(() => ledger.sync(), settings.durability.intervalMs).unref());
    }
    this.timers.push(setInterval(() => ledger.expire(), EXPIRE_PERIOD_MS).unref());
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
    const outcome = this.ledger.append(inputs);
    const written = outcome.results.flatMap((result) => (result.ok ? [result.event] : []));
    for (const result of outcome.results) if (!result.ok) log('own event not written: %s', result.reason);
    const events = [...outcome.notices, ...written].sort((a, b) => a.seq - b.seq);
    this.report({ committed: [], refused: [], events });
  }

  /**
   * Records telemetry rows (one transaction for all of them); the ledger's notices (a full disk)
   * are reported like any other commit. Events queued before are committed first.
   */
  recordTelemetry(rows: readonly TelemetryInput[]): void {
    this.flush();
    const outcome = this.ledger.appendTelemetry(rows);
    if (outcome.notices.length > 0) this.report({ committed: [], refused: [], events: outcome.notices });
  }

  /** Commits everything queued, batch by batch, reporting each batch once it is committed. */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.settings.maxBatch);
      this.report(reportOf(batch, this.ledger.append(batch.map((entry) => entry.input))));
    }
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

function reportOf(batch: Array<{ id: number }>, outcome: AppendOutcome): CommitReport {
  const report: CommitReport = { committed: [], refused: [], events: [...outcome.notices] };
  outcome.results.forEach((result, i) => {
    const id = batch[i]!.id;
    if (result.ok) {
      report.committed.push({ id, seq: result.event.seq });
      report.events.push(result.event);
    } else {
      report.refused.push({ id, reason: result.reason });
    }
  });
  report.events.sort((a, b) => a.seq - b.seq);
  return report;
}
