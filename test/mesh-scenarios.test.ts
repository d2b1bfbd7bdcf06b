import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { SimRunReport } from '../cli/sim-report.js';
import { cliEnv, ROOT, runCli } from './harness/run-cli.js';

/** Whether something listens on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const hasMosquitto = await listening(1883);
if (process.env.CI === 'true' && !hasMosquitto) throw new Error('CI=true but Mosquitto is not on 127.0.0.1:1883');

/** The two brokers each fleet scenario runs with: the one the simulator embeds, and Mosquitto (a fleet of its own on it). */
const BROKERS = [
  { name: 'the embedded broker', env: (): Record<string, string> => ({}), skip: false },
  {
    name: 'Mosquitto',
    env: (): Record<string, string> => ({
      SPINAL_MESH_BROKER: 'mqtt://127.0.0.1:1883',
      SPINAL_MESH_FLEET: `test-${randomUUID().slice(0, 8)}`,
    }),
    skip: !hasMosquitto,
  },
];

/** Runs a scenario headless and returns its report and output. */
async function simulate(
  scenario: string,
  env: Record<string, string> = {},
): Promise<{ report: SimRunReport; output: string }> {
  const report = join(mkdtempSync(join(tmpdir(), 'spinal-mesh-')), 'report.json');
  const result = await runCli(['sim', '--headless', '--scenario', scenario, '--report', report], {
    env: cliEnv({ SPINAL_DEBUG_LISTEN: '127.0.0.1:0', ...env }),
    timeoutMs: 600_000,
  });
  expect(result.code, result.stderr).toBe(0);
  return { report: JSON.parse(readFileSync(report, 'utf8')) as SimRunReport, output: result.stderr };
}

/** A copy of a shipped scenario whose first robot's script stops the fleet's broker at `downAtS` for `forS`. */
function withBrokerOutage(scenario: string, downAtS: number, forS: number): string {
  const parsed = parse(readFileSync(join(ROOT, 'simulator', 'scenarios', `${scenario}.yaml`), 'utf8')) as {
    robots: Array<{ id: string; map?: string; script?: unknown[] }>;
  };
  const first = parsed.robots[0]!;
  first.script = [
    ...(first.script ?? []),
    { atS: downAtS, action: 'broker-stop' },
    { atS: downAtS + forS, action: 'broker-start' },
  ];
  for (const robot of parsed.robots) {
    if (robot.map) robot.map = join(ROOT, 'simulator', 'scenarios', robot.map);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'spinal-mesh-outage-')), `${scenario}-outage.yaml`);
  writeFileSync(file, stringify(parsed));
  return file;
}

/** A copy of a shipped scenario with only the robot `id` in it (its maps found where the scenario's are). */
function withRobotAlone(scenario: string, id: string): string {
  const parsed = parse(readFileSync(join(ROOT, 'simulator', 'scenarios', `${scenario}.yaml`), 'utf8')) as {
    robots: Array<{ id: string; map?: string }>;
  };
  parsed.robots = parsed.robots.filter((robot) => robot.id === id);
  for (const robot of parsed.robots) {
    if (robot.map) robot.map = join(ROOT, 'simulator', 'scenarios', robot.map);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'spinal-mesh-alone-')), `${scenario}-${id}.yaml`);
  writeFileSync(file, stringify(parsed));
  return file;
}

/** Sim time robot `id` of a shipped scenario takes to its goal with no other robot in the world, once per run. */
const timesAlone = new Map<string, Promise<number>>();
function timeAlone(scenario: string, id: string): Promise<number> {
  const key = `${scenario} ${id}`;
  let time = timesAlone.get(key);
  if (time === undefined) {
    time = simulate(withRobotAlone(scenario, id)).then(({ report }) => {
      const robot = report.robots[0]!;
      expect(robot.goalReached, `${id} alone in ${scenario}`).toBe(true);
      return robot.goalReachedAtS!;
    });
    timesAlone.set(key, time);
  }
  return time;
}

/** Every robot reached its goal, touched nothing, and the mission succeeded. */
function expectEveryGoalReached(report: SimRunReport): void {
  for (const robot of report.robots) {
    expect(
      { id: robot.id, goalReached: robot.goalReached, collisions: robot.collisions, missionState: robot.missionState },
      robot.collisionEvents.map((c) => `${c.simTimeS} s ${c.hit}`).join(', '),
    ).toEqual({ id: robot.id, goalReached: true, collisions: 0, missionState: 'succeeded' });
  }
}

describe.each(BROKERS)('fleets over the mesh, through $name', ({ env, skip }) => {
  it.skipIf(skip)(
    'corridor head-on: two robots meet in a one-robot corridor; the lower one waits in the bay ahead of it, both get ' +
      'through with no collision, each in at most twice its time alone',
    async () => {
      const { report, output } = await simulate('corridor-head-on', env());
      expect(report.robots).toHaveLength(2);
      expectEveryGoalReached(report);
      expect(output).toMatch(/robot-2 \[[\d.]+ s\] right of way: back-off for robot-1/);
      for (const robot of report.robots) {
        const aloneS = await timeAlone('corridor-head-on', robot.id);
        expect(robot.goalReachedAtS!, `${robot.id}: ${aloneS} s alone`).toBeLessThanOrEqual(2 * aloneS);
      }
    },
    900_000,
  );

  it.skipIf(skip)(
    'four-way: four robots across a crossroads at once, each across two paths: all through, no collision',
    async () => {
      const { report } = await simulate('four-way', env());
      expect(report.robots).toHaveLength(4);
      expectEveryGoalReached(report);
    },
    900_000,
  );
});

describe('fleets when things go away', () => {
  it('four-way with the supervisor stopped throughout (its address refuses every connection): all through, no collision', async () => {
    const { report } = await simulate('four-way', { SPINAL_UPLINK_TARGET: '127.0.0.1:9' });
    expectEveryGoalReached(report);
  }, 900_000);

  it(
    'four-way with the broker stopped for 20 s as the robots reach the crossroads: they hold where right of way is ' +
      'unknown, then recover and all get through with no collision',
    async () => {
      const { report, output } = await simulate(withBrokerOutage('four-way', 8, 20));
      expect(output).toContain('script: broker-stop');
      expect(output).toContain('script: broker-start');
      expectEveryGoalReached(report);
      expect(output).toMatch(/right of way: hold for robot-\d: right of way unknown/);
    },
    900_000,
  );
});
