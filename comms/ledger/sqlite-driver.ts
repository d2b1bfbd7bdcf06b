import BetterSqlite3 from 'better-sqlite3';

/**
 * The one module that loads `better-sqlite3`. Everything else imports the database type and
 * {@link openSqlite} from here, so a packaged executable has exactly one place to point at the
 * native addon it ships: `SPINAL_SQLITE_ADDON` (a path to `better_sqlite3.node`) says where the
 * addon is; without it the package finds its own build (`node_modules`). The package's JavaScript is
 * bundled with the rest (`scripts/bundle.mjs`); only the addon lives beside the bundle.
 */
export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteStatement = BetterSqlite3.Statement;

/** Opens (creating unless `readonly`) the SQLite database at `path` (`:memory:` for none on disk). */
export function openSqlite(path: string, options: { readonly?: boolean } = {}): SqliteDatabase {
  const nativeBinding = process.env.SPINAL_SQLITE_ADDON;
  return new BetterSqlite3(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
    ...(nativeBinding ? { nativeBinding } : {}),
  });
}

/** True when `error` is SQLite's "database or disk is full" (`SQLITE_FULL`). */
export function isDiskFull(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 'SQLITE_FULL';
}
