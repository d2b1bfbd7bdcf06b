import type { Point2D } from '../../messages/geometry.js';
import { pointSegmentDistanceM, segmentSegmentDistanceM } from '../../messages/polygon.js';

/** Distance from `p` to the segment a-b (messages/polygon.ts: the one definition). */
export const pointSegmentDistance = pointSegmentDistanceM;
/** Smallest distance between the segments a-b and c-d, 0 when they meet (messages/polygon.ts). */
export const segmentSegmentDistance = segmentSegmentDistanceM;

/**
 * Distances between points and polylines in the plane, metres. A polyline of one point is that
 * point; an empty one is infinitely far from everything.
 */

export function pointDistance(a: Point2D, b: Point2D): number {
  return Math.hypot(a.xM - b.xM, a.yM - b.yM);
}

export function pointPolylineDistance(p: Point2D, line: readonly Point2D[]): number {
  if (line.length === 0) return Infinity;
  if (line.length === 1) return pointDistance(p, line[0] as Point2D);
  let best = Infinity;
  for (let i = 1; i < line.length; i++) {
    best = Math.min(best, pointSegmentDistance(p, line[i - 1] as Point2D, line[i] as Point2D));
  }
  return best;
}

export function polylineDistance(a: readonly Point2D[], b: readonly Point2D[]): number {
  if (a.length === 0 || b.length === 0) return Infinity;
  if (a.length === 1) return pointPolylineDistance(a[0] as Point2D, b);
  if (b.length === 1) return pointPolylineDistance(b[0] as Point2D, a);
  let best = Infinity;
  for (let i = 1; i < a.length && best > 0; i++) {
    for (let j = 1; j < b.length && best > 0; j++) {
      best = Math.min(
        best,
        segmentSegmentDistance(a[i - 1] as Point2D, a[i] as Point2D, b[j - 1] as Point2D, b[j] as Point2D),
      );
    }
  }
  return best;
}

/** Length of a polyline, metres. */
export function polylineLength(line: readonly Point2D[]): number {
  let length = 0;
  for (let i = 1; i < line.length; i++) length += pointDistance(line[i - 1] as Point2D, line[i] as Point2D);
  return length;
}

/** The point `alongM` metres along `line` (its ends beyond them); `line` must not be empty. */
export function pointAlong(line: readonly Point2D[], alongM: number): Point2D {
  let left = alongM;
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1] as Point2D;
    const b = line[i] as Point2D;
    const len = pointDistance(a, b);
    if (left <= len && len > 0) {
      const t = left / len;
      return { xM: a.xM + t * (b.xM - a.xM), yM: a.yM + t * (b.yM - a.yM) };
    }
    left -= len;
  }
  return line[alongM <= 0 ? 0 : line.length - 1] as Point2D;
}
