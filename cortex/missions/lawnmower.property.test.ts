import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Point2D } from '../../messages/geometry.js';
import { defaultSweepAngleRad, lawnmowerPath, type LawnmowerPath, type SurveyLane } from './lawnmower.js';

/*
 * The references below are written out apart from the module's own geometry: a winding-number
 * inside test, distances by projection, and coverage by rasterising the inset polygon and testing
 * each cell centre against the bands the lanes sweep.
 */

const p = (xM: number, yM: number): Point2D => ({ xM, yM });

/** Winding number of the polygon around `q` (non-zero: inside). */
function windingNumber(q: Point2D, polygon: readonly Point2D[]): number {
  let winding = 0;
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i]!;
    const b = polygon[(i + 1) % polygon.length]!;
    const cross = (b.xM - a.xM) * (q.yM - a.yM) - (q.xM - a.xM) * (b.yM - a.yM);
    if (a.yM <= q.yM && b.yM > q.yM && cross > 0) winding++;
    if (a.yM > q.yM && b.yM <= q.yM && cross < 0) winding--;
  }
  return winding;
}

function boundaryDistance(q: Point2D, polygon: readonly Point2D[]): number {
  let best = Infinity;
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i]!;
    const b = polygon[(i + 1) % polygon.length]!;
    const ex = b.xM - a.xM;
    const ey = b.yM - a.yM;
    const lengthSq = ex * ex + ey * ey;
    const t = lengthSq > 0 ? Math.max(0, Math.min(1, ((q.xM - a.xM) * ex + (q.yM - a.yM) * ey) / lengthSq)) : 0;
    best = Math.min(best, Math.hypot(q.xM - a.xM - t * ex, q.yM - a.yM - t * ey));
  }
  return best;
}

/** Inside the polygon and at least `insetM` from its boundary, less `slackM`. */
function inInset(q: Point2D, polygon: readonly Point2D[], insetM: number, slackM = 1e-7): boolean {
  const d = boundaryDistance(q, polygon);
  if (d < insetM - slackM) return false;
  return windingNumber(q, polygon) !== 0 || d <= slackM;
}

function area(polygon: readonly Point2D[]): number {
  let twice = 0;
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i]!;
    const b = polygon[(i + 1) % polygon.length]!;
    twice += a.xM * b.yM - b.xM * a.yM;
  }
  return Math.abs(twice) / 2;
}

function perimeter(polygon: readonly Point2D[]): number {
  return polygon.reduce((sum, a, i) => {
    const b = polygon[(i + 1) % polygon.length]!;
    return sum + Math.hypot(b.xM - a.xM, b.yM - a.yM);
  }, 0);
}

function allLanes(path: LawnmowerPath): SurveyLane[] {
  return path.runs.flatMap((run) => run.lanes);
}

/** Every leg the path drives within a run: the lanes and the steps between them. */
function legs(path: LawnmowerPath): Array<[Point2D, Point2D]> {
  const out: Array<[Point2D, Point2D]> = [];
  for (const run of path.runs) {
    run.lanes.forEach((lane, i) => {
      const previous = run.lanes[i - 1];
      if (previous) out.push([previous.end, lane.start]);
      out.push([lane.start, lane.end]);
    });
  }
  return out;
}

/** Points 1/64 apart along every leg stay in the inset polygon. */
function legsStayInside(path: LawnmowerPath, polygon: readonly Point2D[], insetM: number): boolean {
  return legs(path).every(([a, b]) => {
    for (let i = 0; i <= 64; i++) {
      const t = i / 64;
      if (!inInset(p(a.xM + t * (b.xM - a.xM), a.yM + t * (b.yM - a.yM)), polygon, insetM)) return false;
    }
    return true;
  });
}

/** Lane geometry in the frame of the path's sweep: offset across, and range along. */
function laneBands(path: LawnmowerPath): Array<{ nM: number; fromUM: number; toUM: number }> {
  const c = Math.cos(path.sweepAngleRad);
  const s = Math.sin(path.sweepAngleRad);
  return allLanes(path).map((lane) => {
    const u1 = lane.start.xM * c + lane.start.yM * s;
    const u2 = lane.end.xM * c + lane.end.yM * s;
    return { nM: -lane.start.xM * s + lane.start.yM * c, fromUM: Math.min(u1, u2), toUM: Math.max(u1, u2) };
  });
}

/**
 * The inset polygon rasterised at about `cells` cells: how many cell centres lie in it, how many
 * of those no lane's band (`spacingM` wide, centred on the lane, as long as the lane) reaches,
 * and the cell size.
 */
