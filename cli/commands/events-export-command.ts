import { existsSync } from 'node:fs';
import { resolveParams } from '../../config/param-values.js';
import { loadRuntimeConfigFile } from '../../config/runtime-config-file.js';
import { readRows, type LedgerRow } from '../../comms/ledger/ledger.js';
import { openSqlite } from '../../comms/ledger/sqlite-driver.js';
import { UsageError } from '../usage-error.js';

/** Rows read per query while exporting (the export streams; memory stays flat whatever the ledger holds). */
const PAGE = 5_000;

/** Where an export starts: after a sequence number, or at a wall-clock time. */
export type ExportStart = { kind: 'seq'; after: number } | { kind: 'time'; fromWallMs: number };

/** `--since SEQ|TIME`: a whole number is a sequence (events after it), anything else an ISO 8601 time. */
export function readSince(text: string | undefined): ExportStart {
  if (text === undefined) return { kind: 'seq', after: 0 };
  if (/^\d+$/.test(text)) return { kind: 'seq', after: Number(text) };
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new UsageError(`--since: "${text}" is neither a sequence number nor a time (e.g. 2026-01-31T12:00:00Z)`);
  }
  return { kind: 'time', fromWallMs: ms };
}

/** One JSON line per event: the event as the debug port serves it, plus when it was written and in which boot. */
export function exportLine(row: LedgerRow): string {
  return `${JSON.stringify({ ...row.event, wallTime: new Date(row.wallMs).toISOString(), bootId: row.bootId })}\n`;
}

/**
 * `spinal events export [--since SEQ|TIME] [--format jsonl] [--config FILE]`: writes the ledger's
 * events (at `ledger.path`) as JSON lines, oldest first. It opens the ledger read-only beside a
 * running robot (WAL mode lets readers and the writer proceed together) and sees what was
 * committed when each page is read.
 */
export function runEventsExport(options: {
  since: string | undefined;
  format: string | undefined;
  config: string | undefined;
  out: { write(text: string): boolean };
  err: { write(text: string): boolean };
}): number {
  if (options.format !== undefined && options.format !== 'jsonl') {
    throw new UsageError(`--format: "${options.format}" is not a known format (jsonl)`);
  }
  const start = readSince(options.since);
  const params = resolveParams({
    config: options.config === undefined ? undefined : loadRuntimeConfigFile(options.config),
    env: process.env,
  });
  const path = params['ledger.path'];
  if (path === ':memory:' || !existsSync(path)) {
    options.err.write(
      `spinal events export: no ledger at "${path}" (ledger.path: set it in --config or SPINAL_LEDGER_PATH)\n`,
    );
    return 1;
  }
  const db = openSqlite(path, { readonly: true });
  try {
    let after = start.kind === 'seq' ? start.after : firstSeqAt(db, start.fromWallMs) - 1;
    for (;;) {
      const rows = readRows(db, after, PAGE);
      for (const row of rows) options.out.write(exportLine(row));
      if (rows.length < PAGE) return 0;
      after = rows.at(-1)!.event.seq;
    }
  } finally {
    db.close();
  }
}

function firstSeqAt(db: ReturnType<typeof openSqlite>, wallMs: number): number {
  const row = db.prepare('SELECT MIN(seq) AS seq FROM events WHERE wall_ms >= ?').get(wallMs) as { seq: number | null };
  return row.seq ?? Number.MAX_SAFE_INTEGER;
}
