import { describe, expect, it } from 'vitest';
import {
  convexHull,
  crossingEdges,
  polygonArea,
  boundsOf,
  footprintPolygon,
  pointInBounds,
  pointInPolygon,
  pointSegmentDistance,
  polygonCircleDistance,
  polygonEdges,
  polygonPolygonDistance,
  polygonSegmentDistance,
  rayCircleDistance,
  raySegmentDistance,
  rectanglePolygon,
  segmentsIntersect,
  segmentSegmentDistance,
  type Segment,
} from './geometry.js';

const p = (xM: number, yM: number) => ({ xM, yM });
const seg = (ax: number, ay: number, bx: number, by: number): Segment => ({ a: p(ax, ay), b: p(bx, by) });
const unitSquare = [p(0, 0), p(1, 0), p(1, 1), p(0, 1)];

describe('pointSegmentDistance', () => {
  it('measures to the foot of the perpendicular inside the segment', () => {
    expect(pointSegmentDistance(p(1, 2), seg(0, 0, 3, 0))).toBeCloseTo(2, 12);
  });
  it('measures to the nearer end beyond the segment (3-4-5 triangle)', () => {
    expect(pointSegmentDistance(p(6, 4), seg(0, 0, 3, 0))).toBeCloseTo(5, 12);
    expect(pointSegmentDistance(p(-3, -4), seg(0, 0, 3, 0))).toBeCloseTo(5, 12);
  });
  it('treats a zero-length segment as a point', () => {
    expect(pointSegmentDistance(p(3, 4), seg(0, 0, 0, 0))).toBeCloseTo(5, 12);
  });
  it('is 0 on the segment', () => {
    expect(pointSegmentDistance(p(1.5, 0), seg(0, 0, 3, 0))).toBe(0);
  });
});

describe('segmentsIntersect / segmentSegmentDistance', () => {
  it('crossing segments intersect at distance 0', () => {
    expect(segmentsIntersect(seg(0, 0, 2, 2), seg(0, 2, 2, 0))).toBe(true);
    expect(segmentSegmentDistance(seg(0, 0, 2, 2), seg(0, 2, 2, 0))).toBe(0);
  });
  it('segments touching at an end intersect', () => {
    expect(segmentsIntersect(seg(0, 0, 1, 0), seg(1, 0, 1, 5))).toBe(true);
  });
  it('overlapping collinear segments intersect; disjoint collinear ones are apart by the gap', () => {
    expect(segmentsIntersect(seg(0, 0, 2, 0), seg(1, 0, 3, 0))).toBe(true);
    expect(segmentsIntersect(seg(0, 0, 1, 0), seg(2, 0, 3, 0))).toBe(false);
    expect(segmentSegmentDistance(seg(0, 0, 1, 0), seg(2, 0, 3, 0))).toBeCloseTo(1, 12);
  });
  it('parallel segments are apart by their offset', () => {
    expect(segmentSegmentDistance(seg(0, 0, 4, 0), seg(1, 0.5, 3, 0.5))).toBeCloseTo(0.5, 12);
  });
  it('a T that stops short is apart by the gap to the bar', () => {
    expect(segmentsIntersect(seg(0, 1, 4, 1), seg(2, 0, 2, 0.7))).toBe(false);
    expect(segmentSegmentDistance(seg(0, 1, 4, 1), seg(2, 0, 2, 0.7))).toBeCloseTo(0.3, 12);
  });
  it('skew segments measure end to end (3-4-5)', () => {
    expect(segmentSegmentDistance(seg(0, 0, 1, 0), seg(4, 4, 5, 8))).toBeCloseTo(5, 12);
  });
});

