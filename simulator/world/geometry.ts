import type { Point2D, Pose2D } from '../../messages/geometry.js';

/**
 * Plane geometry for the simulated world: distances between points, segments, polygons and
 * circles, and where a ray first meets them. World frame, metres, radians counter-clockwise from
 * +x. Everything here is pure and allocation-light, because the lidar models cast tens of
 * thousands of rays per second through it.
 */

/** A straight line piece from `a` to `b`. */
export interface Segment {
  a: Point2D;
  b: Point2D;
}

/** A simple polygon given by its corners in order (either winding); the last corner joins the first. */
export type Polygon = ReadonlyArray<Point2D>;

/** A disc: centre and radius, metres. */
export interface Circle extends Point2D {
  radiusM: number;
}

/** An obstacle outline: a polygon or an exact circle. */
export type Shape = { kind: 'polygon'; points: Polygon } | { kind: 'circle'; circle: Circle };

/** An axis-aligned box, metres. */
export interface Bounds {
  minXM: number;
  minYM: number;
  maxXM: number;
  maxYM: number;
}

/** z-component of (b - a) x (c - a): > 0 when a, b, c turn counter-clockwise. */
function orientation(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/** True when c, known to be collinear with a-b, lies within the box spanned by a and b. */
function withinBox(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return cx >= Math.min(ax, bx) && cx <= Math.max(ax, bx) && cy >= Math.min(ay, by) && cy <= Math.max(ay, by);
}

/** Distance from a point to the nearest point of a segment, metres. A zero-length segment is a point. */
export function pointSegmentDistance(p: Point2D, s: Segment): number {
  const ex = s.b.xM - s.a.xM;
  const ey = s.b.yM - s.a.yM;
  const lengthSq = ex * ex + ey * ey;
  let t = 0;
  if (lengthSq > 0) t = Math.min(1, Math.max(0, ((p.xM - s.a.xM) * ex + (p.yM - s.a.yM) * ey) / lengthSq));
  return Math.hypot(p.xM - (s.a.xM + t * ex), p.yM - (s.a.yM + t * ey));
}

/** True when two segments share at least one point (crossing, touching at an end, or overlapping). */
export function segmentsIntersect(s: Segment, t: Segment): boolean {
  const { a, b } = s;
  const { a: c, b: d } = t;
  const o1 = orientation(a.xM, a.yM, b.xM, b.yM, c.xM, c.yM);
  const o2 = orientation(a.xM, a.yM, b.xM, b.yM, d.xM, d.yM);
  const o3 = orientation(c.xM, c.yM, d.xM, d.yM, a.xM, a.yM);
  const o4 = orientation(c.xM, c.yM, d.xM, d.yM, b.xM, b.yM);
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return true;
  if (o1 === 0 && withinBox(a.xM, a.yM, b.xM, b.yM, c.xM, c.yM)) return true;
  if (o2 === 0 && withinBox(a.xM, a.yM, b.xM, b.yM, d.xM, d.yM)) return true;
  if (o3 === 0 && withinBox(c.xM, c.yM, d.xM, d.yM, a.xM, a.yM)) return true;
  if (o4 === 0 && withinBox(c.xM, c.yM, d.xM, d.yM, b.xM, b.yM)) return true;
  return false;
}

/** Smallest distance between two segments, metres; 0 when they intersect. */
export function segmentSegmentDistance(s: Segment, t: Segment): number {
  if (segmentsIntersect(s, t)) return 0;
  return Math.min(
    pointSegmentDistance(s.a, t),
    pointSegmentDistance(s.b, t),
    pointSegmentDistance(t.a, s),
    pointSegmentDistance(t.b, s),
  );
}

/**
 * How far past a segment's ends (as a fraction of its length) a ray still counts as a hit, so
 * rounding cannot let a ray slip through the corner where two edges meet.
 */
const SEAM_TOLERANCE = 1e-9;

/**
 * Distance along a ray from (ox, oy) with unit direction (dx, dy) to the segment (ax, ay)-(bx, by),
 * metres; `Infinity` when the ray misses. A ray running along a collinear segment hits its nearer
 * end (0 when it starts on the segment). Flat arguments so hot loops need not build objects.
 */
export function rayHitDistance(
  ox: number,
  oy: number,
  dx: number,
  dy: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  const ex = bx - ax;
  const ey = by - ay;
  const wx = ax - ox;
  const wy = ay - oy;
  const denom = dx * ey - dy * ex;
  if (Math.abs(denom) < 1e-12) {
    if (Math.abs(wx * dy - wy * dx) > 1e-12) return Infinity;
    const ta = wx * dx + wy * dy;
    const tb = (bx - ox) * dx + (by - oy) * dy;
    if (ta < 0 && tb < 0) return Infinity;
    if (ta <= 0 || tb <= 0) return 0;
    return Math.min(ta, tb);
  }
  const t = (wx * ey - wy * ex) / denom;
  const u = (wx * dy - wy * dx) / denom;
  if (t < 0 || u < -SEAM_TOLERANCE || u > 1 + SEAM_TOLERANCE) return Infinity;
  return t;
}

/**
 * Distance along a ray from `origin` heading `angleRad` to a segment, metres; `Infinity` when it
 * misses.
 */
export function raySegmentDistance(origin: Point2D, angleRad: number, s: Segment): number {
  return rayHitDistance(origin.xM, origin.yM, Math.cos(angleRad), Math.sin(angleRad), s.a.xM, s.a.yM, s.b.xM, s.b.yM);
}

/**
 * Distance along a ray from (ox, oy) with unit direction (dx, dy) to the first crossing of a
 * circle's edge, metres; `Infinity` when it misses. From inside the circle that is the way out.
 */
export function rayCircleDistance(ox: number, oy: number, dx: number, dy: number, c: Circle): number {
  const fx = ox - c.xM;
  const fy = oy - c.yM;
  const b = fx * dx + fy * dy;
  const q = fx * fx + fy * fy - c.radiusM * c.radiusM;
  const disc = b * b - q;
  if (disc < 0) return Infinity;
  const root = Math.sqrt(disc);
  const near = -b - root;
  if (near >= 0) return near;
  const far = -b + root;
  return far >= 0 ? far : Infinity;
}

/**
 * The corners of a `widthM` (along the heading) x `heightM` rectangle centred at `center` and
 * turned by `yawRad`, counter-clockwise starting front-right.
 */
export function rectanglePolygon(center: Point2D, widthM: number, heightM: number, yawRad: number): Point2D[] {
  const c = Math.cos(yawRad);
  const s = Math.sin(yawRad);
  const hw = widthM / 2;
  const hh = heightM / 2;
  const local: Array<[number, number]> = [
    [hw, -hh],
    [hw, hh],
    [-hw, hh],
    [-hw, -hh],
  ];
  return local.map(([lx, ly]) => ({ xM: center.xM + lx * c - ly * s, yM: center.yM + lx * s + ly * c }));
}

/**
 * A robot's rectangular footprint at `pose` (the footprint's centre): `lengthM` along the heading,
 * `widthM` across it. Corners counter-clockwise: front-right, front-left, rear-left, rear-right.
 */
export function footprintPolygon(pose: Pose2D, lengthM: number, widthM: number): Point2D[] {
  return rectanglePolygon(pose, lengthM, widthM, pose.yawRad);
}

/** The polygon's edges, closing the last corner back to the first. */
export function polygonEdges(polygon: Polygon): Segment[] {
  const edges: Segment[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i];
    const b = polygon[(i + 1) % polygon.length];
    if (a && b) edges.push({ a, b });
  }
  return edges;
}