function coverage(
  path: LawnmowerPath,
  polygon: readonly Point2D[],
  spacingM: number,
  insetM: number,
  cells = 20_000,
): { inside: number; missed: number; cellM: number } {
  const cellM = Math.sqrt(area(polygon) / cells);
  const xs = polygon.map((q) => q.xM);
  const ys = polygon.map((q) => q.yM);
  const bands = laneBands(path);
  const c = Math.cos(path.sweepAngleRad);
  const s = Math.sin(path.sweepAngleRad);
  let inside = 0;
  let missed = 0;
  for (let x = Math.min(...xs) + cellM / 2; x < Math.max(...xs); x += cellM) {
    for (let y = Math.min(...ys) + cellM / 2; y < Math.max(...ys); y += cellM) {
      const q = p(x, y);
      if (windingNumber(q, polygon) === 0 || boundaryDistance(q, polygon) < insetM) continue;
      inside++;
      const u = x * c + y * s;
      const n = -x * s + y * c;
      if (!bands.some((b) => Math.abs(n - b.nM) <= spacingM / 2 && u >= b.fromUM && u <= b.toUM)) missed++;
    }
  }
  return { inside, missed, cellM };
}

/** Consecutive lanes of a run are neighbours, `spacingM` apart across the sweep, driven in opposite directions. */
function lanesAlternateAtSpacing(path: LawnmowerPath, spacingM: number): boolean {
  const c = Math.cos(path.sweepAngleRad);
  const s = Math.sin(path.sweepAngleRad);
  return path.runs.every((run) =>
    run.lanes.every((lane, i) => {
      const previous = run.lanes[i - 1];
      if (!previous) return true;
      const across = -(lane.start.xM - previous.start.xM) * s + (lane.start.yM - previous.start.yM) * c;
      const dir = (l: SurveyLane): number => (l.end.xM - l.start.xM) * c + (l.end.yM - l.start.yM) * s;
      return (
        lane.laneIndex === previous.laneIndex + 1 &&
        Math.abs(Math.abs(across) - spacingM) < 1e-6 &&
        dir(lane) * dir(previous) < 0
      );
    }),
  );
}

/** A rectangle of random size, place and heading, with a lane spacing and inset that fit it. */
const rectangleCase = fc
  .record({
    cx: fc.double({ min: -20, max: 20, noNaN: true }),
    cy: fc.double({ min: -20, max: 20, noNaN: true }),
    lengthM: fc.double({ min: 1, max: 12, noNaN: true }),
    widthM: fc.double({ min: 1, max: 12, noNaN: true }),
    yawRad: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
    spacingShare: fc.double({ min: 0.02, max: 0.5, noNaN: true }),
    insetShare: fc.double({ min: 0, max: 0.3, noNaN: true }),
  })
  .map(({ cx, cy, lengthM, widthM, yawRad, spacingShare, insetShare }) => {
    const c = Math.cos(yawRad);
    const s = Math.sin(yawRad);
    const corner = (lx: number, ly: number): Point2D => p(cx + lx * c - ly * s, cy + lx * s + ly * c);
    const polygon = [
      corner(-lengthM / 2, -widthM / 2),
      corner(lengthM / 2, -widthM / 2),
      corner(lengthM / 2, widthM / 2),
      corner(-lengthM / 2, widthM / 2),
    ];
    const narrow = Math.min(lengthM, widthM);
    return { polygon, lengthM, widthM, spacingM: spacingShare * narrow, insetM: insetShare * narrow };
  });

/** The convex hull of random points (at least a triangle, at least 0.5 m wide at its narrowest). */
function hull(points: Point2D[]): Point2D[] {
  const sorted = [...points].sort((a, b) => a.xM - b.xM || a.yM - b.yM);
  const cross = (o: Point2D, a: Point2D, b: Point2D): number =>
    (a.xM - o.xM) * (b.yM - o.yM) - (a.yM - o.yM) * (b.xM - o.xM);
  const half = (input: Point2D[]): Point2D[] => {
    const out: Point2D[] = [];
    for (const q of input) {
      while (out.length >= 2 && cross(out[out.length - 2]!, out[out.length - 1]!, q) <= 0) out.pop();
      out.push(q);
    }
    out.pop();
    return out;
  };
  return [...half(sorted), ...half(sorted.reverse())];
}

function narrowestWidth(polygon: readonly Point2D[]): number {
  let best = Infinity;
  polygon.forEach((a, i) => {
    const b = polygon[(i + 1) % polygon.length]!;
    const len = Math.hypot(b.xM - a.xM, b.yM - a.yM);
    const heights = polygon.map((q) => ((b.xM - a.xM) * (q.yM - a.yM) - (b.yM - a.yM) * (q.xM - a.xM)) / len);
    best = Math.min(best, Math.max(...heights) - Math.min(...heights));
  });
  return best;
}

