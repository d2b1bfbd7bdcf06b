import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { SimReport } from '../simulator/report.js';
import { ROOT, cliEnv, runCli } from './harness/run-cli.js';

/**
 * The safety envelope's classes of failure, each a scenario of its own, run on every shipped board:
 * the scenario file is copied with its robot's board swapped in. Every run must end without a
 * collision (the simulator's physics decides, never the robot).
 */
const BOARDS = readdirSync(join(ROOT, 'board-configs'))
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => file.replace(/\.yaml$/, ''))
  .sort();

const CLASSES = [
  { scenario: 'arc-posts', what: 'an arc whose swinging corners meet posts beside the robot' },
  { scenario: 'thin-pole', what: 'a pole 1 cm across, thinner than the beam spacing, just off the line at top speed' },
  { scenario: 'lidar-corrupt', what: 'most lidar packets corrupted while driven at a wall' },
] as const;

async function runOnBoard(scenario: string, board: string): Promise<SimReport> {
  const dir = mkdtempSync(join(tmpdir(), 'spinal-envelope-'));
  const doc = YAML.parse(readFileSync(join(ROOT, 'simulator', 'scenarios', `${scenario}.yaml`), 'utf8')) as {
    world: { obstacles?: unknown[] };
    robots: Array<{ board: string; start: { xM: number; yM: number } }>;
  };
  const boardDoc = YAML.parse(readFileSync(join(ROOT, 'board-configs', `${board}.yaml`), 'utf8')) as {
    robot: { footprint: { widthM: number } };
  };
  const robot = doc.robots[0]!;
  robot.board = board;
  // Obstacles placed against this board's footprint: a post 2 cm beside its side, a pole 3 cm inside its width.
  const halfWidth = boardDoc.robot.footprint.widthM / 2;
  if (scenario === 'arc-posts')
    doc.world.obstacles = [{ circle: { xM: robot.start.xM, yM: robot.start.yM + halfWidth + 0.05, radiusM: 0.03 } }];
  if (scenario === 'thin-pole')
    doc.world.obstacles = [{ circle: { xM: 4, yM: robot.start.yM + halfWidth - 0.03, radiusM: 0.005 } }];
  const swapped = YAML.stringify(doc);
  const file = join(dir, `${scenario}.yaml`);
  writeFileSync(file, swapped);
  const report = join(dir, 'report.json');
  const result = await runCli(['sim', '--headless', '--scenario', file, '--report', report], {
    env: cliEnv(),
    timeoutMs: 120_000,
  });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(readFileSync(report, 'utf8')) as SimReport;
}

describe('safety envelope: each class of failure on every shipped board', () => {
  it('covers every shipped board', () => {
    expect(BOARDS).toEqual([
      'jetson-orin-nano-ld19-l298n',
      'rpi4-ld06-motorhat',
      'rpi5-rplidar-roboclaw',
      'sim-diffdrive',
    ]);
  });

  for (const { scenario, what } of CLASSES) {
    it.each(BOARDS)(
      `GIVEN ${what} (${scenario}) on board %s WHEN run headless THEN the robot touches nothing`,
      async (board) => {
        const report = await runOnBoard(scenario, board);
        const robot = report.robots[0]!;
        expect(robot.collisions, JSON.stringify(robot.reflexTrips)).toBe(0);
        if (scenario === 'lidar-corrupt') {
          // The wall is 3 m ahead and the robot is driven at it for 20 s: something must have stopped it.
          expect(robot.reflexTrips.length, JSON.stringify(robot)).toBeGreaterThan(0);
        } else {
          // The reflex stopped the motion for the obstacle, and the robot was moving before it did.
          expect(
            robot.reflexTrips.some((t) => t.reason.startsWith('obstacle')),
            JSON.stringify(robot.reflexTrips),
          ).toBe(true);
          // Driving at the pole, the robot covered ground before it stopped (the arc mostly turns on the spot).
          if (scenario === 'thin-pole') expect(robot.distanceM).toBeGreaterThan(1);
        }
      },
      150_000,
    );
  }
});
