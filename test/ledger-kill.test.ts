import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRows } from '../comms/ledger/ledger.js';
import { openSqlite } from '../comms/ledger/sqlite-driver.js';
import { CLI, ROOT } from './harness/run-cli.js';

const CHILD = join(ROOT, 'test', 'ledger', 'kill-child.mjs');
const EVENTS_PER_RUN = 10_000;
const KILLS = 20;

interface RunResult {
  /** Every (seq, n) the child was told was committed, in the order it was told. */
  reported: Array<[number, number]>;
  killed: boolean;
}

/**
 * Runs the child on `path` and kills it with SIGKILL as soon as it has reported `killAfterReported`
 * events committed (unless it finished first): a point in the middle of its writes, whatever the
 * machine's speed, with more batches in flight.
 */
function runChild(path: string, killAfterReported: number): Promise<RunResult> {
  const child = spawn(process.execPath, [CHILD, path, String(EVENTS_PER_RUN)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let killed = false;
  let reportedSoFar = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    out += text;
    reportedSoFar += text.split('\n').filter((line) => line.startsWith('committed ')).length;
    if (!killed && reportedSoFar >= killAfterReported) killed = child.kill('SIGKILL');
    if (out.endsWith('done\n')) child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    child.on('close', (code, signal) => {
      if (!killed && !out.endsWith('done\n')) {
        reject(
          new Error(`the child ended on its own (code ${code}, signal ${signal}) before finishing: ${out.slice(-500)}`),
        );
        return;
      }
      const reported = out
        .split('\n')
        .filter((line) => line.startsWith('committed '))
        .map((line) => line.split(' ').slice(1).map(Number) as [number, number]);
      resolve({ reported, killed: killed && !out.endsWith('done\n') });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'spinal-ledger-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the ledger under kill -9', () => {
  it(`keeps every event reported committed, in order, without gaps or duplicates, over ${KILLS} kills while ${EVENTS_PER_RUN} events are written`, async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`);
    const path = join(dir, 'ledger.db');
    let kills = 0;
    let runs = 0;
    let lastCount = 0;
    while (kills < KILLS && runs < KILLS * 3) {
      runs += 1;
      const result = await runChild(path, 1 + Math.floor(Math.random() * (EVENTS_PER_RUN - 2)));
      if (result.killed) kills += 1;
      const db = openSqlite(path, { readonly: true });
      const rows = readRows(db, 0, Number.MAX_SAFE_INTEGER);
      db.close();
      const seqs = rows.map((row) => row.event.seq);
      // No gaps, no duplicates: 1..N, and nothing committed before is gone.
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(seqs.length).toBeGreaterThanOrEqual(lastCount);
      lastCount = seqs.length;
      // Every event reported committed is there with its own body.
      const stateOf = new Map(rows.map((row) => [row.event.seq, row.event.kind === 'mission' ? row.event.state : '']));
      for (const [seq, n] of result.reported) expect(stateOf.get(seq)).toBe(String(n));
      // In order: within each run (boot) the events are its 1st, 2nd, ... with none missing.
      const byBoot = new Map<string, number[]>();
      for (const row of rows) {
        const list = byBoot.get(row.bootId) ?? [];
        list.push(Number(row.event.kind === 'mission' ? row.event.state : NaN));
        byBoot.set(row.bootId, list);
      }
      for (const list of byBoot.values()) expect(list).toEqual(list.map((_, i) => i + 1));
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    process.stdout.write(`ledger kill test: ${kills} kills in ${runs} runs, ${lastCount} events in the ledger\n`);
  }, 300_000);
});
