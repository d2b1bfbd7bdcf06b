import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The one module that loads `better-sqlite3` (a native addon). Everything else imports the
 * database type and {@link openSqlite} from here, so a packaged single executable has exactly one
 * place to point at the addon it ships: `SPINAL_SQLITE_ADDON` (a path to `better_sqlite3.node`)
 * overrides where the addon is loaded from.
 */
export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteStatement = BetterSqlite3.Statement;

type SqliteConstructor = typeof BetterSqlite3;

let loaded: SqliteConstructor | null = null;

function driver(): SqliteConstructor {
  loaded ??= createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor;
  return loaded;
}

/** Opens (creating unless `readonly`) the SQLite database at `path` (`:memory:` for none on disk). */
export function openSqlite(path: string, options: { readonly?: boolean } = {}): SqliteDatabase {
  const nativeBinding = process.env.SPINAL_SQLITE_ADDON;
  const Database = driver();
  return new Database(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
    ...(nativeBinding ? { nativeBinding } : {}),
  });
}

/** True when `error` is SQLite's "database or disk is full" (`SQLITE_FULL`). */
export function isDiskFull(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 'SQLITE_FULL';
}