const convexCase = fc
  .record({
    points: fc.array(
      fc.record({ xM: fc.double({ min: -5, max: 5, noNaN: true }), yM: fc.double({ min: -4, max: 4, noNaN: true }) }),
      { minLength: 3, maxLength: 12 },
    ),
    spacingShare: fc.double({ min: 0.02, max: 0.4, noNaN: true }),
    insetShare: fc.double({ min: 0, max: 0.2, noNaN: true }),
    sweepAngleRad: fc.option(fc.double({ min: 0, max: Math.PI, noNaN: true }), { nil: undefined }),
  })
  .map(({ points, spacingShare, insetShare, sweepAngleRad }) => {
    const polygon = hull(points);
    const widthM = polygon.length >= 3 ? narrowestWidth(polygon) : 0;
    return { polygon, widthM, spacingM: spacingShare * widthM, insetM: insetShare * widthM, sweepAngleRad };
  })
  .filter(({ polygon, widthM }) => polygon.length >= 3 && widthM >= 0.5);

/** A star-shaped polygon: random radii at increasing angles around a centre, so simple and, mostly, concave. */
const starCase = fc
  .record({
    radii: fc.array(fc.double({ min: 1, max: 6, noNaN: true }), { minLength: 5, maxLength: 14 }),
    spin: fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
    spacingM: fc.double({ min: 0.1, max: 0.8, noNaN: true }),
    insetM: fc.double({ min: 0, max: 0.3, noNaN: true }),
    sweepAngleRad: fc.option(fc.double({ min: 0, max: Math.PI, noNaN: true }), { nil: undefined }),
  })
  .map(({ radii, spin, spacingM, insetM, sweepAngleRad }) => ({
    polygon: radii.map((r, i) => {
      const angle = spin + (2 * Math.PI * i) / radii.length;
      return p(r * Math.cos(angle), r * Math.sin(angle));
    }),
    spacingM,
    insetM,
    sweepAngleRad,
  }));

describe('lawnmowerPath over rectangles (default sweep)', () => {
  it('keeps every waypoint and leg inside the inset rectangle, lanes along the longer side, one run', () => {
    fc.assert(
      fc.property(rectangleCase, ({ polygon, lengthM, widthM, spacingM, insetM }) => {
        const path = lawnmowerPath(polygon, { laneSpacingM: spacingM, insetM });
        expect(path.runs).toHaveLength(1);
        expect(path.waypoints).toHaveLength(2 * allLanes(path).length);
        expect(path.waypoints.every((w) => inInset(w, polygon, insetM))).toBe(true);
        expect(legsStayInside(path, polygon, insetM)).toBe(true);
        // Lanes run along the longer side: each as long as that side less the inset at both ends.
        const longM = Math.max(lengthM, widthM);
        const shortM = Math.min(lengthM, widthM);
        for (const lane of allLanes(path)) {
          const laneM = Math.hypot(lane.end.xM - lane.start.xM, lane.end.yM - lane.start.yM);
          expect(laneM).toBeCloseTo(longM - 2 * insetM, 6);
        }
        expect(allLanes(path)).toHaveLength(Math.max(1, Math.ceil((shortM - 2 * insetM) / spacingM - 1e-9)));
      }),
    );
  });

  it('lays consecutive lanes exactly the spacing apart, in alternating directions', () => {
    fc.assert(
      fc.property(rectangleCase, ({ polygon, spacingM, insetM }) => {
        expect(lanesAlternateAtSpacing(lawnmowerPath(polygon, { laneSpacingM: spacingM, insetM }), spacingM)).toBe(
          true,
        );
      }),
    );
  });

  it('sweeps, with a width of one spacing, at least 99 % of the inset rectangle', () => {
    fc.assert(
      fc.property(rectangleCase, ({ polygon, spacingM, insetM }) => {
        const path = lawnmowerPath(polygon, { laneSpacingM: spacingM, insetM });
        const { inside, missed } = coverage(path, polygon, spacingM, insetM);
        expect(missed / inside).toBeLessThanOrEqual(0.01);
      }),
      { numRuns: 60 },
    );
  });
});

