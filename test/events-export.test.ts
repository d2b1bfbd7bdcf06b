import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger } from '../comms/ledger/ledger.js';
import { ledgerSettingsFromParams } from '../comms/ledger/ledger-settings.js';
import { cliEnv, runCli } from './harness/run-cli.js';
import { paramsWith } from './harness/test-params.js';

const dir = mkdtempSync(join(tmpdir(), 'spinal-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('spinal events export', () => {
  it('writes the ledger as JSON lines from a sequence or a time while the ledger is open for writing', async () => {
    const path = join(dir, 'robot.db');
    let wallMs = Date.parse('2026-01-31T12:00:00Z');
    const ledger = Ledger.open(ledgerSettingsFromParams(paramsWith(), path), 'boot-a', {
      nowWallMs: () => wallMs,
    });
    for (let i = 1; i <= 5; i++) {
      ledger.append([{ body: { kind: 'mission', mission: 'goto', state: `s${i}` }, atUs: i * 1000 }]);
      wallMs += 60_000;
    }
    const env = cliEnv({ SPINAL_LEDGER_PATH: path });
    // GIVEN the ledger is still open by its writer WHEN exported after sequence 2
    const bySeq = await runCli(['events', 'export', '--since', '2', '--format', 'jsonl'], { env });
    expect(bySeq.code, bySeq.stderr).toBe(0);
    expect(lines(bySeq.stdout).map((e) => [e.seq, e.state, e.bootId])).toEqual([
      [3, 's3', 'boot-a'],
      [4, 's4', 'boot-a'],
      [5, 's5', 'boot-a'],
    ]);
    // AND from a time: the events written at or after it
    const byTime = await runCli(['events', 'export', '--since', '2026-01-31T12:03:00Z'], { env });
    expect(lines(byTime.stdout).map((e) => [e.seq, e.wallTime])).toEqual([
      [4, '2026-01-31T12:03:00.000Z'],
      [5, '2026-01-31T12:04:00.000Z'],
    ]);
    // AND what is committed after is seen by the next export
    ledger.append([{ body: { kind: 'mission', mission: 'goto', state: 's6' }, atUs: 6000 }]);
    const again = await runCli(['events', 'export', '--since', '5'], { env });
    expect(lines(again.stdout).map((e) => e.seq)).toEqual([6]);
    ledger.close();
  });

  it('exits 2 naming the option for a bad --since or --format, and 1 without a ledger', async () => {
    const env = cliEnv({ SPINAL_LEDGER_PATH: join(dir, 'none.db') });
    const badSince = await runCli(['events', 'export', '--since', 'yesterday-ish'], { env });
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since');
    const badFormat = await runCli(['events', 'export', '--format', 'csv'], { env });
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--format');
    const none = await runCli(['events', 'export'], { env });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no ledger at');
  });
});
