import type { SqliteDatabase } from './sqlite-driver.js';

/**
 * The ledger's schema, as an ordered list of migrations. `schema_version` holds the version reached;
 * opening a ledger applies, each in its own transaction, every migration above it. A migration is
 * never edited once released: a change is a new entry at the end.
 */
export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at_us INTEGER NOT NULL,
        wall_ms INTEGER NOT NULL,
        boot_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        class TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        thinned INTEGER NOT NULL DEFAULT 0,
        payload TEXT NOT NULL
      );
      CREATE INDEX events_class_seq ON events (class, seq);
      CREATE INDEX events_wall_ms ON events (wall_ms);
      CREATE TABLE boots (boot_id TEXT PRIMARY KEY, started_wall_ms INTEGER NOT NULL);
    `,
  },
  {
    version: 2,
    // The last sequence each supervisor (by its target address) acknowledged, as far as the robot knows.
    sql: 'CREATE TABLE uplink_acks (target TEXT PRIMARY KEY, seq INTEGER NOT NULL, wall_ms INTEGER NOT NULL);',
  },
  {
    version: 3,
    // The recorded telemetry (pose, scans, path, ...): rows apart from the events, never numbered,
    // never sent over the uplink, kept below every event class (see `telemetry-table.ts`).
    sql: `
      CREATE TABLE telemetry (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at_us INTEGER NOT NULL,
        wall_ms INTEGER NOT NULL,
        boot_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        payload BLOB NOT NULL
      );
      CREATE INDEX telemetry_wall_ms ON telemetry (wall_ms);
    `,
  },
];

/** The version the newest migration reaches. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** The version `db` is at (0: a new database). */
export function schemaVersionOf(db: SqliteDatabase): number {
  const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!table) return 0;
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as { version: number | null };
  return row.version ?? 0;
}

/**
 * Brings `db` to `migrations`' last version; returns the versions applied. Throws when the database
 * is newer than this runtime knows (an older runtime must not write into a newer ledger).
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_wall_ms INTEGER NOT NULL)');
  const current = schemaVersionOf(db);
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(`the ledger is at schema version ${current}, newer than this runtime's ${newest}`);
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_version (version, applied_wall_ms) VALUES (?, ?)').run(
        migration.version,
        Date.now(),
      );
    })();
    applied.push(migration.version);
  }
  return applied;
}
