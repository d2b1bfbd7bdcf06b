import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimReport } from '../simulator/report.js';
import { runCli } from './harness/run-cli.js';

describe('scenario: crossing (a person crosses the robot path from a side door)', () => {
  it('GIVEN a person walking across the path at 0.8 m/s, timed to meet the robot cruising at 0.4 m/s WHEN run headless THEN the reflex stops for them, and the robot resumes and reaches its goal without a collision', async () => {
    const reportFile = join(mkdtempSync(join(tmpdir(), 'spinal-crossing-')), 'report.json');
    const result = await runCli(['sim', '--headless', '--scenario', 'crossing', '--report', reportFile], {
      timeoutMs: 90_000,
    });
    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as SimReport;
    const robot = report.robots[0]!;

    // THEN nobody was touched, and the robot got where it was going
    expect(robot.collisions).toBe(0);
    expect(robot.minClearanceM).toBeGreaterThan(0);
    expect(robot.goalReached).toBe(true);
    expect(robot.missionState).toBe('succeeded');
    // AND it stopped for the person: the disc slides into the watched corridor from the side,
    // inside the stopping distance, while the person crosses the robot's line (8.85 s to 9.9 s in
    // crossing.yaml's timing; the trip comes within a lidar turn or two of the first sighting)
    const trips = robot.reflexTrips.filter((t) => t.reason.includes('obstacle'));
    expect(trips.length, JSON.stringify(robot.reflexTrips)).toBeGreaterThanOrEqual(1);
    expect(trips[0]!.simTimeS).toBeGreaterThanOrEqual(8.85);
    expect(trips[0]!.simTimeS).toBeLessThan(9.9);
    expect(report.eventsLost).toBe(0);
  }, 120_000);
});
