import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimReport } from '../simulator/report.js';
import { ROOT, cliEnv, runCli } from './harness/run-cli.js';

const SHIPPED_BOARDS = readdirSync(join(ROOT, 'board-configs'))
  .filter((name) => name.endsWith('.yaml'))
  .sort();

/** simulator/scenarios/stop-at-pole.yaml with `robots[0].board` replaced by a board file's path. */
function scenarioOnBoard(boardFile: string): string {
  const text = readFileSync(join(ROOT, 'simulator', 'scenarios', 'stop-at-pole.yaml'), 'utf8');
  const swapped = text.replace(/^(\s+board:) rpi5-rplidar-roboclaw$/m, `$1 ${boardFile}`);
  expect(swapped).not.toBe(text);
  const file = join(mkdtempSync(join(tmpdir(), 'spinal-braking-')), 'stop-at-pole.yaml');
  writeFileSync(file, swapped);
  return file;
}

describe('scenario: stop-at-pole (braking as each board really brakes)', () => {
  it('ships every board config the test swaps in', () => {
    expect(SHIPPED_BOARDS).toContain('rpi5-rplidar-roboclaw.yaml');
    expect(SHIPPED_BOARDS.length).toBeGreaterThanOrEqual(4);
  });

  it.each(SHIPPED_BOARDS)(
    'GIVEN board-configs/%s WHEN commanded at top speed at a post pushed into its path and a fixed post behind THEN the reflex stops it in time: no collision',
    async (boardName) => {
      const scenario = scenarioOnBoard(join(ROOT, 'board-configs', boardName));
      const reportFile = join(mkdtempSync(join(tmpdir(), 'spinal-braking-')), 'report.json');
      const result = await runCli(['sim', '--headless', '--scenario', scenario, '--report', reportFile], {
        timeoutMs: 120_000,
      });
      expect(result.code, result.stderr).toBe(0);
      const robot = (JSON.parse(readFileSync(reportFile, 'utf8')) as SimReport).robots[0]!;
      expect(robot.collisions).toBe(0);
      expect(robot.minClearanceM).toBeGreaterThan(0.02);
      expect(robot.distanceM).toBeGreaterThan(1.5);
      expect(robot.reflexTrips.some((t) => t.reason.startsWith('obstacle'))).toBe(true);
    },
    150_000,
  );

  it('GIVEN the RoboClaw board, which coasts to a stop WHEN the reflex is told to count on more braking than the board declares THEN spinal refuses to start, naming both fields', async () => {
    const result = await runCli(['sim', '--headless', '--scenario', 'stop-at-pole'], {
      env: cliEnv({ SPINAL_REFLEX_BRAKING_DECEL_MPS2: '1.0' }),
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SPINAL_REFLEX_BRAKING_DECEL_MPS2');
    expect(result.stderr).toContain('reflex.brakingDecelMps2 1 m/s²');
    expect(result.stderr).toContain('robot.stopDecelMps2 0.7 m/s²');
  });

  it('GIVEN a speed limit above what the wheels reach WHEN loading THEN spinal refuses to start, naming both fields', async () => {
    const result = await runCli(['sim', '--headless', '--scenario', 'stop-at-pole'], {
      env: cliEnv({ SPINAL_REFLEX_MAX_SPEED_MPS: '1.2' }),
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('reflex.maxSpeedMps 1.2 m/s is more than robot.maxWheelSpeedMps 0.8 m/s');
  });
});