describe('raySegmentDistance', () => {
  it('hits a wall straight ahead at its distance', () => {
    expect(raySegmentDistance(p(0, 0), 0, seg(3, -1, 3, 1))).toBeCloseTo(3, 12);
  });
  it('hits at an angle: 45° onto x = 2 travels 2√2', () => {
    expect(raySegmentDistance(p(0, 0), Math.PI / 4, seg(2, 0, 2, 5))).toBeCloseTo(2 * Math.SQRT2, 12);
  });
  it('misses a wall behind, beside, or parallel', () => {
    expect(raySegmentDistance(p(0, 0), Math.PI, seg(3, -1, 3, 1))).toBe(Infinity);
    expect(raySegmentDistance(p(0, 0), 0, seg(3, 1, 3, 2))).toBe(Infinity);
    expect(raySegmentDistance(p(0, 0), 0, seg(1, 1, 5, 1))).toBe(Infinity);
  });
  it('hits the end of a segment it runs along, and 0 when it starts on it', () => {
    expect(raySegmentDistance(p(0, 0), 0, seg(2, 0, 5, 0))).toBeCloseTo(2, 12);
    expect(raySegmentDistance(p(3, 0), 0, seg(2, 0, 5, 0))).toBe(0);
  });
  it('hits a segment end exactly', () => {
    expect(raySegmentDistance(p(0, 0), Math.PI / 2, seg(-1, 4, 0, 4))).toBeCloseTo(4, 12);
  });
});

describe('rayCircleDistance', () => {
  const column = { xM: 5, yM: 0, radiusM: 1 };
  it('hits the near side of a circle ahead', () => {
    expect(rayCircleDistance(0, 0, 1, 0, column)).toBeCloseTo(4, 12);
  });
  it('grazes a tangent circle and misses one off to the side', () => {
    expect(rayCircleDistance(0, 1, 1, 0, column)).toBeCloseTo(5, 12);
    expect(rayCircleDistance(0, 1.01, 1, 0, column)).toBe(Infinity);
  });
  it('from inside, reaches the edge on the way out', () => {
    expect(rayCircleDistance(5, 0, 0, 1, column)).toBeCloseTo(1, 12);
  });
  it('misses a circle behind', () => {
    expect(rayCircleDistance(0, 0, -1, 0, column)).toBe(Infinity);
  });
});

describe('rectangles and footprints', () => {
  it('a footprint facing east spans length along x and width along y', () => {
    const f = footprintPolygon({ xM: 1, yM: 2, yawRad: 0 }, 0.3, 0.24);
    expect(f.map((c) => [c.xM, c.yM])).toEqual([
      [expect.closeTo(1.15, 12), expect.closeTo(1.88, 12)],
      [expect.closeTo(1.15, 12), expect.closeTo(2.12, 12)],
      [expect.closeTo(0.85, 12), expect.closeTo(2.12, 12)],
      [expect.closeTo(0.85, 12), expect.closeTo(1.88, 12)],
    ]);
  });
  it('a footprint facing north has its front edge at y + length/2', () => {
    const f = footprintPolygon({ xM: 0, yM: 0, yawRad: Math.PI / 2 }, 0.3, 0.24);
    const front = f[0]!;
    expect(front.xM).toBeCloseTo(0.12, 12);
    expect(front.yM).toBeCloseTo(0.15, 12);
  });
  it('a square turned 45° reaches half its diagonal along the axes', () => {
    const r = rectanglePolygon(p(0, 0), 2, 2, Math.PI / 4);
    expect(Math.max(...r.map((c) => c.xM))).toBeCloseTo(Math.SQRT2, 12);
    expect(Math.max(...r.map((c) => c.yM))).toBeCloseTo(Math.SQRT2, 12);
  });
  it('polygonEdges closes the outline', () => {
    const edges = polygonEdges(unitSquare);
    expect(edges).toHaveLength(4);
    expect(edges[3]).toEqual({ a: p(0, 1), b: p(0, 0) });
  });
});

describe('pointInPolygon', () => {
  it('tells inside from outside for a square', () => {
    expect(pointInPolygon(p(0.5, 0.5), unitSquare)).toBe(true);
    expect(pointInPolygon(p(1.5, 0.5), unitSquare)).toBe(false);
    expect(pointInPolygon(p(0.5, -0.1), unitSquare)).toBe(false);
  });
  it('handles a concave polygon (an L) and either winding', () => {
    const ell = [p(0, 0), p(2, 0), p(2, 1), p(1, 1), p(1, 2), p(0, 2)];
    expect(pointInPolygon(p(0.5, 1.5), ell)).toBe(true);
    expect(pointInPolygon(p(1.5, 1.5), ell)).toBe(false);
    expect(pointInPolygon(p(0.5, 1.5), [...ell].reverse())).toBe(true);
  });
});

