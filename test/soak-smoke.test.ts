import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './harness/run-cli.js';

const SOAK = join(ROOT, 'dist', 'scripts', 'soak', 'soak.js');

describe('npm run soak', () => {
  it('GIVEN a 20 s soak of two robots THEN it samples the simulation, writes the table, the plot and one JSON line with nothing lost and nothing hit', async () => {
    const svg = join(mkdtempSync(join(tmpdir(), 'spinal-soak-test-')), 'soak.svg');
    const result = await runCli(['--minutes', String(20 / 60), '--robots', '2', '--sample', '2', '--svg', svg], {
      script: SOAK,
      timeoutMs: 120_000,
    });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const figures = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(figures).toMatchObject({ bench: 'soak', eventsLost: 0, collisions: 0, growthFlagged: false, robots: 2 });
    expect(typeof figures['rssGrowthMbPerHour']).toBe('number');
    // The unplug at 10 s of the first cycle happened and was reported by the simulator.
    expect(figures['faultsInjected']).toBeGreaterThanOrEqual(1);
    expect(result.stdout).toMatch(/\| t min +\| RSS MB/);
    // The thread probe reported from the reflex's thread and from workers.
    expect(result.stdout).toMatch(/\| main +\|/);
    expect(result.stdout).toMatch(/\| cortex#\d+ +\|/);
    expect(existsSync(svg)).toBe(true);
    expect(readFileSync(svg, 'utf8')).toContain('Event-loop delay');
  }, 150_000);
});
