import type { Point2D } from './geometry.js';

/**
 * Plane geometry of the polygons the robot reasons about (its geofence, a survey's area): a
 * simple polygon given by its corners in order (either winding, the last corner joining the
 * first), world frame, metres. Pure; sized for polygons of tens of corners, so the checks that
 * compare every edge with every other are plain O(n²) loops.
 */

/** The signed area of the polygon, m² (> 0 when its corners run counter-clockwise). */
export function signedAreaM2(polygon: readonly Point2D[]): number {
  let twice = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[j]!;
    const b = polygon[i]!;
    twice += a.xM * b.yM - b.xM * a.yM;
  }
  return twice / 2;
}

/** The length of the polygon's boundary, metres. */
export function perimeterM(polygon: readonly Point2D[]): number {
  let sum = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    sum += Math.hypot(polygon[i]!.xM - polygon[j]!.xM, polygon[i]!.yM - polygon[j]!.yM);
  }
  return sum;
}

/** Even-odd test: is `p` inside the polygon? A point exactly on an edge may fall either way. */
export function insidePolygon(p: Point2D, polygon: readonly Point2D[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (a.yM > p.yM !== b.yM > p.yM && p.xM < a.xM + ((p.yM - a.yM) * (b.xM - a.xM)) / (b.yM - a.yM)) {
      inside = !inside;
    }
  }
  return inside;
}

/** Distance from `p` to the segment a-b, metres (a zero-length segment is a point). */
export function pointSegmentDistanceM(p: Point2D, a: Point2D, b: Point2D): number {
  const ex = b.xM - a.xM;
  const ey = b.yM - a.yM;
  const lengthSq = ex * ex + ey * ey;
  const t = lengthSq > 0 ? Math.min(1, Math.max(0, ((p.xM - a.xM) * ex + (p.yM - a.yM) * ey) / lengthSq)) : 0;
  return Math.hypot(p.xM - (a.xM + t * ex), p.yM - (a.yM + t * ey));
}

/** Distance from `p` to the nearest point of the polygon's boundary, metres. */
export function distanceToBoundaryM(p: Point2D, polygon: readonly Point2D[]): number {
  let best = Infinity;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    best = Math.min(best, pointSegmentDistanceM(p, polygon[j]!, polygon[i]!));
  }
  return best;
}

/** z of (b - a) x (c - a): > 0 when a, b, c turn counter-clockwise, 0 when collinear. */
function orientation(a: Point2D, b: Point2D, c: Point2D): number {
  return (b.xM - a.xM) * (c.yM - a.yM) - (b.yM - a.yM) * (c.xM - a.xM);
}

/** True when c, collinear with a-b, lies within the box a and b span. */
function onSegment(a: Point2D, b: Point2D, c: Point2D): boolean {
  return (
    c.xM >= Math.min(a.xM, b.xM) &&
    c.xM <= Math.max(a.xM, b.xM) &&
    c.yM >= Math.min(a.yM, b.yM) &&
    c.yM <= Math.max(a.yM, b.yM)
  );
}

/** True when the segments a-b and c-d share at least one point (crossing, touching or overlapping). */
export function segmentsIntersect(a: Point2D, b: Point2D, c: Point2D, d: Point2D): boolean {
  const o1 = orientation(a, b, c);
  const o2 = orientation(a, b, d);
  const o3 = orientation(c, d, a);
  const o4 = orientation(c, d, b);
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return true;
  return (
    (o1 === 0 && onSegment(a, b, c)) ||
    (o2 === 0 && onSegment(a, b, d)) ||
    (o3 === 0 && onSegment(c, d, a)) ||
    (o4 === 0 && onSegment(c, d, b))
  );
}

/** How near to a line a point may be and still count as on it, for {@link segmentsCrossProperly}, metres. */
const ON_LINE_M = 1e-9;

/**
 * True when a-b and c-d cross at a single point inside both: each has its ends on opposite sides
 * of the other, more than a nanometre off it (so rounding cannot turn a leg running along an
 * edge, or ending on it, into a crossing).
 */
export function segmentsCrossProperly(a: Point2D, b: Point2D, c: Point2D, d: Point2D): boolean {
  const abTolerance = ON_LINE_M * Math.hypot(b.xM - a.xM, b.yM - a.yM);
  const cdTolerance = ON_LINE_M * Math.hypot(d.xM - c.xM, d.yM - c.yM);
  const opposite = (o1: number, o2: number, tolerance: number): boolean =>
    (o1 > tolerance && o2 < -tolerance) || (o1 < -tolerance && o2 > tolerance);
  return (
    opposite(orientation(a, b, c), orientation(a, b, d), abTolerance) &&
    opposite(orientation(c, d, a), orientation(c, d, b), cdTolerance)
  );
}