describe('lawnmowerPath over convex polygons (any sweep angle)', () => {
  it('is one run whose waypoints and legs stay inside the inset polygon, lanes the spacing apart', () => {
    fc.assert(
      fc.property(convexCase, ({ polygon, spacingM, insetM, sweepAngleRad }) => {
        const path = lawnmowerPath(polygon, { laneSpacingM: spacingM, insetM, sweepAngleRad });
        expect(path.runs.length).toBeLessThanOrEqual(1);
        expect(path.waypoints.every((w) => inInset(w, polygon, insetM))).toBe(true);
        expect(legsStayInside(path, polygon, insetM)).toBe(true);
        expect(lanesAlternateAtSpacing(path, spacingM)).toBe(true);
      }),
    );
  });

  it('leaves unswept at most perimeter x spacing / 8 of the inset polygon (the slivers between lane ends and slanted edges)', () => {
    // Where an edge crosses a lane's band at a slant, the lane must end where its centre line
    // meets the inset boundary, leaving a triangle of the band unswept; per edge of length E at
    // angle a to the lanes they add up to E·spacing·|cos a|/8.
    fc.assert(
      fc.property(convexCase, ({ polygon, spacingM, insetM, sweepAngleRad }) => {
        const path = lawnmowerPath(polygon, { laneSpacingM: spacingM, insetM, sweepAngleRad });
        const { missed, cellM } = coverage(path, polygon, spacingM, insetM, 10_000);
        const missedM2 = missed * cellM * cellM;
        expect(missedM2).toBeLessThanOrEqual((perimeter(polygon) * spacingM) / 8 + perimeter(polygon) * cellM);
      }),
      { numRuns: 60 },
    );
  });
});

describe('lawnmowerPath over concave polygons', () => {
  it('keeps every leg of every run inside the inset polygon, and lanes within a run the spacing apart', () => {
    fc.assert(
      fc.property(starCase, ({ polygon, spacingM, insetM, sweepAngleRad }) => {
        const path = lawnmowerPath(polygon, { laneSpacingM: spacingM, insetM, sweepAngleRad });
        expect(path.waypoints.every((w) => inInset(w, polygon, insetM))).toBe(true);
        expect(legsStayInside(path, polygon, insetM)).toBe(true);
        expect(lanesAlternateAtSpacing(path, spacingM)).toBe(true);
      }),
    );
  });

  it('GIVEN a U with its prongs across the lanes WHEN planned THEN it drives the base and one prong in one run and the other prong in another, sweeping all of the inset U', () => {
    // A 6 m x 4 m U: base 6 x 1.5, prongs 2 m wide, a 2 m x 2.5 m notch between them.
    const u = [p(0, 0), p(6, 0), p(6, 4), p(4, 4), p(4, 1.5), p(2, 1.5), p(2, 4), p(0, 4)];
    const path = lawnmowerPath(u, { laneSpacingM: 0.25, insetM: 0.125, sweepAngleRad: 0 });
    expect(path.runs).toHaveLength(2);
    const [base, prong] = path.runs;
    // The first run climbs the base and then the prong it ends beside; the second covers the other prong.
    const xs = (lanes: SurveyLane[]): number[] => lanes.flatMap((l) => [l.start.xM, l.end.xM]);
    expect(Math.min(...xs(prong!.lanes)) >= 4 || Math.max(...xs(prong!.lanes)) <= 2).toBe(true);
    expect(base!.lanes[0]!.laneIndex).toBe(0);
    expect(legsStayInside(path, u, 0.125)).toBe(true);
    const { inside, missed } = coverage(path, u, 0.25, 0.125);
    expect(missed / inside).toBeLessThanOrEqual(0.01);
  });

  it('GIVEN an inset wider than half the polygon WHEN planned THEN there is nothing to drive', () => {
    const strip = [p(0, 0), p(10, 0), p(10, 1), p(0, 1)];
    expect(lawnmowerPath(strip, { laneSpacingM: 0.2, insetM: 0.6 }).runs).toEqual([]);
  });
});

describe('defaultSweepAngleRad', () => {
  it('runs the lanes along a rectangle’s longer side', () => {
    fc.assert(
      fc.property(rectangleCase, ({ polygon, lengthM, widthM }) => {
        const angle = defaultSweepAngleRad(polygon);
        const [a, b, c] = polygon;
        const longer = lengthM >= widthM ? [a!, b!] : [b!, c!];
        const along = Math.atan2(longer[1]!.yM - longer[0]!.yM, longer[1]!.xM - longer[0]!.xM);
        // Same direction up to a half turn; a square may take either side.
        const square = Math.abs(lengthM - widthM) < 1e-6;
        expect(Math.abs(Math.sin(angle - along)) < 1e-6 || (square && Math.abs(Math.cos(angle - along)) < 1e-6)).toBe(
          true,
        );
      }),
    );
  });
});

describe('lawnmowerPath input checks', () => {
  it('refuses a lane spacing <= 0 and a negative inset', () => {
    const square = [p(0, 0), p(1, 0), p(1, 1), p(0, 1)];
    expect(() => lawnmowerPath(square, { laneSpacingM: 0 })).toThrow(/laneSpacingM/);
    expect(() => lawnmowerPath(square, { laneSpacingM: 0.1, insetM: -1 })).toThrow(/insetM/);
  });
});
