import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimReport } from '../simulator/report.js';
import { ROOT, runCli } from './harness/run-cli.js';

describe('single-file bundle', () => {
  it('GIVEN the bundle alone in an empty directory WHEN it runs sim headless for 20 s THEN the default scenario reaches its goal', async () => {
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
      timeoutMs: 90_000,
    });
    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as SimReport;
    expect(report.robots[0]).toMatchObject({ goalReached: true, collisions: 0, missionState: 'succeeded' });
  }, 120_000);
});