describe('distances from a polygon', () => {
  it('to a segment: gap, crossing, and a segment wholly inside', () => {
    expect(polygonSegmentDistance(unitSquare, seg(3, -1, 3, 2))).toBeCloseTo(2, 12);
    expect(polygonSegmentDistance(unitSquare, seg(-1, 0.5, 2, 0.5))).toBe(0);
    expect(polygonSegmentDistance(unitSquare, seg(0.2, 0.2, 0.8, 0.8))).toBe(0);
  });
  it('to a segment off a corner: the corner-to-end distance (3-4-5)', () => {
    expect(polygonSegmentDistance(unitSquare, seg(4, 5, 4, 9))).toBeCloseTo(5, 12);
  });
  it('to another polygon: gap, overlap, and containment', () => {
    const right = unitSquare.map((c) => p(c.xM + 1.5, c.yM));
    expect(polygonPolygonDistance(unitSquare, right)).toBeCloseTo(0.5, 12);
    expect(polygonPolygonDistance(unitSquare, rectanglePolygon(p(1, 0.5), 0.4, 0.4, 0))).toBe(0);
    const inner = rectanglePolygon(p(0.5, 0.5), 0.2, 0.2, 0);
    expect(polygonPolygonDistance(unitSquare, inner)).toBe(0);
    expect(polygonPolygonDistance(inner, unitSquare)).toBe(0);
  });
  it('to a circle: edge gap minus radius, 0 on overlap or when the centre is inside', () => {
    expect(polygonCircleDistance(unitSquare, { xM: 3, yM: 0.5, radiusM: 0.5 })).toBeCloseTo(1.5, 12);
    expect(polygonCircleDistance(unitSquare, { xM: 4, yM: 5, radiusM: 1 })).toBeCloseTo(4, 12);
    expect(polygonCircleDistance(unitSquare, { xM: 1.2, yM: 0.5, radiusM: 0.5 })).toBe(0);
    expect(polygonCircleDistance(unitSquare, { xM: 0.5, yM: 0.5, radiusM: 0.1 })).toBe(0);
  });
});

describe('bounds', () => {
  it('holds every point and every circle', () => {
    const box = boundsOf([p(0, 0), p(8, 6)], [{ xM: 9, yM: 3, radiusM: 0.5 }]);
    expect(box).toEqual({ minXM: 0, minYM: 0, maxXM: 9.5, maxYM: 6 });
    expect(pointInBounds(p(9.5, 6), box!)).toBe(true);
    expect(pointInBounds(p(9.6, 6), box!)).toBe(false);
  });
  it('is null for nothing', () => {
    expect(boundsOf([])).toBeNull();
  });
});

describe('polygonArea / crossingEdges / convexHull', () => {
  it('measures a polygon of either winding', () => {
    const l = [p(0, 0), p(2, 0), p(2, 1), p(1, 1), p(1, 2), p(0, 2)];
    expect(polygonArea(l)).toBeCloseTo(3, 12);
    expect(polygonArea([...l].reverse())).toBeCloseTo(3, 12);
  });
  it('finds edges that cross (a bow tie) and none in a simple polygon', () => {
    expect(crossingEdges([p(0, 0), p(2, 2), p(2, 0), p(0, 2)])).toEqual([0, 2]);
    expect(crossingEdges(unitSquare)).toBeNull();
  });
  it('wraps points in their hull, counter-clockwise, leaving out inner and collinear points', () => {
    const hull = convexHull([p(0, 0), p(0.5, 0.5), p(1, 0), p(0.5, 0), p(1, 1), p(0, 1), p(0.2, 0.7)]);
    expect(hull).toEqual([p(0, 0), p(1, 0), p(1, 1), p(0, 1)]);
  });
});
