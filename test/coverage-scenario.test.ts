import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimReport } from '../simulator/report.js';
import { runCli } from './harness/run-cli.js';

/** The sim-diffdrive board's footprint, metres. */
const FOOTPRINT_LENGTH_M = 0.3;
const FOOTPRINT_WIDTH_M = 0.24;

/**
 * A robot with ideal wheels drives straight east for 4 s at 0.3 m/s from (1, 2) through a
 * 2.5 m x 1 m coverage area; its twin drives the same without an area.
 */
const STRIP_SCENARIO = `name: coverage-strip
description: A robot drives a straight strip through a coverage area.
durationS: 6
world:
  walls:
    - [0, 0, 6, 0]
    - [6, 0, 6, 5]
    - [6, 5, 0, 5]
    - [0, 5, 0, 0]
robots:
  - id: with-area
    start: { xM: 1, yM: 2, yawDeg: 0 }
    mission:
      drive: { vMps: 0.3, durationS: 4 }
    imperfections: { motorGainLeft: 1, motorGainRight: 1, slipPerMps2: 0 }
    coverageArea: [[0.5, 1.5], [3, 1.5], [3, 2.5], [0.5, 2.5]]
  - id: without-area
    start: { xM: 1, yM: 4, yawDeg: 0 }
    mission:
      drive: { vMps: 0.3, durationS: 4 }
`;

async function simulate(scenario: string): Promise<{ code: number | null; stderr: string; report: SimReport }> {
  const dir = mkdtempSync(join(tmpdir(), 'spinal-coverage-'));
  const file = join(dir, 'strip.yaml');
  writeFileSync(file, scenario);
  const reportFile = join(dir, 'report.json');
  const result = await runCli(['sim', '--headless', '--scenario', file, '--report', reportFile], {
    timeoutMs: 90_000,
  });
  return { ...result, report: JSON.parse(readFileSync(reportFile, 'utf8')) as SimReport };
}

describe('sim report: coverage of an area by the footprint', () => {
  it('GIVEN a robot driving a straight strip through its coverage area WHEN reported THEN coveragePct is the strip its footprint swept, by the true pose; null for a robot without an area', async () => {
    const { code, stderr, report } = await simulate(STRIP_SCENARIO);
    expect(code, stderr).toBe(0);
    const [withArea, withoutArea] = report.robots;
    expect(withArea!.collisions).toBe(0);
    expect(withArea!.distanceM).toBeGreaterThan(0.9);
    // Straight ahead: the footprint sweeps its own length plus the distance driven, its width wide.
    const sweptM2 = (FOOTPRINT_LENGTH_M + withArea!.distanceM) * FOOTPRINT_WIDTH_M;
    const expectedPct = (100 * sweptM2) / 2.5;
    expect(withArea!.coveragePct).not.toBeNull();
    expect(Math.abs(withArea!.coveragePct! - expectedPct)).toBeLessThan(0.05 * expectedPct);
    expect(withoutArea!.coveragePct).toBeNull();
  }, 120_000);
});
