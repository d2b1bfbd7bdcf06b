import type { RetentionResult } from './retention.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-driver.js';

/**
 * What the ledger records of the robot's telemetry, one topic per kind of row (payloads in
 * `telemetry-payloads.ts`): the pose with its quality and the motion, lidar revolutions, the planned
 * path, the reflex's state, the footprint (once a boot) and the occupancy grid.
 */
export const TELEMETRY_TOPICS = ['pose', 'scan', 'path', 'reflex', 'footprint', 'map'] as const;
export type TelemetryTopic = (typeof TELEMETRY_TOPICS)[number];

/** A row to record: its topic, when it was sampled (robot clock and wall time) and its encoded payload. */
export interface TelemetryInput {
  topic: TelemetryTopic;
  atUs: number;
  wallMs: number;
  payload: Uint8Array;
}

/** A recorded row as read back, with its id (the order rows were written in) and boot; `topic` as stored. */
export interface TelemetryRow {
  id: number;
  bootId: string;
  topic: string;
  atUs: number;
  wallMs: number;
  payload: Uint8Array;
}

/** Rows looked at per step while over the cap or freeing room. */
const DROP_STEP = 1_000;

/**
 * The ledger's `telemetry` table: the lowest of everything the ledger keeps. Its rows are bounded
 * by their own size and age caps and are the first thing dropped when the disk fills up; they are
 * never numbered and never sent over the uplink. Writes happen in the caller's transaction.
 */
export class TelemetryTable {
  private readonly insertRow: SqliteStatement;
  private readonly oldestStep: SqliteStatement;
  private readonly dropThrough: SqliteStatement;

  constructor(private readonly db: SqliteDatabase) {
    this.insertRow = db.prepare(
      'INSERT INTO telemetry (at_us, wall_ms, boot_id, topic, bytes, payload) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.oldestStep = db.prepare('SELECT id, bytes FROM telemetry ORDER BY id LIMIT ?').raw(true);
    this.dropThrough = db.prepare('DELETE FROM telemetry WHERE id <= ?');
  }

  /** Inserts `rows` (inside the caller's transaction); returns their payload bytes. */
  insert(rows: readonly TelemetryInput[], bootId: string): number {
    let bytes = 0;
    for (const row of rows) {
      const payload = Buffer.from(row.payload.buffer, row.payload.byteOffset, row.payload.byteLength);
      this.insertRow.run(Math.round(row.atUs), Math.round(row.wallMs), bootId, row.topic, payload.length, payload);
      bytes += payload.length;
    }
    return bytes;
  }

  /** Payload bytes held. */
  bytes(): number {
    return (this.db.prepare('SELECT COALESCE(SUM(bytes), 0) AS b FROM telemetry').get() as { b: number }).b;
  }

  /** Rows held. */
  rows(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM telemetry').get() as { n: number }).n;
  }

  /** Drops the oldest rows until at least `needBytes` of payload are freed (or none are left); no more than that. */
  dropOldest(needBytes: number): RetentionResult {
    const total: RetentionResult = { freedBytes: 0, dropped: 0 };
    while (total.freedBytes < needBytes) {
      const window = this.oldestStep.all(DROP_STEP) as Array<[id: number, bytes: number]>;
      if (window.length === 0) break;
      let lastId = 0;
      for (const [id, bytes] of window) {
        lastId = id;
        total.freedBytes += bytes;
        total.dropped += 1;
        if (total.freedBytes >= needBytes) break;
      }
      this.dropThrough.run(lastId);
    }
    return total;
  }

  /** Drops the rows sampled (wall time) before `beforeWallMs`. */
  dropOlderThan(beforeWallMs: number): RetentionResult {
    const rows = this.db.prepare('DELETE FROM telemetry WHERE wall_ms < ? RETURNING bytes').all(beforeWallMs) as Array<{
      bytes: number;
    }>;
    let freedBytes = 0;
    for (const row of rows) freedBytes += row.bytes;
    return { freedBytes, dropped: rows.length };
  }
}

/** True when `db` has a telemetry table (a ledger written by an older runtime has none). */
export function hasTelemetryTable(db: SqliteDatabase): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'telemetry'").get() !== undefined;
}

type RawTelemetryRow = [id: number, atUs: number, wallMs: number, bootId: string, topic: string, payload: Buffer];

/**
 * Rows with `id > after`, in the order they were written, at most `limit`, from any ledger
 * database (the runtime's own or one opened read-only for export); none from a ledger without the
 * table.
 */
export function readTelemetry(db: SqliteDatabase, after: number, limit: number): TelemetryRow[] {
  if (!hasTelemetryTable(db)) return [];
  const rows = db
    .prepare('SELECT id, at_us, wall_ms, boot_id, topic, payload FROM telemetry WHERE id > ? ORDER BY id LIMIT ?')
    .raw(true)
    .all(after, limit) as RawTelemetryRow[];
  return rows.map(([id, atUs, wallMs, bootId, topic, payload]) => ({ id, atUs, wallMs, bootId, topic, payload }));
}
