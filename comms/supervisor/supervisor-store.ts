/**
 * Where the reference supervisor keeps what robots send: the same schema and guarantees on every
 * backend (SQLite on one machine, PostgreSQL for a fleet). Events are stored once by
 * (robot, boot, sequence), whatever a replay sends again; the supervisor acknowledges a sequence
 * only once `insertEvents` has resolved for it.
 */
export interface StoredEvent {
  robotId: string;
  bootId: string;
  seq: number;
  atUs: number;
  wallMs: number;
  kind: string;
  /** The event as JSON. */
  payload: string;
}

export interface SupervisorStore {
  /** Creates the tables when missing. */
  init(): Promise<void>;
  /**
   * Stores every batch of `batches` in one transaction; returns, per batch, how many of its events
   * were new (the others were already held, or came earlier in the same call).
   */
  insertEvents(batches: ReadonlyArray<readonly StoredEvent[]>): Promise<number[]>;
  /** The highest sequence held for `robotId` (0: none). */
  lastSeq(robotId: string): Promise<number>;
  /** Every event held for `robotId`, in sequence order (for tests and tools). */
  events(robotId: string): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

/** The table, in SQL both backends take. */
export const SUPERVISOR_SCHEMA = `
  CREATE TABLE IF NOT EXISTS robot_events (
    robot_id TEXT NOT NULL,
    boot_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at_us BIGINT NOT NULL,
    wall_ms BIGINT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (robot_id, boot_id, seq)
  );
  CREATE INDEX IF NOT EXISTS robot_events_robot_seq ON robot_events (robot_id, seq);
`;
