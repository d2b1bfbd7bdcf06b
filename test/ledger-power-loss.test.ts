import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { POWER_LOSS_ENV } from '../comms/ledger/power-loss-hook.js';
import { readRows } from '../comms/ledger/ledger.js';
import { openSqlite } from '../comms/ledger/sqlite-driver.js';
import { CLI, ROOT } from './harness/run-cli.js';

const CHILD = join(ROOT, 'test', 'ledger', 'kill-child.mjs');
const EVENTS = 3_000;

/** Runs the writing child on `path` until it ends by itself; the `committed <seq> <n>` lines it printed, and how it ended. */
function runChild(
  path: string,
  env: Record<string, string>,
): Promise<{ reported: Array<[number, number]>; signal: NodeJS.Signals | null; done: boolean }> {
  const child = spawn(process.execPath, [CHILD, path, String(EVENTS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DEBUG: '', ...env },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.endsWith('done\n')) child.kill('SIGTERM');
  });
  return new Promise((resolve) => {
    child.on('close', (_code, signal) => {
      const reported = out
        .split('\n')
        .filter((line) => line.startsWith('committed '))
        .map((line) => line.split(' ').slice(1).map(Number) as [number, number]);
      resolve({ reported, signal, done: out.endsWith('done\n') });
    });
  });
}

function ledgerState(path: string): { seqs: number[]; stateOf: Map<number, string>; integrity: unknown } {
  const db = openSqlite(path, { readonly: true });
  const rows = readRows(db, 0, Number.MAX_SAFE_INTEGER);
  const integrity = db.pragma('integrity_check', { simple: true });
  db.close();
  return {
    seqs: rows.map((row) => row.event.seq),
    stateOf: new Map(rows.map((row) => [row.event.seq, row.event.kind === 'mission' ? row.event.state : ''])),
    integrity,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'spinal-power-loss-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the ledger under a power loss mid-transaction', () => {
  it(`GIVEN the process is killed between a transaction's writes and its commit (${POWER_LOSS_ENV}) WHEN the ledger is opened again THEN it is intact, every event reported committed is there, the sequence has no gap, and the next run goes on from it`, async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`);
    const path = join(dir, 'ledger.db');
    const killAt = 1_234;

    // WHEN the power goes while the batch holding event 1234 is written, not yet committed
    const cut = await runChild(path, { [POWER_LOSS_ENV]: String(killAt) });
    expect(cut.signal).toBe('SIGKILL');
    expect(cut.done).toBe(false);

    // THEN the file is intact, holds exactly what was reported committed, and nothing of the torn batch
    const after = ledgerState(path);
    expect(after.integrity).toBe('ok');
    expect(after.seqs).toEqual(Array.from({ length: after.seqs.length }, (_, i) => i + 1));
    expect(after.seqs.length).toBeLessThan(killAt);
    expect(after.seqs.length).toBeGreaterThan(0);
    // What was reported may trail what was committed (a report still on its way), never lead it.
    expect(cut.reported.length).toBeLessThanOrEqual(after.seqs.length);
    for (const [seq, n] of cut.reported) expect(after.stateOf.get(seq)).toBe(String(n));

    // AND a new run (the process restarted) writes on from the last committed event, with no gap
    const next = await runChild(path, {});
    expect(next.done).toBe(true);
    const final = ledgerState(path);
    expect(final.integrity).toBe('ok');
    expect(final.seqs).toEqual(Array.from({ length: after.seqs.length + EVENTS }, (_, i) => i + 1));
    expect(next.reported[0]![0]).toBe(after.seqs.length + 1);
  }, 60_000);
});
