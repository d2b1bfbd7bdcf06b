import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCKED, costGridProblems } from '../../test/harness/cost-grid-problems.js';
import { GridAStar, type CostGrid } from './grid-astar.js';
import { lineWithin, smoothPath } from './path-smoother.js';

/** Reference: Dijkstra over the same moves and step costs, with plain arrays (slow, obviously right). */
function dijkstra(grid: CostGrid, start: number, goal: number): number | null {
  const { widthCells: w, heightCells: h, costs } = grid;
  const dist = new Array<number>(w * h).fill(Infinity);
  const done = new Array<boolean>(w * h).fill(false);
  dist[start] = 0;
  for (;;) {
    let best = -1;
    for (let i = 0; i < dist.length; i++)
      if (!done[i] && dist[i]! < Infinity && (best < 0 || dist[i]! < dist[best]!)) best = i;
    if (best < 0) return null;
    if (best === goal) return dist[goal]!;
    done[best] = true;
    const x = best % w;
    const y = (best - x) / w;
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
      [1, 1],
      [1, -1],
      [-1, 1],
      [-1, -1],
    ] as const) {
      // prettier-ignore
      const nx = x + dx;
      const ny = y + dy;
      if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
      const next = ny * w + nx;
      if (costs[next]! >= grid.blockedFrom) continue;
      if (dx !== 0 && dy !== 0 && (costs[y * w + nx]! >= grid.blockedFrom || costs[ny * w + x]! >= grid.blockedFrom))
        continue;
      const step = (dx !== 0 && dy !== 0 ? Math.SQRT2 : 1) * (1 + (grid.costWeight / 254) * costs[next]!);
      dist[next] = Math.min(dist[next]!, dist[best]! + step);
    }
  }
}

const gridArbitrary = costGridProblems(
  14,
  fc.oneof(fc.constant(0), fc.constant(BLOCKED), fc.integer({ min: 0, max: 253 })),
);

describe('GridAStar (property)', () => {
  it('finds a path exactly when one exists, of the least cost, through open cells only and never cutting a corner', () => {
    const astar = new GridAStar();
    fc.assert(
      fc.property(gridArbitrary, ({ grid, start, goal }) => {
        grid.costs[start] = 0;
        const plan = astar.plan(grid, start, goal);
        const reference = dijkstra(grid, start, goal);
        if (reference === null) {
          expect(plan).toBeNull();
          return;
        }
        expect(plan).not.toBeNull();
        // The tie-break inflates the heuristic by 1e-4: the cost is optimal within that.
        expect(plan!.cost).toBeLessThanOrEqual(reference * (1 + 2e-4) + 1e-9);
        expect(plan!.cost).toBeGreaterThanOrEqual(reference - 1e-9);
        const w = grid.widthCells;
        expect(plan!.cells[0]).toBe(start);
        expect(plan!.cells.at(-1)).toBe(goal);
        for (let i = 1; i < plan!.cells.length; i++) {
          const a = plan!.cells[i - 1]!;
          const b = plan!.cells[i]!;
          const dx = (b % w) - (a % w);
          const dy = Math.floor(b / w) - Math.floor(a / w);
          expect(Math.max(Math.abs(dx), Math.abs(dy))).toBe(1);
          expect(grid.costs[b]).toBeLessThan(BLOCKED);
          if (dx !== 0 && dy !== 0) {
            expect(grid.costs[a + dx]).toBeLessThan(BLOCKED);
            expect(grid.costs[a + dy * w]).toBeLessThan(BLOCKED);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reuses its buffers: a second plan on a smaller grid gives the same answer as a fresh planner', () => {
    const shared = new GridAStar();
    fc.assert(
      fc.property(gridArbitrary, gridArbitrary, (first, second) => {
        first.grid.costs[first.start] = 0;
        second.grid.costs[second.start] = 0;
        shared.plan(first.grid, first.start, first.goal);
        const again = shared.plan(second.grid, second.start, second.goal);
        const fresh = new GridAStar().plan(second.grid, second.start, second.goal);
        expect(again?.cost ?? null).toBe(fresh?.cost ?? null);
      }),
      { numRuns: 100 },
    );
  });
});

describe('smoothPath (property)', () => {
  it('keeps start and goal and never crosses a cell costlier than the stretch of path it replaces', () => {
    const astar = new GridAStar();
    fc.assert(
      fc.property(gridArbitrary, ({ grid, start, goal }) => {
        grid.costs[start] = 0;
        const plan = astar.plan(grid, start, goal);
        if (!plan) return;
        const smooth = smoothPath(plan.cells, grid.widthCells, grid.costs, BLOCKED);
        expect(smooth[0]).toBe(start);
        expect(smooth.at(-1)).toBe(goal);
        let from = 0;
        for (let k = 1; k < smooth.length; k++) {
          const to = plan.cells.indexOf(smooth[k]!, from);
          expect(to).toBeGreaterThan(from - 1);
          let stretchMax = 0;
          for (let i = from; i <= to; i++) stretchMax = Math.max(stretchMax, grid.costs[plan.cells[i]!]!);
          // Neighbours on the plan are kept as they are (A*'s own move); longer cuts must stay within the stretch's cost.
          if (to > from + 1)
            expect(lineWithin(smooth[k - 1]!, smooth[k]!, grid.widthCells, grid.costs, stretchMax)).toBe(true);
          from = to;
        }
      }),
      { numRuns: 300 },
    );
  });
});
