import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimReport } from '../simulator/report.js';
import { cliEnv, ROOT, runCli } from './harness/run-cli.js';

/** The SQLite addon, the one native file the bundle needs beside it (packaging points at its own copy). */
/** The SQLite addon for the Node running the tests: the one named by SPINAL_SQLITE_ADDON, else the package's own build. */
const SQLITE_ADDON =
  process.env.SPINAL_SQLITE_ADDON ??
  join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

describe('single-file bundle', () => {
  it('GIVEN the bundle alone in an empty directory (and the SQLite addon named by SPINAL_SQLITE_ADDON) WHEN it runs sim headless for 20 s THEN the default scenario reaches its goal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinal-bundle-'));
    const outfile = join(dir, 'spinal.cjs');
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs'), '--outfile', outfile], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    expect(readdirSync(dir)).toEqual(['spinal.cjs']);
    const result = await runCli(['sim', '--headless', '--duration', '20', '--report', 'r.json'], {
      cwd: dir,
      script: outfile,
      env: cliEnv({ SPINAL_SQLITE_ADDON: SQLITE_ADDON }),
      timeoutMs: 90_000,
    });
    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as SimReport;
    expect(report.robots[0]).toMatchObject({ goalReached: true, collisions: 0, missionState: 'succeeded' });
  }, 120_000);
});