/**
 * True when `p` is inside the polygon (even-odd rule, either winding). Points exactly on an edge
 * may fall either way; callers that care about contact measure distance to the edges instead.
 */
export function pointInPolygon(p: Point2D, polygon: Polygon): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i];
    const b = polygon[j];
    if (!a || !b) continue;
    if (a.yM > p.yM !== b.yM > p.yM) {
      const xCross = a.xM + ((p.yM - a.yM) * (b.xM - a.xM)) / (b.yM - a.yM);
      if (p.xM < xCross) inside = !inside;
    }
  }
  return inside;
}

/** True when `p` is inside the circle or on its edge. */
export function pointInCircle(p: Point2D, c: Circle): boolean {
  return Math.hypot(p.xM - c.xM, p.yM - c.yM) <= c.radiusM;
}

/** True when `p` is inside the shape. */
export function pointInShape(p: Point2D, shape: Shape): boolean {
  return shape.kind === 'circle' ? pointInCircle(p, shape.circle) : pointInPolygon(p, shape.points);
}

/** Smallest distance from a polygon's area to a segment, metres; 0 when they touch or overlap. */
export function polygonSegmentDistance(polygon: Polygon, s: Segment): number {
  if (pointInPolygon(s.a, polygon) || pointInPolygon(s.b, polygon)) return 0;
  let best = Infinity;
  for (const edge of polygonEdges(polygon)) {
    best = Math.min(best, segmentSegmentDistance(edge, s));
    if (best === 0) return 0;
  }
  return best;
}