/** Smallest distance between the segments a-b and c-d, metres; 0 when they intersect. */
export function segmentSegmentDistanceM(a: Point2D, b: Point2D, c: Point2D, d: Point2D): number {
  if (segmentsIntersect(a, b, c, d)) return 0;
  return Math.min(
    pointSegmentDistanceM(a, c, d),
    pointSegmentDistanceM(b, c, d),
    pointSegmentDistanceM(c, a, b),
    pointSegmentDistanceM(d, a, b),
  );
}

/**
 * The first pair of edges (by index: edge i runs from corner i to corner i + 1) that meet where
 * they should not: two edges that are not neighbours sharing any point, or two neighbours
 * overlapping beyond their common corner (the boundary doubling back). Null for a simple polygon.
 */
export function selfIntersection(polygon: readonly Point2D[]): [number, number] | null {
  const n = polygon.length;
  for (let i = 0; i < n; i++) {
    const a = polygon[i]!;
    const b = polygon[(i + 1) % n]!;
    for (let j = i + 1; j < n; j++) {
      const c = polygon[j]!;
      const d = polygon[(j + 1) % n]!;
      const neighbours = j === i + 1 || (i === 0 && j === n - 1);
      if (!neighbours) {
        if (segmentsIntersect(a, b, c, d)) return [i, j];
        continue;
      }
      // Neighbours share one corner; they overlap only when the far corner of one lies on the other.
      const [shared, farOfFirst, farOfSecond] = j === i + 1 ? [b, a, d] : [a, b, c];
      const backtracks =
        orientation(shared, farOfFirst, farOfSecond) === 0 &&
        (farOfFirst.xM - shared.xM) * (farOfSecond.xM - shared.xM) +
          (farOfFirst.yM - shared.yM) * (farOfSecond.yM - shared.yM) >
          0;
      if (backtracks) return [i, j];
    }
  }
  return null;
}

/** The convex hull of the points, counter-clockwise, without collinear corners (Andrew's monotone chain). */
export function convexHull(points: readonly Point2D[]): Point2D[] {
  const sorted = [...points].sort((p, q) => p.xM - q.xM || p.yM - q.yM);
  if (sorted.length < 3) return sorted;
  const chain = (input: readonly Point2D[]): Point2D[] => {
    const out: Point2D[] = [];
    for (const p of input) {
      while (out.length >= 2 && orientation(out[out.length - 2]!, out[out.length - 1]!, p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  return [...chain(sorted), ...chain([...sorted].reverse())];
}

/** The polygon's narrowest extent and the heading along which it is measured across. */
export interface PolygonWidth {
  /** The smallest distance between two parallel lines holding the polygon between them, metres. */
  widthM: number;
  /** The direction of those two lines, radians in [0, π) (CCW from +x); the width is measured across it. */
  alongRad: number;
}

/**
 * The polygon's minimum width (rotating calipers over its convex hull: the narrowest pair of
 * parallel supporting lines has one of them flush with a hull edge). Ties go to the longer edge.
 */
export function minimumWidth(polygon: readonly Point2D[]): PolygonWidth {
  const hull = convexHull(polygon);
  let best: PolygonWidth & { edgeM: number } = { widthM: Infinity, alongRad: 0, edgeM: 0 };
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const edgeM = Math.hypot(b.xM - a.xM, b.yM - a.yM);
    if (edgeM === 0) continue;
    const nx = -(b.yM - a.yM) / edgeM;
    const ny = (b.xM - a.xM) / edgeM;
    let low = Infinity;
    let high = -Infinity;
    for (const p of hull) {
      const offset = (p.xM - a.xM) * nx + (p.yM - a.yM) * ny;
      low = Math.min(low, offset);
      high = Math.max(high, offset);
    }
    const widthM = high - low;
    const tolerance = 1e-9 * Math.max(1, widthM);
    if (widthM < best.widthM - tolerance || (widthM <= best.widthM + tolerance && edgeM > best.edgeM)) {
      let alongRad = Math.atan2(b.yM - a.yM, b.xM - a.xM);
      if (alongRad < 0) alongRad += Math.PI;
      if (alongRad >= Math.PI) alongRad -= Math.PI;
      best = { widthM, alongRad, edgeM };
    }
  }
  return { widthM: best.widthM === Infinity ? 0 : best.widthM, alongRad: best.alongRad };
}
