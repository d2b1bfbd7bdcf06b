import pg from 'pg';
import { storedEventFromRow, type StoredEventRow } from './sqlite-supervisor-store.js';
import { SUPERVISOR_SCHEMA, type StoredEvent, type SupervisorStore } from './supervisor-store.js';

/** Columns per event in one multi-row insert. */
const COLUMNS = 7;
/** Rows per INSERT statement: PostgreSQL takes at most 65,535 parameters in one. */
const ROWS_PER_STATEMENT = 5_000;

const keyOf = (robotId: string, bootId: string, seq: number): string => `${robotId}\u0000${bootId}\u0000${seq}`;

/** The supervisor's store in PostgreSQL (`pg`), for a fleet: the same table and guarantees as SQLite. */
export class PostgresSupervisorStore implements SupervisorStore {
  private readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 4 });
  }

  async init(): Promise<void> {
    await this.pool.query(SUPERVISOR_SCHEMA);
  }

  async insertEvents(batches: ReadonlyArray<readonly StoredEvent[]>): Promise<number[]> {
    const events = batches.flat();
    if (events.length === 0) return batches.map(() => 0);
    const inserted = new Set<string>();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (let from = 0; from < events.length; from += ROWS_PER_STATEMENT) {
        const chunk = events.slice(from, from + ROWS_PER_STATEMENT);
        const values: Array<string | number> = [];
        const rows = chunk.map((e, i) => {
          values.push(e.robotId, e.bootId, e.seq, e.atUs, e.wallMs, e.kind, e.payload);
          return `(${Array.from({ length: COLUMNS }, (_, c) => `$${i * COLUMNS + c + 1}`).join(', ')})`;
        });
        const result = await client.query<{ robot_id: string; boot_id: string; seq: string }>(
          `INSERT INTO robot_events (robot_id, boot_id, seq, at_us, wall_ms, kind, payload)
           VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING RETURNING robot_id, boot_id, seq`,
          values,
        );
        for (const row of result.rows) inserted.add(keyOf(row.robot_id, row.boot_id, Number(row.seq)));
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    // Each new key counts once, for the first batch that carried it.
    return batches.map((batch) => {
      let n = 0;
      for (const e of batch) if (inserted.delete(keyOf(e.robotId, e.bootId, e.seq))) n += 1;
      return n;
    });
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