/** Smallest distance between two polygons' areas, metres; 0 when they touch, cross or one holds the other. */
export function polygonPolygonDistance(p: Polygon, q: Polygon): number {
  const first = p[0];
  const other = q[0];
  if ((first && pointInPolygon(first, q)) || (other && pointInPolygon(other, p))) return 0;
  let best = Infinity;
  for (const edge of polygonEdges(q)) {
    best = Math.min(best, polygonSegmentDistance(p, edge));
    if (best === 0) return 0;
  }
  return best;
}

/** Smallest distance between a polygon's area and a disc, metres; 0 when they touch or overlap. */
export function polygonCircleDistance(polygon: Polygon, c: Circle): number {
  if (pointInPolygon(c, polygon)) return 0;
  let best = Infinity;
  for (const edge of polygonEdges(polygon)) best = Math.min(best, pointSegmentDistance(c, edge));
  return Math.max(0, best - c.radiusM);
}

/** Smallest distance between a polygon's area and a shape's area, metres; 0 when they touch or overlap. */
export function polygonShapeDistance(polygon: Polygon, shape: Shape): number {
  return shape.kind === 'circle'
    ? polygonCircleDistance(polygon, shape.circle)
    : polygonPolygonDistance(polygon, shape.points);
}

/** The smallest box holding every given point and circle; `null` when given nothing. */
export function boundsOf(points: Iterable<Point2D>, circles: Iterable<Circle> = []): Bounds | null {
  const box: Bounds = { minXM: Infinity, minYM: Infinity, maxXM: -Infinity, maxYM: -Infinity };
  for (const p of points) {
    box.minXM = Math.min(box.minXM, p.xM);
    box.minYM = Math.min(box.minYM, p.yM);
    box.maxXM = Math.max(box.maxXM, p.xM);
    box.maxYM = Math.max(box.maxYM, p.yM);
  }
  for (const c of circles) {
    box.minXM = Math.min(box.minXM, c.xM - c.radiusM);
    box.minYM = Math.min(box.minYM, c.yM - c.radiusM);
    box.maxXM = Math.max(box.maxXM, c.xM + c.radiusM);
    box.maxYM = Math.max(box.maxYM, c.yM + c.radiusM);
  }
  return box.minXM === Infinity ? null : box;
}

/** True when `p` lies inside the box or on its edge. */
export function pointInBounds(p: Point2D, box: Bounds): boolean {
  return p.xM >= box.minXM && p.xM <= box.maxXM && p.yM >= box.minYM && p.yM <= box.maxYM;
}

/** The polygon's area, m² (either winding). */
export function polygonArea(polygon: Polygon): number {
  let twice = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[j];
    const b = polygon[i];
    if (a && b) twice += a.xM * b.yM - b.xM * a.yM;
  }
  return Math.abs(twice) / 2;
}

/** The first two edges (by index; edge i runs from corner i to i + 1) that are not neighbours and meet; null for a simple polygon. */
export function crossingEdges(polygon: Polygon): [number, number] | null {
  const edges = polygonEdges(polygon);
  for (let i = 0; i < edges.length; i++) {
    for (let j = i + 2; j < edges.length; j++) {
      if (i === 0 && j === edges.length - 1) continue;
      if (segmentsIntersect(edges[i]!, edges[j]!)) return [i, j];
    }
  }
  return null;
}

/** The convex hull of the points, counter-clockwise, without collinear corners (Andrew's monotone chain). */
export function convexHull(points: Iterable<Point2D>): Point2D[] {
  const sorted = [...points].sort((p, q) => p.xM - q.xM || p.yM - q.yM);
  if (sorted.length < 3) return sorted;
  const chain = (input: readonly Point2D[]): Point2D[] => {
    const out: Point2D[] = [];
    for (const p of input) {
      while (out.length >= 2) {
        const a = out[out.length - 2]!;
        const b = out[out.length - 1]!;
        if (orientation(a.xM, a.yM, b.xM, b.yM, p.xM, p.yM) > 0) break;
        out.pop();
      }
      out.push(p);
    }
    out.pop();
    return out;
  };
  return [...chain(sorted), ...chain([...sorted].reverse())];
}
