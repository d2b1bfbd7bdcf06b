import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Point2D } from '../../messages/geometry.js';
import { LETHAL_COST } from '../planning/cost-layer.js';
import { OccupancyGrid } from '../world-model/occupancy-grid.js';
import { findPathContradiction, plannedFreeSpace } from './path-contradiction.js';

const RESOLUTION_M = 0.05;
const SIDE_CELLS = 120;
const SIDE_M = SIDE_CELLS * RESOLUTION_M;

/** A path of a few points well inside the 6 m map, the robot at its start. */
const path = fc
  .array(
    fc.record({
      xM: fc.double({ min: 0.5, max: SIDE_M - 0.5, noNaN: true }),
      yM: fc.double({ min: 0.5, max: SIDE_M - 0.5, noNaN: true }),
    }),
    { minLength: 2, maxLength: 5 },
  )
  .filter((points) =>
    points.every((p, i) => i === 0 || Math.hypot(p.xM - points[i - 1]!.xM, p.yM - points[i - 1]!.yM) > 0.2),
  );

const options = fc.record({
  lookaheadM: fc.double({ min: 0.5, max: 4, noNaN: true }),
  corridorHalfWidthM: fc.double({ min: 0.1, max: 0.4, noNaN: true }),
});

function freeMap() {
  const grid = new OccupancyGrid(SIDE_CELLS, SIDE_CELLS, RESOLUTION_M, { xM: 0, yM: 0, yawRad: 0 });
  return { grid, costs: new Uint8Array(grid.size) };
}

/** The point `alongM` along `points` and the unit direction there (independent of the module's walk). */
function along(points: readonly Point2D[], alongM: number): { at: Point2D; dx: number; dy: number } {
  let left = alongM;
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const length = Math.hypot(b.xM - a.xM, b.yM - a.yM);
    if (left <= length || i === points.length - 2) {
      const f = Math.min(1, left / length);
      return {
        at: { xM: a.xM + f * (b.xM - a.xM), yM: a.yM + f * (b.yM - a.yM) },
        dx: (b.xM - a.xM) / length,
        dy: (b.yM - a.yM) / length,
      };
    }
    left -= length;
  }
  throw new Error('empty path');
}

function lengthOf(points: readonly Point2D[]): number {
  let sum = 0;
  for (let i = 1; i < points.length; i++)
    sum += Math.hypot(points[i]!.xM - points[i - 1]!.xM, points[i]!.yM - points[i - 1]!.yM);
  return sum;
}

const sampleCache = new WeakMap<readonly Point2D[], Map<number, Point2D[]>>();

/** Distance from `p` to the first `lookaheadM` of `points`, by sampling it every 2 mm. */
function sampledDistance(points: readonly Point2D[], lookaheadM: number, p: Point2D): number {
  let byLookahead = sampleCache.get(points);
  if (!byLookahead) sampleCache.set(points, (byLookahead = new Map()));
  let samples = byLookahead.get(lookaheadM);
  if (!samples) {
    samples = [];
    const end = Math.min(lookaheadM, lengthOf(points));
    for (let s = 0; s <= end; s += 0.002) samples.push(along(points, s).at);
    samples.push(along(points, end).at);
    byLookahead.set(lookaheadM, samples);
  }
  let best = Infinity;
  for (const at of samples) best = Math.min(best, Math.hypot(at.xM - p.xM, at.yM - p.yM));
  return best;
}

const scanOf = (points: readonly Point2D[]) => ({
  count: points.length,
  xM: Float32Array.from(points.map((p) => p.xM)),
  yM: Float32Array.from(points.map((p) => p.yM)),
});

