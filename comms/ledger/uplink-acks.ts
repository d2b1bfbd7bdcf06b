import type { SqliteDatabase } from './sqlite-driver.js';

/**
 * The last event sequence each supervisor acknowledged, as far as the robot knows, kept in the
 * ledger so that it survives a restart (the hello says it; the supervisor's answer decides where
 * the replay starts). Acks only move forward.
 */
export class UplinkAcks {
  constructor(private readonly db: SqliteDatabase) {}

  ackedSeq(target: string): number {
    const row = this.db.prepare('SELECT seq FROM uplink_acks WHERE target = ?').get(target) as
      { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  record(target: string, seq: number): void {
    this.db
      .prepare(
        `INSERT INTO uplink_acks (target, seq, wall_ms) VALUES (?, ?, ?)
         ON CONFLICT (target) DO UPDATE SET seq = MAX(seq, excluded.seq), wall_ms = excluded.wall_ms`,
      )
      .run(target, seq, Date.now());
  }
}
