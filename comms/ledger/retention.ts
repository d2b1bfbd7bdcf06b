import type { SqliteDatabase } from './sqlite-driver.js';

/** What one retention pass removed, payload bytes and events. */
export interface RetentionResult {
  freedBytes: number;
  dropped: number;
}

/** Telemetry rows looked at per thinning step (every second one of them goes). */
const THIN_STEP = 1_000;
/** Rows dropped per step while over the cap. */
const DROP_STEP = 1_000;

function sumDeleted(rows: unknown[]): RetentionResult {
  let freedBytes = 0;
  for (const row of rows) freedBytes += (row as { bytes: number }).bytes;
  return { freedBytes, dropped: rows.length };
}

function add(a: RetentionResult, b: RetentionResult): RetentionResult {
  return { freedBytes: a.freedBytes + b.freedBytes, dropped: a.dropped + b.dropped };
}

/** Drops telemetry and health events written (wall time) before `beforeWallMs`. */
export function dropOlderThan(db: SqliteDatabase, beforeWallMs: number): RetentionResult {
  const rows = db
    .prepare("DELETE FROM events WHERE class IN ('telemetry', 'health') AND wall_ms < ? RETURNING bytes")
    .all(beforeWallMs);
  return sumDeleted(rows);
}

/** Thins the oldest telemetry not thinned yet: every second one of up to `THIN_STEP` events goes, the rest are marked thinned. */
function thinTelemetry(db: SqliteDatabase): RetentionResult {
  const window = db
    .prepare("SELECT seq FROM events WHERE class = 'telemetry' AND thinned = 0 ORDER BY seq LIMIT ?")
    .pluck()
    .all(THIN_STEP) as number[];
  if (window.length < 2) return { freedBytes: 0, dropped: 0 };
  const last = window.at(-1)!;
  const deleted = db
    .prepare(
      `DELETE FROM events WHERE seq IN (
         SELECT seq FROM (SELECT seq, ROW_NUMBER() OVER (ORDER BY seq) AS n FROM events
                          WHERE class = 'telemetry' AND thinned = 0 AND seq <= ?) WHERE n % 2 = 0)
       RETURNING bytes`,
    )
    .all(last);
  db.prepare("UPDATE events SET thinned = 1 WHERE class = 'telemetry' AND thinned = 0 AND seq <= ?").run(last);
  return sumDeleted(deleted);
}

function dropOldest(db: SqliteDatabase, priorityClass: 'telemetry' | 'health'): RetentionResult {
  const rows = db
    .prepare(
      'DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE class = ? ORDER BY seq LIMIT ?) RETURNING bytes',
    )
    .all(priorityClass, DROP_STEP);
  return sumDeleted(rows);
}

/**
 * Frees at least `needBytes` of payload, least valuable first: telemetry is thinned (every second
 * event of the oldest, until all of it has been thinned once), then dropped oldest first, then
 * device health oldest first. Safety and mission events are never touched; the result says how
 * much was freed, which may be less than asked.
 */
export function freeBytes(db: SqliteDatabase, needBytes: number): RetentionResult {
  let total: RetentionResult = { freedBytes: 0, dropped: 0 };
  const steps = [() => thinTelemetry(db), () => dropOldest(db, 'telemetry'), () => dropOldest(db, 'health')];
  for (const step of steps) {
    while (total.freedBytes < needBytes) {
      const result = step();
      total = add(total, result);
      if (result.dropped === 0) break;
    }
  }
  return total;
}
