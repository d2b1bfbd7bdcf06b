import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimReport, SimRobotReport } from '../simulator/report.js';
import { cliEnv, runCli } from './harness/run-cli.js';

/** Runs a shipped scenario headless for its own duration and returns its robot's report. */
async function simulate(scenario: string, env: Record<string, string> = {}, board?: string): Promise<SimRobotReport> {
  const report = join(mkdtempSync(join(tmpdir(), 'spinal-nav-')), 'report.json');
  const boardArgs = board ? ['--board', board] : [];
  const result = await runCli(['sim', '--headless', '--scenario', scenario, '--report', report, ...boardArgs], {
    timeoutMs: 170_000,
    env: cliEnv(env),
  });
  expect(result.stderr).not.toContain('Error');
  expect(result.code).toBe(0);
  const [robot] = (JSON.parse(readFileSync(report, 'utf8')) as SimReport).robots;
  return robot!;
}

describe('navigation scenarios: localise, map, plan', () => {
  it(
    'GIVEN the warehouse and no prior map WHEN sent 40 m round two rows of shelves THEN it gets there without a collision, its pose within 10 cm all the way and 5 cm at the end; odometry alone does far worse',
    { timeout: 360_000 },
    async () => {
      const [localised, odometryOnly] = await Promise.all([
        simulate('warehouse'),
        simulate('warehouse', { SPINAL_CORTEX_LOCALISATION: 'false' }),
      ]);
      expect(localised.goalReached).toBe(true);
      expect(localised.collisions).toBe(0);
      expect(localised.distanceM).toBeGreaterThan(30);
      expect(localised.poseErrorMaxM).toBeLessThanOrEqual(0.1);
      expect(localised.poseErrorFinalM).toBeLessThanOrEqual(0.05);
      expect(odometryOnly.poseErrorMaxM).toBeGreaterThan(3 * (localised.poseErrorMaxM ?? Infinity));
    },
  );

  it(
    'GIVEN the warehouse with its map given up front (ROS map_server format) THEN the goal is reached without a collision and the pose stays within 10 cm',
    { timeout: 240_000 },
    async () => {
      const robot = await simulate('warehouse-prior-map');
      expect(robot.goalReached).toBe(true);
      expect(robot.collisions).toBe(0);
      expect(robot.poseErrorMaxM).toBeLessThanOrEqual(0.1);
      expect(robot.poseErrorFinalM).toBeLessThanOrEqual(0.05);
    },
  );

  it(
    'GIVEN a goal behind a wall THEN the robot plans round the wall and reaches it',
    { timeout: 200_000 },
    async () => {
      const robot = await simulate('l-route');
      expect(robot.goalReached).toBe(true);
      expect(robot.collisions).toBe(0);
      // The straight line is 4 m through the wall; round its end it is about 12 m.
      expect(robot.distanceM).toBeGreaterThan(10);
    },
  );

  it(
    'GIVEN a cart that parks across the planned aisle after the start THEN the robot replans through the other aisle and reaches the goal',
    { timeout: 240_000 },
    async () => {
      const robot = await simulate('blocked-aisle');
      expect(robot.goalReached).toBe(true);
      expect(robot.collisions).toBe(0);
      // Straight along the south aisle it is 8 m; round the shelves through the north aisle it is about 14.
      expect(robot.distanceM).toBeGreaterThan(12);
    },
  );

  it(
    'GIVEN an LD06 + motor HAT board with no encoders THEN the pose from commands and scan matching alone stays within 15 cm and the goal is reached',
    { timeout: 200_000 },
    async () => {
      const robot = await simulate('no-encoders');
      expect(robot.goalReached).toBe(true);
      expect(robot.collisions).toBe(0);
      expect(robot.poseErrorMaxM).toBeLessThanOrEqual(0.15);
    },
  );

  it(
    'GIVEN a board with wheel encoders and an IMU (RoboClaw + MPU6050) in the warehouse WHEN it runs on odometry alone (no scan matching) THEN the wheel odometry keeps its pose within 50 cm over the 35 m and it reaches the goal (the applied commands alone drift by metres there)',
    { timeout: 240_000 },
    async () => {
      const robot = await simulate('warehouse', { SPINAL_CORTEX_LOCALISATION: 'false' }, 'rpi5-rplidar-roboclaw');
      expect(robot.goalReached).toBe(true);
      expect(robot.collisions).toBe(0);
      expect(robot.distanceM).toBeGreaterThan(30);
      expect(robot.poseErrorMaxM).toBeLessThanOrEqual(0.5);
    },
  );
});
