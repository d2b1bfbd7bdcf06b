import type { Point2D } from '../../messages/geometry.js';
import { pointAlong, pointDistance } from './polyline-distance.js';

/**
 * The stretch of path a robot claims: a polyline from where it stands along its remaining planned
 * path (nearest first) for `aheadM` metres, the last segment cut where the length runs out. Points
 * that are not finite are dropped, repeated points merged. With no path ahead it is the one point
 * where the robot stands.
 */
export function claimStretch(from: Point2D, path: readonly Point2D[], aheadM: number): Point2D[] {
  const stretch: Point2D[] = [{ xM: from.xM, yM: from.yM }];
  let left = Math.max(0, aheadM);
  for (const point of path) {
    if (left <= 0) break;
    if (!Number.isFinite(point.xM) || !Number.isFinite(point.yM)) continue;
    const last = stretch[stretch.length - 1] as Point2D;
    const len = pointDistance(last, point);
    if (len < 1e-9) continue;
    if (len <= left) {
      stretch.push({ xM: point.xM, yM: point.yM });
      left -= len;
    } else {
      const t = left / len;
      stretch.push({ xM: last.xM + t * (point.xM - last.xM), yM: last.yM + t * (point.yM - last.yM) });
      left = 0;
    }
  }
  return stretch;
}

/**
 * The longest prefix of `stretch` whose every point keeps `clear` true, sampled every `stepM`
 * metres: the stretch cut short before the first place that is not clear (its first point is kept
 * whatever it is: a robot always claims where it stands).
 */
export function cutStretch(stretch: readonly Point2D[], clear: (point: Point2D) => boolean, stepM: number): Point2D[] {
  if (stretch.length === 0) return [];
  const cut: Point2D[] = [stretch[0] as Point2D];
  const step = Math.max(1e-3, stepM);
  let travelled = 0;
  for (let i = 1; i < stretch.length; i++) {
    const a = stretch[i - 1] as Point2D;
    const b = stretch[i] as Point2D;
    const len = pointDistance(a, b);
    for (let s = step; s < len + step; s += step) {
      const at = pointAlong(stretch, travelled + Math.min(s, len));
      if (!clear(at)) return withoutLastStep(cut, stretch, travelled + Math.min(s, len) - step);
    }
    travelled += len;
    cut.push(b);
  }
  return cut;
}

/** The prefix of `stretch` up to `alongM` metres. */
function withoutLastStep(cut: Point2D[], stretch: readonly Point2D[], alongM: number): Point2D[] {
  if (alongM <= 0) return [stretch[0] as Point2D];
  const end = pointAlong(stretch, alongM);
  const last = cut[cut.length - 1] as Point2D;
  if (pointDistance(last, end) > 1e-9) cut.push(end);
  return cut;
}
