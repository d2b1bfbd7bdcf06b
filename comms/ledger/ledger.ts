import { statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import createDebug from 'debug';
import type { RuntimeEvent, RuntimeEventBody } from '../../messages/runtime-event.js';
import { migrate } from './ledger-schema.js';
import type { LedgerSettings } from './ledger-settings.js';
import { DiskReserve } from './disk-reserve.js';
import { DISK_FULL_CLASSES, priorityClassOf, type PriorityClass } from './priority-class.js';
import { dropOlderThan, freeBytes } from './retention.js';
import { isDiskFull, openSqlite, type SqliteDatabase, type SqliteStatement } from './sqlite-driver.js';

const log = createDebug('spinal:comms:ledger');

/** An event to be written: its body and when it happened (robot clock, microseconds). */
export interface LedgerInput {
  body: RuntimeEventBody;
  atUs: number;
}

/** What became of one {@link Ledger.append}: the committed events (numbered), in input order, and those refused. */
export interface AppendOutcome {
  /** Per input, its committed event or the reason it was not written. */
  results: Array<{ ok: true; event: RuntimeEvent } | { ok: false; reason: string; diskFull?: true }>;
  /** Events the ledger wrote about itself in the same commit (a full disk, a cap it cannot meet). */
  notices: RuntimeEvent[];
}

/** A committed event as stored: the event plus when it was written (wall time) and in which boot. */
export interface LedgerRow {
  event: RuntimeEvent;
  wallMs: number;
  bootId: string;
}

/** The ledger's counters for status and `/metrics`. */
export interface LedgerStats {
  lastSeq: number;
  events: number;
  payloadBytes: number;
  diskFull: boolean;
  refused: number;
  dropped: number;
}

/** Retention's size target once over the cap: a little under it, so that not every commit trims. */
const TRIM_TARGET = 0.9;
/** Payload freed at least when the disk fills up, and twice the room the file system must have again to leave that state, bytes. */
const MIN_ROOM_BYTES = 64 * 1024;
/**
 * SQLite's page cache for the ledger's connection, KiB. The ledger appends and reads forward, so a
 * large cache buys little; better-sqlite3 raises SQLite's 2 MB default to 16 MB per connection, and
 * on a robot that is memory held for nothing.
 */
const PAGE_CACHE_KIB = 2_000;
const DISK_FULL_REASON = 'disk full: only safety events are kept';

/** What the ledger asks of its surroundings (wall time, free disk space); tests give their own. */
export interface LedgerEnvironment {
  nowWallMs(): number;
  /** Bytes free for the ledger's file system. */
  freeDiskBytes(): number;
  /**
   * Whether the disk refuses every write now, as ENOSPC would (a simulated full disk); left out,
   * the ledger learns of a full disk only from SQLite's SQLITE_FULL.
   */
  refusesWrites?(): boolean;
  /**
   * Called inside each transaction after its rows are written and before it commits, with the
   * last sequence written (the power-loss fault's hook, `power-loss-hook.ts`); left out: nothing.
   */
  beforeCommit?(lastSeq: number): void;
}

function realEnvironment(path: string): LedgerEnvironment {
  return {
    nowWallMs: Date.now,
    freeDiskBytes: () => {
      if (path === ':memory:') return Number.POSITIVE_INFINITY;
      const fs = statfsSync(dirname(resolve(path)));
      return fs.bavail * fs.bsize;
    },
  };
}

/**
 * The durable, append-only event ledger (SQLite in WAL mode). It assigns the sequence numbers
 * (`AUTOINCREMENT`, so never reused and monotonic across restarts, whatever retention dropped),
 * commits each batch in one transaction and only then reports it; retention and a full disk drop
 * by priority class. Owned by one thread: the comms worker (see `ledger-writer.ts`).
 */
export class Ledger {
  private readonly insert: SqliteStatement;
  private readonly selectSince: SqliteStatement;
  private readonly reserve: DiskReserve;
  private payloadBytes: number;
  private diskFull = false;
  private overCap = false;
  private refused = 0;
  private dropped = 0;

  private constructor(
    readonly db: SqliteDatabase,
    private readonly settings: LedgerSettings,
    readonly bootId: string,
    private readonly env: LedgerEnvironment,
  ) {
    migrate(db);
    db.prepare('INSERT OR IGNORE INTO boots (boot_id, started_wall_ms) VALUES (?, ?)').run(bootId, env.nowWallMs());
    this.insert = db.prepare(
      'INSERT INTO events (at_us, wall_ms, boot_id, kind, class, bytes, payload) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectSince = rowsSinceStatement(db);
    const sum = db.prepare('SELECT COALESCE(SUM(bytes), 0) AS b FROM events').get() as { b: number };
    this.payloadBytes = sum.b;
    this.reserve = new DiskReserve(settings.path, settings.reserveBytes);
  }

  /** Opens (creating and migrating) the ledger; `bootId` names this start of the runtime. */
  static open(settings: LedgerSettings, bootId: string, env: Partial<LedgerEnvironment> = {}): Ledger {
    const db = openSqlite(settings.path);
    db.pragma('journal_mode = WAL');
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    db.pragma(`synchronous = ${settings.durability.kind === 'batch' ? 'FULL' : 'NORMAL'}`);
    return new Ledger(db, settings, bootId, { ...realEnvironment(settings.path), ...env });
  }

  /**
   * Writes `inputs` in one transaction and returns them numbered. When the disk is full, only the
   * safety events are written (with a `disk-full` notice when it fills up, `disk-ok` once the file
   * system has room again); the others are refused with the reason. Never throws for a full disk.
   * `nowUs` (robot clock) stamps those notices when `inputs` is empty.
   */
  append(inputs: readonly LedgerInput[], nowUs?: number): AppendOutcome {
    const atUs = inputs[0]?.atUs ?? nowUs ?? 0;
    const notices: LedgerInput[] = [];
    if (this.diskFull && this.env.freeDiskBytes() >= 2 * Math.max(this.settings.reserveBytes, MIN_ROOM_BYTES)) {
      this.diskFull = false;
      this.reserve.restore();
      notices.push(this.notice('disk-ok', 'there is room on the disk again', atUs));
    }
    if (this.diskFull) return this.appendSafetyOnly(inputs, []);
    if (this.env.refusesWrites?.() === true) return this.fillUp(inputs, atUs);
    try {
      const outcome = this.commit(inputs, notices);
      this.trim(atUs);
      return outcome;
    } catch (error) {
      if (!isDiskFull(error)) throw error;
      return this.fillUp(inputs, atUs);
    }
  }

  /** Whether the ledger keeps only safety events now (the disk filled up and has not had room again since). */
  get keepsSafetyOnly(): boolean {
    return this.diskFull;
  }

  /** Committed events with `seq > after`, in order, at most `limit`. */
  since(after: number, limit: number): RuntimeEvent[] {
    return this.rowsSince(after, limit).map((row) => row.event);
  }

  /** Committed rows with `seq > after`, in order, at most `limit`. */
  rowsSince(after: number, limit: number): LedgerRow[] {
    return rowsFrom(this.selectSince, after, limit);
  }

  /** Every committed event of `kind`, in order (for kinds that are few: upgrades, not telemetry). */
  eventsOfKind<K extends RuntimeEventBody['kind']>(kind: K): Array<Extract<RuntimeEvent, { kind: K }>> {
    const rows = this.db
      .prepare('SELECT seq, at_us, payload FROM events WHERE kind = ? ORDER BY seq')
      .all(kind) as Array<{
      seq: number;
      at_us: number;
      payload: string;
    }>;
    return rows.map(
      (row) =>
        ({ ...(JSON.parse(row.payload) as RuntimeEventBody), seq: row.seq, atUs: row.at_us }) as Extract<
          RuntimeEvent,
          { kind: K }
        >,
    );
  }

  lastSeq(): number {
    const row = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get() as
      { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  firstSeq(): number | null {
    const row = this.db.prepare('SELECT MIN(seq) AS seq FROM events').get() as { seq: number | null };
    return row.seq;
  }

  stats(): LedgerStats {
    const events = (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    const { payloadBytes, diskFull, refused, dropped } = this;
    return { lastSeq: this.lastSeq(), events, payloadBytes, diskFull, refused, dropped };
  }

  /** Syncs what is committed to the disk (the `interval` durability policy calls it every interval). */
  sync(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** Drops droppable events older than the age limit. */
  expire(): void {
    if (this.settings.maxAgeMs <= 0) return;
    const result = dropOlderThan(this.db, this.env.nowWallMs() - this.settings.maxAgeMs);
    this.payloadBytes -= result.freedBytes;
    this.dropped += result.dropped;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private commit(inputs: readonly LedgerInput[], notices: LedgerInput[]): AppendOutcome {
    return this.db.transaction(() => {
      const wallMs = this.env.nowWallMs();
      const written = notices.map((input) => this.write(input, wallMs));
      const results = inputs.map((input) => ({ ok: true as const, event: this.write(input, wallMs) }));
      const last = results.at(-1)?.event.seq ?? written.at(-1)?.seq;
      if (last !== undefined) this.env.beforeCommit?.(last);
      return { results, notices: written };
    })();
  }

  private write(input: LedgerInput, wallMs: number): RuntimeEvent {
    const payload = JSON.stringify(input.body);
    const bytes = Buffer.byteLength(payload);
    const cls: PriorityClass = priorityClassOf(input.body.kind);
    const info = this.insert.run(input.atUs, wallMs, this.bootId, input.body.kind, cls, bytes, payload);
    this.payloadBytes += bytes;
    return { ...input.body, seq: Number(info.lastInsertRowid), atUs: input.atUs } as RuntimeEvent;
  }

  /** The disk filled up: the reserve goes, the oldest droppable events make room, and `inputs` are written safety first. */
  private fillUp(inputs: readonly LedgerInput[], atUs: number): AppendOutcome {
    this.diskFull = true;
    this.reserve.release();
    const freed = freeBytes(this.db, Math.max(this.settings.reserveBytes, MIN_ROOM_BYTES));
    this.payloadBytes -= freed.freedBytes;
    this.dropped += freed.dropped;
    log('disk full: only safety events are kept (%d older events dropped)', freed.dropped);
    const detail = `${DISK_FULL_REASON}; ${freed.dropped} older telemetry and health events dropped`;
    return this.appendSafetyOnly(inputs, [this.notice('disk-full', detail, atUs)]);
  }

  private appendSafetyOnly(inputs: readonly LedgerInput[], notices: LedgerInput[]): AppendOutcome {
    const keep = inputs.filter((input) => DISK_FULL_CLASSES.includes(priorityClassOf(input.body.kind)));
    let written: AppendOutcome = { results: [], notices: [] };
    try {
      written = this.commit(keep, notices);
    } catch (error) {
      if (!isDiskFull(error)) throw error;
    }
    const committed = new Map(keep.map((input, i) => [input, written.results[i]]));
    const results = inputs.map(
      (input) => committed.get(input) ?? { ok: false as const, reason: DISK_FULL_REASON, diskFull: true as const },
    );
    this.refused += results.filter((result) => !result.ok).length;
    return { results, notices: written.notices };
  }

  private trim(atUs: number): void {
    if (this.payloadBytes <= this.settings.maxBytes) {
      this.overCap = false;
      return;
    }
    const result = freeBytes(this.db, this.payloadBytes - this.settings.maxBytes * TRIM_TARGET);
    this.payloadBytes -= result.freedBytes;
    this.dropped += result.dropped;
    if (this.payloadBytes > this.settings.maxBytes && !this.overCap) {
      this.overCap = true;
      const detail = `${this.payloadBytes} bytes of safety and mission events exceed the ${this.settings.maxBytes}-byte cap; they are kept`;
      this.commit([], [this.notice('over-cap', detail, atUs)]);
    }
  }

  private notice(notice: 'disk-full' | 'disk-ok' | 'over-cap', detail: string, atUs: number): LedgerInput {
    return { body: { kind: 'ledger-notice', notice, detail }, atUs };
  }
}

const ROWS_SINCE_SQL = 'SELECT seq, at_us, wall_ms, boot_id, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?';

/** A row of {@link ROWS_SINCE_SQL} as an array (`raw` mode: no object per row before the event's own). */
type RawRow = [seq: number, atUs: number, wallMs: number, bootId: string, payload: string];

/** The prepared read of rows after a sequence, for {@link rowsFrom}. */
function rowsSinceStatement(db: SqliteDatabase): SqliteStatement {
  return db.prepare(ROWS_SINCE_SQL).raw(true);
}

function rowsFrom(statement: SqliteStatement, after: number, limit: number): LedgerRow[] {
  const rows = statement.all(after, limit) as RawRow[];
  const out: LedgerRow[] = new Array<LedgerRow>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const [seq, atUs, wallMs, bootId, payload] = rows[i]!;
    const event = JSON.parse(payload) as RuntimeEvent;
    event.seq = seq;
    event.atUs = atUs;
    out[i] = { event, wallMs, bootId };
  }
  return out;
}

/** Rows with `seq > after` from any ledger database (the runtime's own or one opened read-only for export). */
export function readRows(db: SqliteDatabase, after: number, limit: number): LedgerRow[] {
  return rowsFrom(rowsSinceStatement(db), after, limit);
}
