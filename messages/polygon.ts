import type { Point2D } from './geometry.js';

/** Polygons of the world frame the robot reasons about: its geofence, a survey's area. */

/** Ray-crossing test: is `p` inside `polygon` (world frame)? */
export function insidePolygon(p: Point2D, polygon: readonly Point2D[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (a.yM > p.yM !== b.yM > p.yM && p.xM < ((b.xM - a.xM) * (p.yM - a.yM)) / (b.yM - a.yM) + a.xM) inside = !inside;
  }
  return inside;
}

/** Distance from `p` to the polygon's boundary, metres. */
export function distanceToBoundaryM(p: Point2D, polygon: readonly Point2D[]): number {
  let best = Infinity;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[j]!;
    const b = polygon[i]!;
    const dx = b.xM - a.xM;
    const dy = b.yM - a.yM;
    const t = Math.max(0, Math.min(1, ((p.xM - a.xM) * dx + (p.yM - a.yM) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(p.xM - (a.xM + t * dx), p.yM - (a.yM + t * dy)));
  }
  return best;
}
