import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Point2D, Pose2D } from '../../messages/geometry.js';
import { CoverageRaster, SweptFootprintCoverage } from './coverage-raster.js';
import { footprintPolygon } from './geometry.js';

const p = (xM: number, yM: number): Point2D => ({ xM, yM });
const rectangle = (x0: number, y0: number, x1: number, y1: number): Point2D[] => [
  p(x0, y0),
  p(x1, y0),
  p(x1, y1),
  p(x0, y1),
];

/**
 * Drags a `lengthM` x `widthM` footprint facing `yawRad` in `steps` equal steps, `distanceM` in all
 * along `travelRad` (a crab walk when the two differ), starting centred at `start`.
 */
function drag(
  coverage: SweptFootprintCoverage,
  start: Point2D,
  yawRad: number,
  travelRad: number,
  distanceM: number,
  steps: number,
  lengthM: number,
  widthM: number,
): void {
  for (let i = 0; i <= steps; i++) {
    const d = (distanceM * i) / steps;
    const pose: Pose2D = { xM: start.xM + d * Math.cos(travelRad), yM: start.yM + d * Math.sin(travelRad), yawRad };
    coverage.update(footprintPolygon(pose, lengthM, widthM));
  }
}

/**
 * The area a rectangle sweeps moving straight a distance d at an angle φ to its heading: the
 * rectangle itself and a band as wide as its extent across the motion, L·|sin φ| + W·|cos φ|.
 */
function sweptAreaM2(lengthM: number, widthM: number, distanceM: number, crabRad: number): number {
  return lengthM * widthM + distanceM * (lengthM * Math.abs(Math.sin(crabRad)) + widthM * Math.abs(Math.cos(crabRad)));
}

describe('CoverageRaster', () => {
  it('rasterises the area at 2 cm: a 5 m x 4 m rectangle is 250 x 200 cells, 20 m²', () => {
    const raster = new CoverageRaster(rectangle(0, 0, 5, 4));
    expect(raster.cellM).toBe(0.02);
    expect(raster.areaCells).toBe(250 * 200);
    expect(raster.areaM2).toBeCloseTo(20, 6);
    expect(raster.coveragePct).toBe(0);
  });

  it('counts a concave area by its cells: an L of 3 m² at 2 cm', () => {
    const raster = new CoverageRaster([p(0, 0), p(2, 0), p(2, 1), p(1, 1), p(1, 2), p(0, 2)]);
    expect(raster.areaM2).toBeCloseTo(3, 6);
  });

  it('chooses coarser cells for a large area, keeping to maxCells', () => {
    const raster = new CoverageRaster(rectangle(0, 0, 1000, 500), { maxCells: 1_000_000 });
    expect(raster.cellM).toBeGreaterThan(0.02);
    expect(raster.areaCells).toBeLessThanOrEqual(1_000_000);
    expect(raster.areaM2).toBeGreaterThan(0.99 * 500_000);
    expect(raster.areaM2).toBeLessThanOrEqual(500_000 * 1.000001);
  });

  it('marks only cells of the area: a shape half outside covers only its half inside', () => {
    const raster = new CoverageRaster(rectangle(0, 0, 2, 2));
    raster.markConvex(rectangle(1, -1, 3, 1));
    expect(raster.coveredM2).toBeCloseTo(1, 6);
    expect(raster.coveragePct).toBeCloseTo(25, 6);
    expect(raster.isCovered(p(1.5, 0.5))).toBe(true);
    expect(raster.isCovered(p(0.5, 0.5))).toBe(false);
  });
});

describe('SweptFootprintCoverage', () => {
  it('GIVEN a 0.30 x 0.24 m footprint dragged 3 m east through a 5 m x 4 m area THEN it covers (3 + 0.30) x 0.24 m', () => {
    const coverage = new SweptFootprintCoverage(new CoverageRaster(rectangle(0, 0, 5, 4)));
    drag(coverage, p(1, 2), 0, 0, 3, 3000, 0.3, 0.24);
    expect(coverage.raster.coveredM2).toBeCloseTo(3.3 * 0.24, 2);
    expect(coverage.coveragePct).toBeCloseTo((100 * 3.3 * 0.24) / 20, 1);
  });

  it('leaves no gap when the footprint moves farther than its own length in one update', () => {
    const fine = new SweptFootprintCoverage(new CoverageRaster(rectangle(0, 0, 5, 4)));
    const coarse = new SweptFootprintCoverage(new CoverageRaster(rectangle(0, 0, 5, 4)));
    drag(fine, p(1, 2), 0, 0, 3, 3000, 0.3, 0.24);
    drag(coarse, p(1, 2), 0, 0, 3, 2, 0.3, 0.24);
    expect(coarse.raster.coveredM2).toBeCloseTo(fine.raster.coveredM2, 6);
  });

  it('GIVEN a footprint driven up and down a 2 m x 1.2 m strip in five lanes 0.24 m apart THEN it covers all of it', () => {
    const coverage = new SweptFootprintCoverage(new CoverageRaster(rectangle(0, 0, 2, 1.2)));
    for (let lane = 0; lane < 5; lane++) {
      const y = 0.12 + 0.24 * lane;
      const east = lane % 2 === 0;
      drag(coverage, p(east ? 0.15 : 1.85, y), east ? 0 : Math.PI, east ? 0 : Math.PI, 1.7, 200, 0.3, 0.24);
    }
    expect(coverage.coveragePct).toBeGreaterThan(99);
  });

  it('covers what a straight sweep sweeps, for any heading, direction, size, distance and step count', () => {
    fc.assert(
      fc.property(
        fc.record({
          x: fc.double({ min: 3, max: 7, noNaN: true }),
          y: fc.double({ min: 3, max: 7, noNaN: true }),
          yawRad: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
          crabRad: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
          distanceM: fc.double({ min: 0, max: 2.5, noNaN: true }),
          steps: fc.integer({ min: 1, max: 300 }),
          lengthM: fc.double({ min: 0.1, max: 0.6, noNaN: true }),
          widthM: fc.double({ min: 0.1, max: 0.6, noNaN: true }),
        }),
        ({ x, y, yawRad, crabRad, distanceM, steps, lengthM, widthM }) => {
          // The area (10 m x 10 m) holds the whole sweep: it starts 3 m in and goes at most 2.5 m + 0.43 m.
          const coverage = new SweptFootprintCoverage(new CoverageRaster(rectangle(0, 0, 10, 10)));
          drag(coverage, p(x, y), yawRad, yawRad + crabRad, distanceM, steps, lengthM, widthM);
          const expected = sweptAreaM2(lengthM, widthM, distanceM, crabRad);
          // Cells are counted by their centres: the count can be off by up to half a cell along the outline.
          const outlineM = 2 * (distanceM + lengthM + widthM) + 2 * (lengthM + widthM);
          const toleranceM2 = (outlineM * coverage.raster.cellM) / 2;
          expect(Math.abs(coverage.raster.coveredM2 - expected)).toBeLessThanOrEqual(toleranceM2);
          expect(coverage.coveragePct).toBeCloseTo((100 * coverage.raster.coveredM2) / 100, 9);
        },
      ),
    );
  });
});
