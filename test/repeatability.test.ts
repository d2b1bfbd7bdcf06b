import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './harness/run-cli.js';

/** The report's text without the fields that measure wall-clock time (BRIEF §5: all else must repeat). */
async function reportWithoutWallClock(scenario: string, durationS: number): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'spinal-repeat-')), 'report.json');
  const result = await runCli(
    ['sim', '--headless', '--scenario', scenario, '--duration', String(durationS), '--report', file],
    { timeoutMs: 150_000 },
  );
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  delete report.wallTimeS;
  delete report.realTimeFactor;
  // The picture's path (the test harness's, test/harness/failure-plots.ts) differs from run to run.
  delete report.plot;
  return JSON.stringify(report, null, 2);
}

/** Runs `work` with a child process spinning on a CPU beside it. */
async function underCpuLoad<T>(work: () => Promise<T>): Promise<T> {
  const hog = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  try {
    return await work();
  } finally {
    hog.kill('SIGKILL');
  }
}

describe('repeatability: the same scenario and seed give the same report', () => {
  it.each([
    // A fault, a reflex trip, a reconnection with backoff, an I2C motor HAT.
    ['lidar-unplug', 12],
    // Serial motors and encoders (RoboClaw), a serial lidar with its own protocol, I2C sensors, GPIO switches.
    ['board-rpi5-rplidar-roboclaw', 12],
    // A scripted planner stall: the lock step goes on without the planner.
    ['cortex-stall', 12],
  ])(
    'GIVEN scenario %s WHEN run three times, once with a CPU hog beside it THEN the reports match byte for byte apart from wall-clock fields',
    async (scenario, durationS) => {
      const first = await reportWithoutWallClock(scenario, durationS);
      const loaded = await underCpuLoad(() => reportWithoutWallClock(scenario, durationS));
      const third = await reportWithoutWallClock(scenario, durationS);
      expect(JSON.parse(first)).toHaveProperty('robots.0.distanceM');
      expect(loaded).toBe(first);
      expect(third).toBe(first);
    },
    480_000,
  );
});
