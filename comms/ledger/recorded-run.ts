import { readRows, type LedgerRow } from './ledger.js';
import type { SqliteDatabase } from './sqlite-driver.js';
import { hasTelemetryTable, readTelemetry, type TelemetryRow } from './telemetry-table.js';

/** Rows read per query (a reader streams; memory stays flat whatever the ledger holds). */
const PAGE = 5_000;

/** One thing a recorded run holds, with its time on the run's timeline (microseconds since the epoch). */
export type RecordedItem =
  { kind: 'event'; row: LedgerRow; logTimeUs: number } | { kind: 'telemetry'; row: TelemetryRow; logTimeUs: number };

/** Where a boot's robot clock sits on the wall: the robot time and wall time of its first row. */
interface BootClock {
  atUs: number;
  wallMs: number;
}

/**
 * The timeline of a ledger's rows: each boot's robot clock placed on the wall at the boot's first
 * row (event or telemetry), so that within a boot every row keeps the spacing of its recorded
 * robot time (sim time under the simulator) and boots follow each other in wall time.
 */
export class RecordedTimeline {
  private constructor(private readonly boots: ReadonlyMap<string, BootClock>) {}

  static of(db: SqliteDatabase): RecordedTimeline {
    const rows = `SELECT boot_id, at_us, wall_ms FROM events${
      hasTelemetryTable(db) ? ' UNION ALL SELECT boot_id, at_us, wall_ms FROM telemetry' : ''
    }`;
    // SQLite takes the bare columns of a MIN() aggregate from the row that holds the minimum.
    const firsts = db
      .prepare(`SELECT boot_id, MIN(at_us) AS at_us, wall_ms FROM (${rows}) GROUP BY boot_id`)
      .all() as Array<{ boot_id: string; at_us: number; wall_ms: number }>;
    return new RecordedTimeline(new Map(firsts.map((r) => [r.boot_id, { atUs: r.at_us, wallMs: r.wall_ms }])));
  }

  /** A row's time on the timeline, microseconds since the epoch. */
  logTimeUs(bootId: string, atUs: number, wallMs: number): number {
    const boot = this.boots.get(bootId);
    return boot ? boot.wallMs * 1000 + (atUs - boot.atUs) : wallMs * 1000;
  }
}

function* pages<R>(read: (after: number) => R[], keyOf: (row: R) => number): Generator<R> {
  for (let after = 0; ;) {
    const rows = read(after);
    yield* rows;
    if (rows.length < PAGE) return;
    after = keyOf(rows.at(-1)!);
  }
}

/**
 * Every event and telemetry row of a ledger (its own or one opened read-only), the two merged by
 * time on the {@link RecordedTimeline}, within `[sinceUs, untilUs]`; read page by page.
 */
export function* recordedRun(
  db: SqliteDatabase,
  range: { sinceUs?: number; untilUs?: number } = {},
): Generator<RecordedItem> {
  const timeline = RecordedTimeline.of(db);
  const events = pages(
    (after) => readRows(db, after, PAGE),
    (row) => row.event.seq,
  );
  const telemetry = pages(
    (after) => readTelemetry(db, after, PAGE),
    (row) => row.id,
  );
  const nextEvent = (): RecordedItem | null => {
    const next = events.next();
    if (next.done) return null;
    const { bootId, event, wallMs } = next.value;
    return { kind: 'event', row: next.value, logTimeUs: timeline.logTimeUs(bootId, event.atUs, wallMs) };
  };
  const nextTelemetry = (): RecordedItem | null => {
    const next = telemetry.next();
    if (next.done) return null;
    const { bootId, atUs, wallMs } = next.value;
    return { kind: 'telemetry', row: next.value, logTimeUs: timeline.logTimeUs(bootId, atUs, wallMs) };
  };
  const since = range.sinceUs ?? Number.NEGATIVE_INFINITY;
  const until = range.untilUs ?? Number.POSITIVE_INFINITY;
  let event = nextEvent();
  let row = nextTelemetry();
  while (event || row) {
    const takeEvent = event !== null && (row === null || event.logTimeUs <= row.logTimeUs);
    const item = (takeEvent ? event : row)!;
    if (takeEvent) event = nextEvent();
    else row = nextTelemetry();
    if (item.logTimeUs >= since && item.logTimeUs <= until) yield item;
  }
}

/** Rows a ledger holds, events and telemetry (what a reader of {@link recordedRun} goes through at most). */
export function recordedRowCount(db: SqliteDatabase): number {
  const events = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  const telemetry = hasTelemetryTable(db)
    ? (db.prepare('SELECT COUNT(*) AS n FROM telemetry').get() as { n: number }).n
    : 0;
  return events + telemetry;
}
