import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimReport } from '../simulator/report.js';
import { cliEnv, runCli } from './harness/run-cli.js';

/**
 * Runs a scenario headless and returns its report, and its text without the wall-clock fields.
 * `mesh: false` runs the robots without the mesh: what they tell each other over MQTT arrives when
 * the broker and the threads deliver it, which the lock step does not order, so only robots that do
 * not talk repeat byte for byte (test/mesh-scenarios.test.ts covers the robots that do).
 */
async function run(
  scenario: string,
  { mesh = true }: { mesh?: boolean } = {},
): Promise<{ report: SimReport; repeatable: string; stderr: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'spinal-fleet-')), 'report.json');
  const result = await runCli(['sim', '--headless', '--scenario', scenario, '--report', file], {
    timeoutMs: 150_000,
    ...(mesh ? {} : { env: cliEnv({ SPINAL_MESH_ENABLED: 'false' }) }),
  });
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(readFileSync(file, 'utf8')) as SimReport;
  const {
    wallTimeS: _wall,
    realTimeFactor: _factor,
    plot: _plot,
    ...repeatable
  } = report as SimReport & { plot?: unknown };
  return { report, repeatable: JSON.stringify(repeatable, null, 2), stderr: result.stderr };
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

describe('fleets: several robots in one world', () => {
  it(
    'GIVEN two robots passing each other in opposite lanes WHEN run three times, once with a CPU hog beside it ' +
      'THEN the reports match byte for byte apart from wall-clock fields, and list both robots, each at its own goal',
    async () => {
      const first = await run('two-robots-passing', { mesh: false });
      const loaded = await underCpuLoad(() => run('two-robots-passing', { mesh: false }));
      const third = await run('two-robots-passing', { mesh: false });
      expect(loaded.repeatable).toBe(first.repeatable);
      expect(third.repeatable).toBe(first.repeatable);

      const [one, two] = first.report.robots;
      expect(first.report.robots.map((r) => r.id)).toEqual(['robot-1', 'robot-2']);
      // Each robot's devices are its own: its motors moved its body, its lidar and odometry took it
      // to its own goal (8 m east for robot-1, 6 m west for robot-2, from the goal's tolerance).
      for (const robot of [one!, two!]) {
        expect(robot).toMatchObject({ goalReached: true, missionState: 'succeeded', collisions: 0, reflexTrips: [] });
      }
      expect(one!.distanceM).toBeGreaterThan(7.7);
      expect(one!.distanceM).toBeLessThan(8.1);
      expect(two!.distanceM).toBeGreaterThan(5.7);
      expect(two!.distanceM).toBeLessThan(6.1);
      expect(first.stderr).toContain('2 robots (robot-1 on sim-diffdrive, robot-2 on sim-diffdrive)');
    },
    600_000,
  );

  it('GIVEN the same two robots on the mesh WHEN run THEN the same outcome: their claims never cross, so neither holds for the other', async () => {
    const { report, stderr } = await run('two-robots-passing');
    for (const robot of report.robots) {
      expect(robot).toMatchObject({ goalReached: true, missionState: 'succeeded', collisions: 0, reflexTrips: [] });
    }
    expect(stderr).not.toContain('right of way: hold');
  }, 150_000);

  it('GIVEN a robot whose reflex stops too late driving at a parked robot WHEN run THEN the contact is in the report of both, naming the other', async () => {
    const { report } = await run('test/fixtures/fleet/robot-contact.yaml');
    const parked = report.robots.find((r) => r.id === 'parked')!;
    const rammer = report.robots.find((r) => r.id === 'rammer')!;
    expect(rammer.collisions).toBe(1);
    expect(parked.collisions).toBe(1);
    expect(rammer.collisionEvents).toHaveLength(1);
    expect(rammer.collisionEvents[0]).toMatchObject({ hit: 'robot:parked' });
    expect(parked.collisionEvents[0]).toMatchObject({ hit: 'robot:rammer', speedMps: 0 });
    // The same contact, seen from both sides: at the same instant, the rammer still moving.
    expect(parked.collisionEvents[0]!.simTimeS).toBe(rammer.collisionEvents[0]!.simTimeS);
    expect(rammer.collisionEvents[0]!.speedMps).toBeGreaterThan(0.1);
    // Its front (0.15 m ahead of its centre) against the parked robot's rear face at x 4 - 0.15.
    expect(rammer.collisionEvents[0]!.pose.xM).toBeGreaterThan(3.6);
    expect(rammer.collisionEvents[0]!.pose.xM).toBeLessThan(3.71);
    expect(rammer.minClearanceM).toBe(0);
    expect(parked.distanceM).toBe(0);
  }, 150_000);
  it("GIVEN two robots and a scripted e-stop for the second WHEN run THEN it goes through the second robot's own debug port and stops that robot only", async () => {
    const { report, stderr } = await run('test/fixtures/fleet/second-robot-estop.yaml');
    const [one, two] = report.robots;
    expect(stderr).toContain('robot-2 [2.000 s] script: POST /api/v1/estop -> 200');
    expect(two!.reflexTrips).toEqual([{ reason: 'estop-request: operator: scenario script', simTimeS: 2 }]);
    expect(one!.reflexTrips).toEqual([]);
    // Both set off at 0.3 m/s; the second stopped at 2 s, the first drove on for 5 s.
    expect(two!.distanceM).toBeLessThan(0.7);
    expect(one!.distanceM).toBeGreaterThan(1.2);
  }, 150_000);
});
