import { openSqlite, type SqliteDatabase, type SqliteStatement } from '../ledger/sqlite-driver.js';
import { SUPERVISOR_SCHEMA, type StoredEvent, type SupervisorStore } from './supervisor-store.js';

interface Row {
  robot_id: string;
  boot_id: string;
  seq: number;
  at_us: number;
  wall_ms: number;
  kind: string;
  payload: string;
}

/** The supervisor's store in one SQLite file (WAL, synced commits): one machine, no set-up. */
export class SqliteSupervisorStore implements SupervisorStore {
  private readonly db: SqliteDatabase;
  /** Prepared on first use (the table exists only after `init`). */
  private insert: SqliteStatement | null = null;

  constructor(path: string) {
    this.db = openSqlite(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
  }

  init(): Promise<void> {
    this.db.exec(SUPERVISOR_SCHEMA);
    return Promise.resolve();
  }

  insertEvents(batches: ReadonlyArray<readonly StoredEvent[]>): Promise<number[]> {
    const insert = (this.insert ??= this.db.prepare(
      `INSERT INTO robot_events (robot_id, boot_id, seq, at_us, wall_ms, kind, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ));
    const added = this.db.transaction(() =>
      batches.map((events) => {
        let n = 0;
        for (const e of events)
          n += insert.run(e.robotId, e.bootId, e.seq, e.atUs, e.wallMs, e.kind, e.payload).changes;
        return n;
      }),
    )();
    return Promise.resolve(added);
  }

  lastSeq(robotId: string): Promise<number> {
    const row = this.db.prepare('SELECT MAX(seq) AS seq FROM robot_events WHERE robot_id = ?').get(robotId) as {
      seq: number | null;
    };
    return Promise.resolve(row.seq ?? 0);
  }

  events(robotId: string): Promise<StoredEvent[]> {
    const rows = this.db.prepare('SELECT * FROM robot_events WHERE robot_id = ? ORDER BY seq').all(robotId) as Row[];
    return Promise.resolve(rows.map(fromRow));
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

function fromRow(row: Row): StoredEvent {
  return {
    robotId: row.robot_id,
    bootId: row.boot_id,
    seq: Number(row.seq),
    atUs: Number(row.at_us),
    wallMs: Number(row.wall_ms),
    kind: row.kind,
    payload: row.payload,
  };
}

export { fromRow as storedEventFromRow, type Row as StoredEventRow };
