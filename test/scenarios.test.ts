import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimReport } from '../simulator/report.js';
import { REPORT_KEYS, ROBOT_REPORT_KEYS as ROBOT_KEYS } from './harness/report-keys.js';
import { runCli } from './harness/run-cli.js';

/**
 * Fields added beside BRIEF §5's: completeness, readiness and each mission's end; the brief's pose
 * errors, which arrived with localisation; a coverage area's coverage (null without one); and the
 * path of the run's picture (`--plot`, null without one); what the sim's supervisor holds of each
 * robot's events (`eventDelivery`).
 */
const ADDED_REPORT_KEYS = ['complete', 'incompleteReason', 'plot', 'eventDelivery'];
const ADDED_ROBOT_KEYS = ['everReady', 'notReadyReason', 'missions', 'poseErrorMaxM', 'poseErrorFinalM', 'coveragePct'];

async function simulate(args: string[]): Promise<SimReport> {
  const report = join(mkdtempSync(join(tmpdir(), 'spinal-scenario-')), 'report.json');
  const result = await runCli(['sim', '--headless', '--report', report, ...args], { timeoutMs: 90_000 });
  expect(result.stderr).not.toContain('Error');
  expect(result.code).toBe(0);
  return JSON.parse(readFileSync(report, 'utf8')) as SimReport;
}

describe('scenario: default (open room, reach a goal)', () => {
  it('GIVEN the default scenario WHEN run headless for 60 s THEN the goal is reached without a collision, faster than real time', async () => {
    const report = await simulate(['--duration', '60']);
    expect(Object.keys(report).sort()).toEqual([...REPORT_KEYS, ...ADDED_REPORT_KEYS].sort());
    expect(report.scenario).toBe('default');
    expect(report.simTimeS).toBe(60);
    expect(report.realTimeFactor).toBeGreaterThan(1);
    const [robot] = report.robots;
    expect(Object.keys(robot!).sort()).toEqual([...ROBOT_KEYS, ...ADDED_ROBOT_KEYS].sort());
    expect(robot!.goalReached).toBe(true);
    expect(robot!.missionState).toBe('succeeded');
    expect(robot!.collisions).toBe(0);
    expect(robot!.distanceM).toBeGreaterThan(4.5);
    expect(report.eventsLost).toBe(0);
  }, 120_000);
});

describe('scenario: wall-ahead (driven at the wall at top speed)', () => {
  it('GIVEN a scripted drive at 0.5 m/s towards a wall WHEN run headless THEN the reflex stops the robot before contact and says why', async () => {
    const report = await simulate(['--scenario', 'simulator/scenarios/wall-ahead.yaml', '--duration', '30']);
    const [robot] = report.robots;
    expect(robot!.collisions).toBe(0);
    expect(robot!.minClearanceM).toBeGreaterThanOrEqual(0.05);
    expect(robot!.distanceM).toBeGreaterThan(2);
    const trip = robot!.reflexTrips.find((t) => t.reason.includes('obstacle'));
    expect(trip, JSON.stringify(robot!.reflexTrips)).toBeDefined();
    expect(trip!.reason).toMatch(/obstacle \d+\.\d+ m ahead/);
    expect(report.realTimeFactor).toBeGreaterThan(1);
  }, 120_000);

  it('GIVEN the same scenario WHEN the reflex is given no stopping margin, no reaction time and the most braking the board allows THEN it still must not crash, and the report shows what happened', async () => {
    // The robot's parameters are the robot's: a badly tuned reflex is visible in the report's physics.
    const report = join(mkdtempSync(join(tmpdir(), 'spinal-scenario-')), 'report.json');
    const result = await runCli(
      ['sim', '--headless', '--scenario', 'wall-ahead', '--duration', '15', '--report', report],
      {
        env: {
          ...process.env,
          SPINAL_DEBUG_LISTEN: '127.0.0.1:0',
          SPINAL_REFLEX_STOP_MARGIN_M: '0',
          // robot.stopDecelMps2 of sim-diffdrive: a larger one is refused at load (test/braking-scenario.test.ts).
          SPINAL_REFLEX_BRAKING_DECEL_MPS2: '2.5',
          SPINAL_REFLEX_REACTION_LATENCY_MS: '0',
        },
        timeoutMs: 90_000,
      },
    );
    expect(result.code).toBe(0);
    const robot = (JSON.parse(readFileSync(report, 'utf8')) as SimReport).robots[0]!;
    expect(robot.minClearanceM).toBeLessThan(0.05);
  }, 120_000);
});

