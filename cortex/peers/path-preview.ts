import type { Point2D } from '../../messages/geometry.js';

/** Most points a state's path preview carries. */
const PREVIEW_POINTS = 20;

/**
 * The stretch of `path` (nearest first) a state message previews to peers: up to `lengthM` along
 * it, thinned to at most {@link PREVIEW_POINTS} points, its far end kept.
 */
export function pathPreview(path: readonly Point2D[], lengthM: number): Point2D[] {
  const within: Point2D[] = [];
  let travelledM = 0;
  for (let i = 0; i < path.length; i++) {
    const point = path[i]!;
    if (i > 0) travelledM += Math.hypot(point.xM - path[i - 1]!.xM, point.yM - path[i - 1]!.yM);
    if (travelledM > lengthM) break;
    within.push({ xM: point.xM, yM: point.yM });
  }
  if (within.length <= PREVIEW_POINTS) return within;
  const stride = (within.length - 1) / (PREVIEW_POINTS - 1);
  return Array.from({ length: PREVIEW_POINTS }, (_, k) => within[Math.round(k * stride)]!);
}
