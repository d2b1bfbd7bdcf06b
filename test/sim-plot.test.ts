import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimRunReport } from '../cli/sim-report.js';
import { ROOT, runCli } from './harness/run-cli.js';

/** Runs a scenario headless with `--plot` and `--report`; the picture and the report. */
async function plotted(scenario: string, durationS: number): Promise<{ svg: string; report: SimRunReport }> {
  const dir = mkdtempSync(join(tmpdir(), 'spinal-plot-'));
  const plot = join(dir, 'run.svg');
  const reportFile = join(dir, 'report.json');
  const result = await runCli(
    [
      'sim',
      '--headless',
      '--scenario',
      scenario,
      '--duration',
      String(durationS),
      '--report',
      reportFile,
      '--plot',
      plot,
    ],
    { timeoutMs: 90_000 },
  );
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as SimRunReport;
  expect(report.plot).toBe(plot);
  expect(result.stderr).toContain(`plot: ${plot}`);
  return { svg: readFileSync(plot, 'utf8'), report };
}

/** The picture marks exactly the report's trips and collisions, each robot's true path and the minimum clearance. */
function expectMarksOf(svg: string, report: SimRunReport): void {
  expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  const trips = report.robots.flatMap((r) => r.reflexTrips);
  const collisions = report.robots.reduce((sum, r) => sum + r.collisions, 0);
  expect(svg.match(/<g class="trip">/g) ?? []).toHaveLength(trips.length);
  expect(svg.match(/<g class="collision">/g) ?? []).toHaveLength(collisions);
  for (const robot of report.robots) {
    expect(svg).toContain(`data-robot="${robot.id}"`);
    expect(svg).toContain(
      `${robot.id}: solid = true pose, dashed = believed pose, ${robot.reflexTrips.length} trip(s), ${robot.collisions} collision(s)`,
    );
  }
}

const SHIPPED = readdirSync(join(ROOT, 'simulator', 'scenarios'))
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => name.replace(/\.yaml$/, ''));

/** A cart runs into a robot standing still (nothing the reflex can do): one collision with an obstacle. */
const CART_SCENARIO = `name: cart-hits-robot
durationS: 4
world:
  walls: [[0, 0, 6, 0], [6, 0, 6, 4], [6, 4, 0, 4], [0, 4, 0, 0]]
  movers:
    - id: cart
      shape: { box: { widthM: 0.4, heightM: 0.4 } }
      path: [[5, 2], [0.5, 2]]
      speedMps: 1
      startS: 0.5
robots:
  - id: robot-1
    start: { xM: 2, yM: 2, yawDeg: 0 }
    mission:
      drive: { vMps: 0, durationS: 4 }
`;

describe('spinal sim --plot: a picture of every run', () => {
  it.each(SHIPPED)(
    'GIVEN the shipped scenario %s WHEN run for a second with --plot THEN the SVG draws the world and marks what the report lists',
    async (scenario) => {
      const { svg, report } = await plotted(scenario, 1);
      expectMarksOf(svg, report);
      expect(svg).toContain('<line class="wall"');
      expect(svg).toContain('<polyline class="true"');
    },
    120_000,
  );

  it('GIVEN wall-ahead WHEN the reflex stops the robot at the wall THEN the trip is marked where it fired, with its reason, and the minimum clearance too', async () => {
    const { svg, report } = await plotted('wall-ahead', 10);
    const [robot] = report.robots;
    const trip = robot!.reflexTrips.find((t) => t.reason.includes('obstacle'));
    expect(trip, JSON.stringify(robot!.reflexTrips)).toBeDefined();
    expectMarksOf(svg, report);
    expect(svg).toContain(`trip 1 at ${trip!.simTimeS} s: ${trip!.reason}`);
    expect(svg).toContain(`minimum clearance ${robot!.minClearanceM} m at ${robot!.minClearanceAtS} s`);
    expect(svg).toContain('<polyline class="believed"');
  }, 120_000);

  it('GIVEN a cart that runs into the robot WHEN plotted THEN the collision is marked with what was hit', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'spinal-plot-')), 'cart.yaml');
    writeFileSync(file, CART_SCENARIO);
    const { svg, report } = await plotted(file, 4);
    expect(report.robots[0]!.collisions).toBeGreaterThanOrEqual(1);
    expectMarksOf(svg, report);
    const hit = report.robots[0]!.collisionEvents[0]!;
    expect(svg).toMatch(new RegExp(`collision \\d+ at ${hit.simTimeS} s with ${hit.hit}`));
    expect(svg).toContain('minimum clearance 0 m');
  }, 120_000);
});