describe('scenario: lidar-unplug (the lidar is unplugged for 3 s mid-drive)', () => {
  it('GIVEN the lidar disappears at 4 s for 3 s WHEN run headless THEN the robot stops, the lidar fails and recovers by itself, and the goal is reached', async () => {
    const reportFile = join(mkdtempSync(join(tmpdir(), 'spinal-scenario-')), 'report.json');
    const result = await runCli(['sim', '--headless', '--scenario', 'lidar-unplug', '--report', reportFile], {
      timeoutMs: 90_000,
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as SimReport;
    const robot = report.robots[0]!;

    // THEN the report lists the unplug with its clear time
    expect(report.faults).toEqual([{ device: 'lidar', kind: 'unplug', atS: 4, clearedAtS: 7 }]);
    // AND the reflex stopped the robot within the staleness timeout of the unplug
    const trip = robot.reflexTrips.find((t) => t.reason.startsWith('lidar-stale'));
    expect(trip, JSON.stringify(robot.reflexTrips)).toBeDefined();
    expect(trip!.simTimeS).toBeGreaterThanOrEqual(4);
    expect(trip!.simTimeS).toBeLessThanOrEqual(4.3);
    // AND the device went failed, then ok again after the replug, without a restart
    const failedAt = /\[(\d+\.\d+) s\] lidar: ok -> failed/.exec(result.stderr);
    const okAt = /\[(\d+\.\d+) s\] lidar: starting -> ok/.exec(result.stderr);
    expect(failedAt, result.stderr).not.toBeNull();
    expect(okAt, result.stderr).not.toBeNull();
    expect(Number(failedAt![1])).toBeLessThan(4.1);
    expect(Number(okAt![1])).toBeGreaterThanOrEqual(7);
    expect(Number(okAt![1])).toBeLessThan(8);
    // AND it resumed and reached its goal without touching anything
    expect(robot.goalReached).toBe(true);
    expect(robot.collisions).toBe(0);
  }, 120_000);
});

describe('a scenario per shipped board config', () => {
  it.each(['rpi4-ld06-motorhat', 'rpi5-rplidar-roboclaw', 'jetson-orin-nano-ld19-l298n'])(
    'GIVEN board-configs/%s.yaml with every device simulated where it says WHEN sent to a goal THEN it gets there without a collision',
    async (board) => {
      const report = await simulate(['--scenario', `board-${board}`, '--duration', '60']);
      const robot = report.robots[0]!;
      expect(robot).toMatchObject({ goalReached: true, collisions: 0, missionState: 'succeeded' });
      expect(robot.reflexTrips).toEqual([]);
    },
    120_000,
  );
});

describe('reflex scenarios (override hierarchy and failsafes, end to end)', () => {
  it('GIVEN a field engineer hits the e-stop on the debug port mid-drive WHEN it is reset 3 s later THEN the robot brakes at once, stays stopped while latched, then reaches its goal', async () => {
    const report = await simulate(['--scenario', 'estop-debug-port']);
    const robot = report.robots[0]!;
    const trip = robot.reflexTrips.find((t) => t.reason.startsWith('estop-request'));
    expect(trip, JSON.stringify(robot.reflexTrips)).toBeDefined();
    expect(trip!.simTimeS).toBeCloseTo(4, 1);
    expect(robot).toMatchObject({ goalReached: true, collisions: 0 });
  }, 120_000);

  it('GIVEN the planner thread blocks for 5 s mid-drive THEN the dead-man stops the robot within its timeout, and it resumes and reaches its goal', async () => {
    const report = await simulate(['--scenario', 'cortex-stall']);
    const robot = report.robots[0]!;
    const deadman = robot.reflexTrips.find((t) => t.reason.startsWith('deadman'));
    expect(deadman, JSON.stringify(robot.reflexTrips)).toBeDefined();
    expect(deadman!.simTimeS).toBeGreaterThanOrEqual(3);
    expect(deadman!.simTimeS).toBeLessThanOrEqual(3.6);
    expect(robot).toMatchObject({ goalReached: true, collisions: 0, missionState: 'succeeded' });
  }, 120_000);

  it('GIVEN the robot starts outside its geofence WHEN sent to a goal inside THEN the motion back in is allowed and it gets there', async () => {
    const report = await simulate(['--scenario', 'geofence-return']);
    const robot = report.robots[0]!;
    expect(robot).toMatchObject({ goalReached: true, collisions: 0 });
    expect(robot.reflexTrips.filter((t) => t.reason.startsWith('geofence'))).toEqual([]);
  }, 120_000);

  it('GIVEN a robot driven straight at its geofence THEN the reflex stops the robot before it leaves, whatever the planner asks', async () => {
    const report = await simulate(['--scenario', 'geofence-keep-in', '--duration', '30']);
    const robot = report.robots[0]!;
    const trip = robot.reflexTrips.find((t) => t.reason.startsWith('geofence'));
    expect(trip, JSON.stringify(robot.reflexTrips)).toBeDefined();
    expect(robot.goalReached).toBe(false);
    // Started at x = 3 facing the fence at x = 6: it stops short of the fence.
    expect(robot.distanceM).toBeGreaterThan(2.5);
    expect(robot.distanceM).toBeLessThan(3);
    expect(robot.collisions).toBe(0);
    // AND the simulator measured how far the footprint got outside the fence: not at all, or a hair
    expect(robot.geofenceBreachMaxM).not.toBeNull();
    expect(robot.geofenceBreachMaxM!).toBeLessThan(0.05);
  }, 120_000);

  it('GIVEN the battery sags mid-drive THEN the reflex stops the robot once the voltage is critical, before its goal', async () => {
    const report = await simulate(['--scenario', 'battery-sag']);
    const robot = report.robots[0]!;
    const trip = robot.reflexTrips.find((t) => t.reason.startsWith('battery-critical'));
    expect(trip, JSON.stringify(robot.reflexTrips)).toBeDefined();
    expect(trip!.simTimeS).toBeGreaterThan(8);
    expect(robot.goalReached).toBe(false);
    expect(robot.collisions).toBe(0);
    expect(report.faults).toEqual([{ device: 'battery', kind: 'sag', atS: 2, clearedAtS: null }]);
  }, 120_000);
});
