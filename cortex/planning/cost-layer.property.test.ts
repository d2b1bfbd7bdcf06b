import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOG_ODDS_MAX, LOG_ODDS_MIN, OccupancyGrid } from '../world-model/occupancy-grid.js';
import { COST_TILE_CELLS, CostLayer, LETHAL_COST } from './cost-layer.js';

/** A random grid problem: size, footprint, inflation, and occupancy flips in rounds (each round then an update with a budget). */
const problem = fc.record({
  width: fc.integer({ min: 1, max: 3 * COST_TILE_CELLS + 7 }),
  height: fc.integer({ min: 1, max: 3 * COST_TILE_CELLS + 7 }),
  resolutionM: fc.constantFrom(0.05, 0.1),
  robotRadiusM: fc.double({ min: 0, max: 0.4, noNaN: true }),
  inflationRadiusM: fc.double({ min: 0, max: 0.8, noNaN: true }),
  rounds: fc.array(
    fc.record({
      flips: fc.array(fc.record({ at: fc.nat(), occupied: fc.boolean() }), { maxLength: 60 }),
      budget: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 6 })),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});

function setCell(grid: OccupancyGrid, index: number, occupied: boolean): void {
  grid.update(index, (occupied ? LOG_ODDS_MAX : LOG_ODDS_MIN) * 2);
}

/** The costs as a build from nothing gives them, on a copy of `grid`'s occupancy. */
function fromScratch(grid: OccupancyGrid, robotRadiusM: number, inflationRadiusM: number): Uint8Array {
  const copy = new OccupancyGrid(grid.widthCells, grid.heightCells, grid.resolutionM, grid.origin);
  copy.logOdds.set(grid.logOdds);
  const layer = new CostLayer(copy, robotRadiusM, inflationRadiusM);
  expect(layer.update()).toBe(true);
  return layer.costs;
}

describe('CostLayer', () => {
  it('rebuilt tile by tile, with any budget, it ends exactly where a build from scratch does', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const grid = new OccupancyGrid(p.width, p.height, p.resolutionM, { xM: 0, yM: 0, yawRad: 0 });
        const layer = new CostLayer(grid, p.robotRadiusM, p.inflationRadiusM);
        grid.onOccupiedChange((index) => layer.changed(index));
        for (const round of p.rounds) {
          for (const flip of round.flips) setCell(grid, flip.at % grid.size, flip.occupied);
          let calls = 0;
          while (!layer.update(round.budget)) calls++;
          expect(calls).toBeLessThanOrEqual(
            Math.ceil(p.width / COST_TILE_CELLS) * Math.ceil(p.height / COST_TILE_CELLS),
          );
          expect(layer.tilesPending).toBe(0);
          expect(layer.builtFrom).toBe(grid.version);
          expect(Array.from(layer.costs)).toEqual(Array.from(fromScratch(grid, p.robotRadiusM, p.inflationRadiusM)));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('changes made while a rebuild is part done are all taken up by its end', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const grid = new OccupancyGrid(p.width, p.height, p.resolutionM, { xM: 0, yM: 0, yawRad: 0 });
        const layer = new CostLayer(grid, p.robotRadiusM, p.inflationRadiusM);
        grid.onOccupiedChange((index) => layer.changed(index));
        // Flips land between budgeted updates, never waiting for the layer to be up to date.
        for (const round of p.rounds) {
          for (const flip of round.flips) setCell(grid, flip.at % grid.size, flip.occupied);
          layer.update(1);
        }
        layer.update();
        expect(Array.from(layer.costs)).toEqual(Array.from(fromScratch(grid, p.robotRadiusM, p.inflationRadiusM)));
      }),
      { numRuns: 60 },
    );
  });

  it('an occupied cell is lethal under the footprint and costs fall off with distance beyond it', () => {
    const grid = new OccupancyGrid(41, 41, 0.05, { xM: 0, yM: 0, yawRad: 0 });
    const layer = new CostLayer(grid, 0.2, 0.4);
    grid.onOccupiedChange((index) => layer.changed(index));
    setCell(grid, 20 * 41 + 20, true);
    layer.update();
    const at = (dx: number): number => layer.costs[20 * 41 + 20 + dx] as number;
    expect(at(0)).toBe(LETHAL_COST);
    expect(at(4)).toBe(LETHAL_COST);
    expect(at(5)).toBeLessThan(LETHAL_COST);
    for (let dx = 5; dx < 12; dx++) expect(at(dx + 1)).toBeLessThanOrEqual(at(dx));
    expect(at(13)).toBe(0);
    setCell(grid, 20 * 41 + 20, false);
    layer.update();
    expect(Math.max(...layer.costs)).toBe(0);
  });
});