describe('findPathContradiction', () => {
  it('finds an obstacle point placed on the path ahead, in free space, with where along the path it lies', () => {
    fc.assert(
      fc.property(
        path,
        options,
        fc.double({ min: 0.02, max: 0.98, noNaN: true }),
        fc.double({ min: -0.9, max: 0.9, noNaN: true }),
        (points, opts, share, lateral) => {
          const { grid, costs } = freeMap();
          const s = share * Math.min(opts.lookaheadM, lengthOf(points));
          const { at, dx, dy } = along(points, s);
          const obstacle = {
            xM: at.xM - dy * lateral * opts.corridorHalfWidthM,
            yM: at.yM + dx * lateral * opts.corridorHalfWidthM,
          };
          const found = findPathContradiction(
            points,
            points[0]!,
            scanOf([obstacle]),
            plannedFreeSpace(grid, costs),
            opts,
          );
          expect(found?.points).toBe(1);
          const evidence = found!.evidence!;
          expect(evidence.offPathM).toBeLessThanOrEqual(opts.corridorHalfWidthM + 1e-6);
          expect(evidence.alongPathM).toBeLessThanOrEqual(s + opts.corridorHalfWidthM + 1e-6);
          expect(evidence.lookaheadM).toBeCloseTo(Math.min(opts.lookaheadM, lengthOf(points)), 6);
          expect(evidence.nearest.xM).toBeCloseTo(obstacle.xM, 4);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts no point clear of the path ahead, nor one on the path in a cell the plan knew as an obstacle', () => {
    fc.assert(
      fc.property(
        path,
        options,
        fc.array(
          fc.record({
            xM: fc.double({ min: 0, max: SIDE_M, noNaN: true }),
            yM: fc.double({ min: 0, max: SIDE_M, noNaN: true }),
          }),
          {
            maxLength: 30,
          },
        ),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (points, opts, scattered, share) => {
          const { grid, costs } = freeMap();
          const clear = scattered.filter(
            (p) => sampledDistance(points, opts.lookaheadM, p) > opts.corridorHalfWidthM + 0.005,
          );
          const { at } = along(points, share * Math.min(opts.lookaheadM, lengthOf(points)));
          // The scan carries float32 coordinates: mark the cell the point lands in as such.
          costs[grid.indexAt(Math.fround(at.xM), Math.fround(at.yM))] = LETHAL_COST;
          const found = findPathContradiction(
            points,
            points[0]!,
            scanOf([...clear, at]),
            plannedFreeSpace(grid, costs),
            opts,
          );
          expect(found).toEqual({ points: 0, evidence: null });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('counts exactly the points within the corridor of the path ahead (against a sampled path)', () => {
    fc.assert(
      fc.property(
        path,
        options,
        fc.array(
          fc.record({
            xM: fc.double({ min: 0, max: SIDE_M, noNaN: true }),
            yM: fc.double({ min: 0, max: SIDE_M, noNaN: true }),
          }),
          {
            maxLength: 40,
          },
        ),
        (points, opts, scattered) => {
          const { grid, costs } = freeMap();
          const r = opts.corridorHalfWidthM;
          // Leave out points near the corridor's edge or near its two ends, where sampling cannot tell.
          const start = points[0]!;
          const end = along(points, Math.min(opts.lookaheadM, lengthOf(points))).at;
          const judged = scattered.filter((p) => {
            const d = sampledDistance(points, opts.lookaheadM, p);
            const nearEnds =
              Math.hypot(p.xM - start.xM, p.yM - start.yM) < r + 0.01 ||
              Math.hypot(p.xM - end.xM, p.yM - end.yM) < r + 0.01;
            return Math.abs(d - r) > 0.005 && !nearEnds;
          });
          const inside = judged.filter((p) => sampledDistance(points, opts.lookaheadM, p) < r).length;
          const found = findPathContradiction(points, start, scanOf(judged), plannedFreeSpace(grid, costs), opts);
          expect(found?.points).toBe(inside);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('ignores what lies behind the robot, and says nothing without a path', () => {
    const { grid, costs } = freeMap();
    const points = [
      { xM: 1, yM: 3 },
      { xM: 5, yM: 3 },
    ];
    // Within the corridor's reach of where the path ahead starts, but behind it.
    const behind = { xM: 1.85, yM: 3 };
    const ahead = { xM: 2.5, yM: 3.05 };
    const opts = { lookaheadM: 2, corridorHalfWidthM: 0.25 };
    const found = findPathContradiction(
      points,
      { xM: 2, yM: 3.1 },
      scanOf([behind, ahead]),
      plannedFreeSpace(grid, costs),
      opts,
    );
    expect(found?.points).toBe(1);
    expect(found?.evidence?.alongPathM).toBeCloseTo(0.5, 6);
    expect(
      findPathContradiction([points[0]!], points[0]!, scanOf([ahead]), plannedFreeSpace(grid, costs), opts),
    ).toBeNull();
  });
});
