import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimReport } from '../simulator/report.js';
import { runCli } from './harness/run-cli.js';

const haveSocat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
// CI installs socat (.ci/run) and must run this test; elsewhere it is skipped, visibly, without socat.
const mustRun = process.env.CI === 'true';

/** How long a lidar trip says the data was missing (`... not measured for 310 ms ...`, `... stale (305 ms old ...`), ms. */
function gapMs(reason: string): number {
  const match = /(\d+) ms/.exec(reason);
  return match ? Number(match[1]) : Infinity;
}

describe('spinal sim --pty', () => {
  it.skipIf(!haveSocat && !mustRun)(
    'GIVEN the simulated LD06 on a pseudo-terminal WHEN the robot reads it through the real serialport binding THEN it drives to its goal',
    async () => {
      expect(haveSocat, 'socat is needed for --pty (apt-get install socat)').toBe(true);
      const report = join(mkdtempSync(join(tmpdir(), 'spinal-pty-test-')), 'report.json');
      const result = await runCli(
        ['sim', '--pty', '--headless', '--duration', '24', '--speed', '1', '--report', report],
        {
          timeoutMs: 80_000,
        },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(
        /\/dev\/ttyUSB0 is the pseudo-terminal \/\S+\/ttyUSB0, read through the serialport binding \(DTR\/RTS through \/\S+\/ttyUSB0\.device\.lines\)/,
      );
      const robot = (JSON.parse(readFileSync(report, 'utf8')) as SimReport).robots[0]!;
      // Without lidar data the reflex would hold the robot still: reaching the goal proves the bytes flowed.
      expect(robot).toMatchObject({ goalReached: true, collisions: 0 });
      // Bytes through pseudo-terminals flow in real time: on a loaded machine a revolution may come a
      // scheduling slice late (a stale or blind sector just past the 300 ms limit). A gap in the byte
      // flow itself would show as far longer.
      const lidarGaps = robot.reflexTrips.filter((t) => t.reason.startsWith('lidar'));
      expect(lidarGaps.filter((t) => gapMs(t.reason) > 400)).toEqual([]);
    },
    120_000,
  );

  it.skipIf(!haveSocat && !mustRun)(
    'GIVEN the rpi5 board (RPLIDAR A1 whose motor runs while DTR is cleared, RoboClaw) on pseudo-terminals WHEN the robot drives through the real serialport binding THEN DTR crosses over the modem-line socket, the lidar scans and the robot reaches its goal',
    async () => {
      expect(haveSocat, 'socat is needed for --pty (apt-get install socat)').toBe(true);
      const report = join(mkdtempSync(join(tmpdir(), 'spinal-pty-test-')), 'report.json');
      const result = await runCli(
        [
          'sim',
          '--pty',
          '--scenario',
          'board-rpi5-rplidar-roboclaw',
          '--headless',
          '--duration',
          '30',
          '--speed',
          '1',
          '--report',
          report,
        ],
        { timeoutMs: 90_000 },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/\/dev\/ttyUSB0 is the pseudo-terminal .*DTR\/RTS through \/\S+\.lines/);
      expect(result.stderr).toMatch(/\/dev\/ttyACM0 is the pseudo-terminal /);
      // A lidar whose motor never starts flaps starting -> failed and the reflex holds the robot still.
      expect(result.stderr).not.toMatch(/lidar: .*failed/);
      const robot = (JSON.parse(readFileSync(report, 'utf8')) as SimReport).robots[0]!;
      expect(robot).toMatchObject({ goalReached: true, collisions: 0 });
    },
    120_000,
  );
});
