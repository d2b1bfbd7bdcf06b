import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimRunReport } from '../cli/sim-report.js';
import { cliEnv, runCli } from './harness/run-cli.js';

/** Runs a shipped scenario headless (its robot's debug port on a free port: scripted missions go through it). */
async function simulate(scenario: string): Promise<{ report: SimRunReport; output: string }> {
  const report = join(mkdtempSync(join(tmpdir(), 'spinal-missions-')), 'report.json');
  const result = await runCli(['sim', '--headless', '--scenario', scenario, '--report', report], {
    env: cliEnv({ SPINAL_DEBUG_LISTEN: '127.0.0.1:0' }),
    timeoutMs: 180_000,
  });
  expect(result.code, result.stderr).toBe(0);
  return { report: JSON.parse(readFileSync(report, 'utf8')) as SimRunReport, output: result.stderr };
}

describe('mission scenarios', () => {
  it('patrol: PATROL x3 through the warehouse, every lap done, no collision, the pose error within 0.10 m', async () => {
    const { report } = await simulate('patrol');
    const robot = report.robots[0]!;
    expect(robot.collisions).toBe(0);
    expect(robot.missionState).toBe('succeeded');
    expect(robot.missions).toEqual([
      expect.objectContaining({
        id: 'start',
        kind: 'patrol',
        state: 'succeeded',
        reason: 'every point reached, 3 laps done',
      }),
    ]);
    expect(robot.poseErrorMaxM).not.toBeNull();
    expect(robot.poseErrorMaxM!).toBeLessThanOrEqual(0.1);
    expect(robot.distanceM).toBeGreaterThan(80);
  }, 200_000);

  it('preempt: a higher-priority GOTO sent through the debug port mid-patrol runs, then the patrol resumes and completes', async () => {
    const { report, output } = await simulate('preempt');
    const robot = report.robots[0]!;
    expect(robot.collisions).toBe(0);
    expect(robot.missions.map((m) => [m.id, m.state])).toEqual([
      ['start', 'succeeded'],
      ['urgent', 'succeeded'],
    ]);
    expect(output).toContain('script: POST /api/v1/missions -> 200');
    const lines = output.split('\n');
    const at = (text: string): number => lines.findIndex((line) => line.includes(text));
    expect(at('mission start (patrol): active -> preempted (preempted by urgent')).toBeGreaterThan(0);
    expect(at('mission urgent (goto): active -> succeeded')).toBeGreaterThan(at('active -> preempted'));
    expect(at('mission start (patrol): preempted -> active (resumed)')).toBeGreaterThan(
      at('urgent (goto): active -> succeeded'),
    );
    expect(robot.missions[0]!.reason).toBe('every point reached, 2 laps done');
  }, 200_000);

  it('mission-refused: goals outside the geofence and inside the crate get 422 with the reason, and the patrol goes on to its end', async () => {
    const { report, output } = await simulate('mission-refused');
    const robot = report.robots[0]!;
    expect(robot.collisions).toBe(0);
    expect(output).toContain('POST /api/v1/missions -> 422: the goal (7.50, 3.00) is outside the geofence');
    expect(output).toContain('POST /api/v1/missions -> 422: the goal (3.00, 1.10) is inside an obstacle on the map');
    expect(output).not.toContain('start (patrol): active -> preempted');
    expect(robot.missions.map((m) => [m.id, m.state])).toEqual([
      ['start', 'succeeded'],
      ['beyond-fence', 'failed'],
      ['in-crate', 'failed'],
    ]);
    expect(robot.missions[1]!.reason).toBe('refused: the goal (7.50, 3.00) is outside the geofence');
  }, 200_000);

  it('battery-return: the drain triggers a return to base, reached with energy left above the reserve configured (0.3 Wh)', async () => {
    const { report, output } = await simulate('battery-return');
    const robot = report.robots[0]!;
    expect(robot.collisions).toBe(0);
    const energyReturn = robot.missions.find((m) => m.kind === 'return-to-base');
    expect(energyReturn, JSON.stringify(robot.missions)).toMatchObject({
      state: 'succeeded',
      reason: 'every point reached',
    });
    // The return was the energy rule's, with its figures, and preempted the patrol, which waits while the robot rests.
    expect(output).toMatch(
      /return-to-base\): idle -> queued \(battery: [\d.]+ Wh left, [\d.]+ Wh to drive [\d.]+ m back/,
    );
    expect(robot.missions.find((m) => m.id === 'start')).toMatchObject({ kind: 'patrol', state: 'preempted' });
    expect(robot.energyRemainingWh).not.toBeNull();
    expect(robot.energyRemainingWh!).toBeGreaterThanOrEqual(0.3);
    expect(robot.reflexTrips).toEqual([]);
  }, 200_000);

  it('wedged: the wheels jam mid-drive; a consistency violation with its evidence, the explore reactions of the table, recovery once freed, no collision', async () => {
    const { report, output } = await simulate('wedged');
    const robot = report.robots[0]!;
    expect(robot.collisions).toBe(0);
    expect(output).toMatch(
      /consistency: wedged raised by (encoders|scan-matching) \(windowS [\d.]+, expectedSpeedMps [\d.]+, measuredSpeedMps [\d.]+/,
    );
    const reactions = output.split('\n').filter((line) => line.includes('consistency: reaction-'));
    expect(reactions[0]).toContain('reaction-started explore-rotate for wedged, attempt 1');
    expect(reactions.some((line) => line.includes('reaction-succeeded'))).toBe(true);
    expect(output).toContain('consistency: wedged cleared');
    expect(robot.goalReached).toBe(true);
  }, 200_000);

  it('wedged for good: the reactions run out, the robot escalates and holds its mission, never a collision', async () => {
    const scenario = join(mkdtempSync(join(tmpdir(), 'spinal-missions-')), 'wedged-for-good.yaml');
    const shipped = readFileSync(join(import.meta.dirname, '..', 'simulator', 'scenarios', 'wedged.yaml'), 'utf8');
    writeFileSync(
      scenario,
      shipped.replace('{ device: motors, kind: jam, atS: 4, durationS: 14 }', '{ device: motors, kind: jam, atS: 4 }'),
    );
    const { report, output } = await simulate(scenario);
    const robot = report.robots[0]!;
    expect(robot.collisions).toBe(0);
    expect(output).toContain('consistency: escalated escalate-and-hold for wedged');
    expect(output).toMatch(
      /mission start \(goto\): active -> held \(held: wedged after \d+ attempt\(s\) to recover \(escalated\)\)/,
    );
    expect(robot.missionState).toBe('held');
    expect(robot.goalReached).toBe(false);
  }, 200_000);

  it('survey: a SURVEY of a rectangle in lanes, the simulator measuring at least 95 % of its area swept by the footprint', async () => {
    const { report } = await simulate('survey');
    const robot = report.robots[0]!;
    expect(robot.collisions).toBe(0);
    expect(robot.missions).toEqual([expect.objectContaining({ kind: 'survey', state: 'succeeded' })]);
    expect(robot.coveragePct).not.toBeNull();
    expect(robot.coveragePct!).toBeGreaterThanOrEqual(95);
  }, 200_000);
});
