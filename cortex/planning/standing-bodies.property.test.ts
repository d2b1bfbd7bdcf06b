import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOG_ODDS_MAX, OccupancyGrid } from '../world-model/occupancy-grid.js';
import { CostLayer, LETHAL_COST } from './cost-layer.js';
import { GridAStar } from './grid-astar.js';
import { withStandingBodies } from './standing-bodies.js';

const RES_M = 0.05;
const ROBOT_RADIUS_M = 0.19;
const INFLATION_M = 0.45;

/** A hall 8 m x 3 m walled round, with a wall along y = `wallY` from x 2 to 6 that leaves a lane north of it `laneM` wide. */
function hall(laneM: number): { grid: OccupancyGrid; layer: CostLayer; laneY: number } {
  const grid = new OccupancyGrid(160, 60, RES_M, { xM: 0, yM: 0, yawRad: 0 });
  const wallY = 3 - laneM;
  for (let gy = 0; gy < 60; gy++) {
    for (let gx = 0; gx < 160; gx++) {
      const c = grid.cellCentre(gx, gy);
      const border = gx === 0 || gy === 0 || gx === 159 || gy === 59;
      const block = c.xM >= 2 && c.xM <= 6 && c.yM <= wallY;
      if (border || block) grid.update(gy * 160 + gx, LOG_ODDS_MAX);
    }
  }
  const layer = new CostLayer(grid, ROBOT_RADIUS_M, INFLATION_M);
  layer.update();
  return { grid, layer, laneY: wallY + laneM / 2 };
}

function plan(grid: OccupancyGrid, costs: Uint8Array, from: [number, number], to: [number, number]): Int32Array | null {
  const astar = new GridAStar();
  const search = {
    widthCells: grid.widthCells,
    heightCells: grid.heightCells,
    costs,
    blockedFrom: LETHAL_COST,
    costWeight: 3,
  };
  let state = astar.begin(search, grid.indexAt(...from), grid.indexAt(...to));
  while (state === 'searching') state = astar.advance(1 << 20);
  return state === 'found' ? (astar.result()?.cells ?? null) : null;
}

describe('standing bodies on the cost layer', () => {
  it('GIVEN a peer standing anywhere in an open hall WHEN a plan crosses the hall THEN it goes round the peer, its footprint never overlapping the peer', () => {
    const { grid, layer } = hall(3);
    fc.assert(
      fc.property(
        fc.double({ min: 1.5, max: 6.5, noNaN: true }),
        fc.double({ min: 0.8, max: 2.2, noNaN: true }),
        (xM, yM) => {
          const body = { xM, yM, radiusM: ROBOT_RADIUS_M };
          const costs = withStandingBodies(layer.costs, grid, [body], ROBOT_RADIUS_M, INFLATION_M);
          const cells = plan(grid, costs, [0.6, 1.5], [7.4, 1.5]);
          expect(cells).not.toBeNull();
          for (const cell of cells!) {
            const c = grid.cellCentre(cell % grid.widthCells, Math.floor(cell / grid.widthCells));
            expect(Math.hypot(c.xM - xM, c.yM - yM)).toBeGreaterThan(2 * ROBOT_RADIUS_M);
          }
        },
      ),
      { seed: 20261207, numRuns: 40 },
    );
  });

  it('GIVEN a peer standing in a lane only one robot wide WHEN a plan must use the lane THEN there still is a plan (through it: whether to drive on is the right of way s to say)', () => {
    const { grid, layer, laneY } = hall(0.5);
    fc.assert(
      fc.property(fc.double({ min: 2.5, max: 5.5, noNaN: true }), (xM) => {
        const costs = withStandingBodies(
          layer.costs,
          grid,
          [{ xM, yM: laneY, radiusM: ROBOT_RADIUS_M }],
          ROBOT_RADIUS_M,
          INFLATION_M,
        );
        expect(plan(grid, costs, [1, laneY], [7, laneY])).not.toBeNull();
        // And the layer itself is left as it was: the body is never written into the map's costs.
        expect(costs).not.toBe(layer.costs);
      }),
      { seed: 20261207, numRuns: 20 },
    );
  });
});
