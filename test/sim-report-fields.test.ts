import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimReport } from '../simulator/report.js';
import { runCli } from './harness/run-cli.js';

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'spinal-report-')), name);
  writeFileSync(file, text);
  return file;
}

async function simulate(args: string[]): Promise<{ code: number | null; stderr: string; report: SimReport | null }> {
  const reportFile = join(mkdtempSync(join(tmpdir(), 'spinal-report-')), 'report.json');
  const result = await runCli(['sim', '--headless', '--report', reportFile, ...args], { timeoutMs: 90_000 });
  let report: SimReport | null = null;
  try {
    report = JSON.parse(readFileSync(reportFile, 'utf8')) as SimReport;
  } catch {
    report = null;
  }
  return { code: result.code, stderr: result.stderr, report };
}

/** A cart runs into the robot, which stands still (nothing the reflex can do): one collision. */
const CART_SCENARIO = `name: cart-hits-robot
description: A cart rolls into a robot standing still.
durationS: 6
seed: 2
world:
  walls:
    - [0, 0, 6, 0]
    - [6, 0, 6, 4]
    - [6, 4, 0, 4]
    - [0, 4, 0, 0]
  movers:
    - id: cart
      shape: { box: { widthM: 0.4, heightM: 0.4 } }
      path: [[5, 2], [0.5, 2]]
      speedMps: 1
      startS: 1
robots:
  - id: robot-1
    board: sim-diffdrive
    start: { xM: 2, yM: 2, yawDeg: 0 }
    mission:
      drive: { vMps: 0, durationS: 6 }
`;

/** A robot on a small pack drives for 6 s, another on the default pack stands by. */
const BATTERY_SCENARIO = `name: battery-drain
durationS: 6
world:
  walls:
    - [0, 0, 6, 0]
    - [6, 0, 6, 4]
    - [6, 4, 0, 4]
    - [0, 4, 0, 0]
robots:
  - id: robot-1
    start: { xM: 1, yM: 1, yawDeg: 0 }
    mission:
      drive: { vMps: 0.3, durationS: 6 }
    battery: { capacityWh: 10, initialWh: 5 }
  - id: robot-2
    start: { xM: 1, yM: 3, yawDeg: 0 }
    mission:
      drive: { vMps: 0, durationS: 6 }
`;

describe('sim report: what happened, not only how often', () => {
  it("GIVEN a robot on a 10 Wh pack holding 5 Wh WHEN it drives for 6 s THEN the report gives the energy left, the simulator's truth", async () => {
    const { code, stderr, report } = await simulate(['--scenario', tempFile('battery.yaml', BATTERY_SCENARIO)]);
    expect(code, stderr).toBe(0);
    const [driving, standing] = report!.robots;
    // 6 s at no more than about 3 A from a pack near 11.6 V is under 0.06 Wh; the electronics alone (0.3 A) take 0.006 Wh.
    expect(driving!.energyRemainingWh).toBeLessThan(5 - 0.006);
    expect(driving!.energyRemainingWh).toBeGreaterThan(5 - 0.06);
    // The default pack: 1000 Wh, full; standing still it pays only the electronics (and the bridges' no-load current).
    expect(standing!.energyRemainingWh).toBeLessThan(1000);
    expect(standing!.energyRemainingWh).toBeGreaterThan(1000 - 0.01);
    expect(1000 - standing!.energyRemainingWh).toBeLessThan(5 - driving!.energyRemainingWh);
  }, 120_000);

  it('GIVEN a cart runs into the robot WHEN the run is reported THEN the collision has its sim time, true pose, speed and what was hit, and the smallest clearance its time', async () => {
    const { code, stderr, report } = await simulate(['--scenario', tempFile('cart.yaml', CART_SCENARIO)]);
    expect(code, stderr).toBe(0);
    const robot = report!.robots[0]!;
    expect(robot.collisions).toBe(1);
    expect(robot.collisionEvents).toHaveLength(1);
    const [event] = robot.collisionEvents;
    // The cart sets off at 1 s from x = 5 at 1 m/s; its front (x - 0.2) meets the robot's (x 2 + 0.15) at about 3.65 s.
    expect(event!.simTimeS).toBeGreaterThan(3.5);
    expect(event!.simTimeS).toBeLessThan(3.8);
    expect(event!.hit).toBe('obstacle');
    expect(event!.pose.xM).toBeCloseTo(2, 2);
    expect(event!.pose.yM).toBeCloseTo(2, 2);
    expect(Math.abs(event!.speedMps)).toBeLessThan(0.01);
    expect(robot.minClearanceM).toBe(0);
    expect(robot.minClearanceAtS).toBeCloseTo(event!.simTimeS, 2);
    expect(robot.geofenceBreachMaxM).toBeNull();
  }, 120_000);

  it('GIVEN a geofence in a --config file and none in the scenario WHEN simulating THEN the robot keeps to it and the simulator reports how far outside it got', async () => {
    // wall-ahead drives the robot east from x = 3 for 30 s; this fence ends at x = 4.5, well before the wall.
    const config = tempFile('site.yaml', 'geofence: [[0.2, 0.2], [4.5, 0.2], [4.5, 2.8], [0.2, 2.8]]\n');
    const { code, stderr, report } = await simulate([
      '--scenario',
      'wall-ahead',
      '--duration',
      '10',
      '--config',
      config,
    ]);
    expect(code, stderr).toBe(0);
    const robot = report!.robots[0]!;
    expect(robot.reflexTrips.some((t) => t.reason.startsWith('geofence'))).toBe(true);
    expect(robot.collisions).toBe(0);
    expect(robot.geofenceBreachMaxM).not.toBeNull();
    expect(robot.geofenceBreachMaxM!).toBeLessThan(0.05);
  }, 120_000);

  it('GIVEN a goal outside the geofence of the --config file WHEN simulating THEN the cortex refuses the mission, saying why, and the robot stays put', async () => {
    // The default scenario's goal is (6, 3); this fence ends at x = 4.
    const config = tempFile('site.yaml', 'geofence: [[0.2, 0.2], [4, 0.2], [4, 5.8], [0.2, 5.8]]\n');
    const { code, stderr, report } = await simulate(['--scenario', 'default', '--duration', '5', '--config', config]);
    expect(code, stderr).toBe(0);
    const robot = report!.robots[0]!;
    expect(robot).toMatchObject({ goalReached: false, missionState: 'failed', collisions: 0 });
    expect(robot.distanceM).toBeLessThan(0.05);
    // The run's lines (the refusal among them) go to stderr.
    expect(stderr).toContain('refused: the goal (6.00, 3.00) is outside the geofence');
  }, 120_000);

  it('GIVEN a geofence in both the scenario and the --config file WHEN simulating THEN it is refused with exit 2, naming both', async () => {
    const config = tempFile('site.yaml', 'geofence: [[0, 0], [4, 0], [4, 6], [0, 6]]\n');
    const { code, stderr } = await simulate(['--scenario', 'geofence-keep-in', '--config', config]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${config}: geofence:`);
    expect(stderr).toContain('robots[0].geofence');
  }, 60_000);
});
