// The planner benchmark (`npm run bench -- planner`): the cortex's grid A* (cortex/planning/grid-astar.ts)
// against the `pathfinding` package's A* on the same grids in the same run: 8-connected, no corner
// cutting (pathfinding's DiagonalMovement.OnlyWhenNoObstacles), octile heuristic, no inflation, so
// both solve the same shortest-path problem. Prints each grid's figures, then one JSON line.
import { createRequire } from 'node:module';
import type * as PathfindingModule from 'pathfinding';
import { GridAStar } from '../../cortex/planning/grid-astar.js';
import { percentile } from '../bench-reflex/latency-summary.js';
import { BLOCKED, mazeGrid, randomObstacleGrid, randomOpenCell } from './test-grids.js';
import { seededRandom } from '../../simulator/world/seeded-random.js';

type Pathfinding = typeof PathfindingModule;
const PF = createRequire(import.meta.url)('pathfinding') as Pathfinding;

interface Figures {
  oursMs: number[];
  theirsMs: number[];
  costRatios: number[];
}

function pathLength(path: number[][]): number {
  let cost = 0;
  for (let i = 1; i < path.length; i++) {
    const dx = Math.abs(path[i]![0]! - path[i - 1]![0]!);
    const dy = Math.abs(path[i]![1]! - path[i - 1]![1]!);
    cost += dx + dy === 2 ? Math.SQRT2 : 1;
  }
  return cost;
}

function run(size: number, kind: 'random' | 'maze', trials: number, theirTrials: number, figures: Figures): void {
  const random = seededRandom(size * 31 + (kind === 'maze' ? 7 : 3));
  const costs = kind === 'maze' ? mazeGrid(size, random) : randomObstacleGrid(size, 0.25, random);
  const matrix: number[][] = [];
  for (let y = 0; y < size; y++)
    matrix.push(Array.from(costs.subarray(y * size, (y + 1) * size), (c) => (c >= BLOCKED ? 1 : 0)));
  const pfGrid = new PF.Grid(matrix);
  const finder = new PF.AStarFinder({
    diagonalMovement: PF.DiagonalMovement.OnlyWhenNoObstacles,
    heuristic: PF.Heuristic.octile,
  });
  const astar = new GridAStar();
  const grid = { widthCells: size, heightCells: size, costs, blockedFrom: BLOCKED, costWeight: 0 };
  let done = 0;
  let attempts = 0;
  const ours: number[] = [];
  while (done < trials && attempts < trials * 20) {
    attempts++;
    const start = randomOpenCell(costs, random);
    const goal = randomOpenCell(costs, random);
    const t0 = performance.now();
    const plan = astar.plan(grid, start, goal);
    const oursMs = performance.now() - t0;
    if (!plan || plan.cells.length < size / 4) continue;
    ours.push(oursMs);
    figures.oursMs.push(oursMs);
    if (done < theirTrials) {
      const search = pfGrid.clone();
      const t1 = performance.now();
      const path = finder.findPath(
        start % size,
        Math.floor(start / size),
        goal % size,
        Math.floor(goal / size),
        search,
      );
      const theirsMs = performance.now() - t1;
      figures.theirsMs.push(theirsMs);
      figures.costRatios.push(plan.cost / pathLength(path));
    }
    done++;
  }
  ours.sort((a, b) => a - b);
  console.error(
    `${size}x${size} ${kind}: ${done} plans, ours p50 ${percentile(ours, 50).toFixed(2)} ms, p95 ${percentile(ours, 95).toFixed(2)} ms`,
  );
}

function summary(
  size: number,
  trials: number,
  theirTrials: number,
): { p95: number; speedup: number; costRatio: number } {
  const figures: Figures = { oursMs: [], theirsMs: [], costRatios: [] };
  run(size, 'random', trials, theirTrials, figures);
  run(size, 'maze', trials, theirTrials, figures);
  const ours = [...figures.oursMs].sort((a, b) => a - b);
  const oursCompared = figures.oursMs.slice(0, figures.theirsMs.length);
  const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
  const speedup = mean(figures.theirsMs) / mean(oursCompared);
  const costRatio = Math.max(...figures.costRatios);
  console.error(
    `${size}x${size}: ours p95 ${percentile(ours, 95).toFixed(2)} ms, pathfinding mean ${mean(figures.theirsMs).toFixed(2)} ms, ` +
      `speedup ${speedup.toFixed(1)}x, worst cost ratio ${costRatio.toFixed(5)}`,
  );
  return { p95: percentile(ours, 95), speedup, costRatio };
}

const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;
/** Both planners run a while untimed first, so the figures are of compiled code, not of the JIT warming up. */
function warmUp(): void {
  const random = seededRandom(99);
  const costs = randomObstacleGrid(300, 0.25, random);
  const matrix: number[][] = [];
  for (let y = 0; y < 300; y++)
    matrix.push(Array.from(costs.subarray(y * 300, (y + 1) * 300), (c) => (c >= BLOCKED ? 1 : 0)));
  const pfGrid = new PF.Grid(matrix);
  const finder = new PF.AStarFinder({
    diagonalMovement: PF.DiagonalMovement.OnlyWhenNoObstacles,
    heuristic: PF.Heuristic.octile,
  });
  const astar = new GridAStar();
  for (let i = 0; i < 30; i++) {
    const start = randomOpenCell(costs, random);
    const goal = randomOpenCell(costs, random);
    astar.plan({ widthCells: 300, heightCells: 300, costs, blockedFrom: BLOCKED, costWeight: 0 }, start, goal);
    finder.findPath(start % 300, Math.floor(start / 300), goal % 300, Math.floor(goal / 300), pfGrid.clone());
  }
}
warmUp();
summary(200, 40, 40);
const grid400 = summary(400, 40, 20);
const grid1000 = summary(1000, 10, 3);
console.log(
  JSON.stringify({
    bench: 'planner',
    grid400P95Ms: round(grid400.p95),
    grid1000P95Ms: round(grid1000.p95),
    speedupVsPathfinding400: round(grid400.speedup, 1),
    costRatioVsPathfinding400: round(grid400.costRatio, 5),
  }),
);
