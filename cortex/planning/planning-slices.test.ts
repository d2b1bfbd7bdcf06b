import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import { poseAtTime, type OdometrySample } from '../../messages/odometry.js';
import { paramsWith } from '../../test/harness/test-params.js';
import { walledGrid } from '../../test/harness/walled-grid.js';
import { VirtualClock } from '../../time/virtual-clock.js';
import { cortexSettingsFromParams } from '../cortex-settings.js';
import { MissionExecutor, type ExecutorOutput } from '../mission-executor.js';
import { BLOCKED, costGridProblems } from '../../test/harness/cost-grid-problems.js';
import { GridAStar } from './grid-astar.js';

/** Planning problems with a budget per slice; open cells more common than in the planner's own property test. */
const gridArbitrary = fc
  .tuple(
    costGridProblems(
      40,
      fc.oneof(fc.constant(0), fc.constant(0), fc.constant(BLOCKED), fc.integer({ min: 0, max: 253 })),
    ),
    fc.integer({ min: 1, max: 30 }),
  )
  .map(([problem, budget]) => ({ ...problem, budget }));

describe('GridAStar in slices (property)', () => {
  it('a search run a few cells at a time gives the same plan as one run in one go', () => {
    const sliced = new GridAStar();
    const whole = new GridAStar();
    fc.assert(
      fc.property(gridArbitrary, ({ grid, start, goal, budget }) => {
        grid.costs[start] = 0;
        const reference = whole.plan(grid, start, goal);
        let state = sliced.begin(grid, start, goal);
        let calls = 0;
        while (state === 'searching') {
          const before = sliced.expandedCells;
          state = sliced.advance(budget);
          calls++;
          // Each slice keeps to its budget.
          expect(sliced.expandedCells - before).toBeLessThanOrEqual(budget);
        }
        const plan = sliced.result();
        expect(plan?.cost ?? null).toBe(reference?.cost ?? null);
        expect(plan ? Array.from(plan.cells) : null).toEqual(reference ? Array.from(reference.cells) : null);
        if (reference) expect(calls).toBeGreaterThanOrEqual(Math.ceil(reference.expanded / budget));
      }),
      { numRuns: 300 },
    );
  });
});

const RESOLUTION_M = 0.05;
const SIDE_CELLS = 600;

/** A 30 m square map, walled round, with a wall across from the south edge to 3 m short of the north one at x = 15 m. */
function walledMap(): OccupancyGridMessage {
  const wallX = Math.round(15 / RESOLUTION_M);
  return walledGrid(SIDE_CELLS, RESOLUTION_M, (x, y) => x === wallX && y < SIDE_CELLS - 60);
}

/** A cortex on the walled map sent from (5, 5) to (25, 5) behind the wall, run for `cycles` cycles with the robot moving exactly as told. */
function runCortex(planExpansionsPerCycle: number, cycles: number) {
  const settings = { ...cortexSettingsFromParams(paramsWith()), localisation: false, planExpansionsPerCycle };
  const periodUs = 1e6 / settings.rateHz;
  const clock = new VirtualClock(0);
  const sent: ExecutorOutput[] = [];
  let odometry: OdometrySample = { stampUs: 0, pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0, wRadps: 0 };
  const executor: MissionExecutor = new MissionExecutor(
    clock,
    settings,
    (message) => {
      if (message.t !== 'mission') sent.push(message);
      if (message.t !== 'drive') return;
      const { vMps, wRadps, stampUs } = message.command;
      odometry = { stampUs, pose: poseAtTime(odometry, stampUs), vMps, wRadps };
      executor.odometry(odometry);
    },
    odometry,
  );
  executor.useWorldModel(walledMap());
  executor.start({
    mission: { kind: 'goto', goal: { xM: 25, yM: 5 }, toleranceM: 0.2 },
    initialPose: { xM: 5, yM: 5, yawRad: 0 },
  });
  const navigator = executor.navigator!;
  let firstPath: { xM: number; yM: number }[] = [];
  let planSteps = 0;
  for (let i = 1; i <= cycles && firstPath.length === 0; i++) {
    clock.advanceTo(i * periodUs);
    if (navigator.plans > 0) {
      firstPath = navigator.path;
      planSteps = navigator.lastPlanSteps;
    }
  }
  return { sent, periodUs, firstPath, planSteps, plans: navigator.plans };
}

describe('Navigator planning in slices', () => {
  it('GIVEN a long plan and a small budget per cycle THEN the plan spreads over many cycles, a drive command and a heartbeat go out every cycle meanwhile, and the path is the one planned in one go', () => {
    const whole = runCortex(10_000_000, 400);
    const sliced = runCortex(2_000, 400);

    // The unsliced plan is done in the first cycle; the sliced one takes many.
    expect(whole.planSteps).toBe(1);
    expect(sliced.planSteps).toBeGreaterThan(10);
    expect(sliced.plans).toBe(1);

    // The same path round the wall (its first point is where the robot was when the plan was done).
    expect(sliced.firstPath.length).toBeGreaterThan(2);
    expect(sliced.firstPath.slice(1)).toEqual(whole.firstPath.slice(1));
    expect(sliced.firstPath.some((p) => p.yM > 20)).toBe(true);

    // Every cycle, while the plan was searched too, sent its drive command and then its status (the heartbeat), stamped on the period.
    // What the mesh is told goes after the status; this is about the drive and the status.
    const steps = sliced.sent.filter((m) => m.t === 'drive' || m.t === 'status');
    const kinds = steps.map((m) => m.t);
    const cycles = kinds.length / 2;
    expect(cycles).toBeGreaterThanOrEqual(sliced.planSteps);
    for (let i = 0; i < cycles; i++) {
      expect(kinds[2 * i]).toBe('drive');
      expect(kinds[2 * i + 1]).toBe('status');
      const drive = steps[2 * i]!;
      if (drive.t !== 'drive') continue;
      expect(drive.command.stampUs).toBe(i * sliced.periodUs);
      // With no path yet, the robot holds while the plan is searched.
      if (i < sliced.planSteps - 1) expect(drive.command).toMatchObject({ vMps: 0, wRadps: 0 });
    }
  });
});
