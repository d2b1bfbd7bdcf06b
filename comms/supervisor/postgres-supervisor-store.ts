import pg from 'pg';
import { storedEventFromRow, type StoredEventRow } from './sqlite-supervisor-store.js';
import { SUPERVISOR_SCHEMA, type StoredEvent, type SupervisorStore } from './supervisor-store.js';

/** Columns per event in one multi-row insert. */
const COLUMNS = 7;

/** The supervisor's store in PostgreSQL (`pg`), for a fleet: the same table and guarantees as SQLite. */
export class PostgresSupervisorStore implements SupervisorStore {
  private readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 4 });
  }

  async init(): Promise<void> {
    await this.pool.query(SUPERVISOR_SCHEMA);
  }

  async insertEvents(events: readonly StoredEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const values: Array<string | number> = [];
    const rows = events.map((e, i) => {
      values.push(e.robotId, e.bootId, e.seq, e.atUs, e.wallMs, e.kind, e.payload);
      return `(${Array.from({ length: COLUMNS }, (_, c) => `$${i * COLUMNS + c + 1}`).join(', ')})`;
    });
    const result = await this.pool.query(
      `INSERT INTO robot_events (robot_id, boot_id, seq, at_us, wall_ms, kind, payload)
       VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`,
      values,
    );
    return result.rowCount ?? 0;
  }

  async lastSeq(robotId: string): Promise<number> {
    const result = await this.pool.query<{ seq: string | null }>(
      'SELECT MAX(seq) AS seq FROM robot_events WHERE robot_id = $1',
      [robotId],
    );
    return Number(result.rows[0]?.seq ?? 0);
  }

  async events(robotId: string): Promise<StoredEvent[]> {
    const result = await this.pool.query<StoredEventRow>(
      'SELECT * FROM robot_events WHERE robot_id = $1 ORDER BY seq',
      [robotId],
    );
    return result.rows.map(storedEventFromRow);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
