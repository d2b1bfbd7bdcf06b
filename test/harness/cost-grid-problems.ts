import fc from 'fast-check';
import type { CostGrid } from '../../cortex/planning/grid-astar.js';

/** The cost from which a cell is blocked in the generated grids. */
export const BLOCKED = 254;

/**
 * Random shortest-path problems for the grid planner: a grid of `2..maxSide` cells a side whose
 * cells are drawn from `cell`, a cost weight of 0 or 3, and a start and a goal cell anywhere.
 */
export function costGridProblems(
  maxSide: number,
  cell: fc.Arbitrary<number>,
): fc.Arbitrary<{ grid: CostGrid; start: number; goal: number }> {
  return fc
    .record({
      w: fc.integer({ min: 2, max: maxSide }),
      h: fc.integer({ min: 2, max: maxSide }),
      weight: fc.constantFrom(0, 3),
    })
    .chain(({ w, h, weight }) =>
      fc.record({
        grid: fc.array(cell, { minLength: w * h, maxLength: w * h }).map((cells): CostGrid => ({
          widthCells: w,
          heightCells: h,
          costs: Uint8Array.from(cells),
          blockedFrom: BLOCKED,
          costWeight: weight,
        })),
        start: fc.integer({ min: 0, max: w * h - 1 }),
        goal: fc.integer({ min: 0, max: w * h - 1 }),
      }),
    );
}
