import type { Point2D, Pose2D } from '../../messages/geometry.js';
import type { ReflexRule } from '../reflex-types.js';
import { stoppingDistanceM } from '../stopping-distance.js';

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

function ahead(pose: Pose2D, distanceM: number): Point2D {
  return { xM: pose.xM + distanceM * Math.cos(pose.yawRad), yM: pose.yM + distanceM * Math.sin(pose.yawRad) };
}

/**
 * The geofence: stop before leaving the polygon, and outside it allow only motion that brings the
 * robot back in (turning in place is always allowed: the robot is never trapped).
 */
export const GEOFENCE_RULE: ReflexRule = {
  id: 'geofence',
  turnsWhileClearing: true,
  trigger: 'the robot is outside the geofence polygon, or would leave it within its stopping distance',
  action: 'stop',
  clears: 'a command that keeps the robot inside, or brings it back in',
  params: ['reflex.brakingDecelMps2', 'reflex.stopMarginM'],
  clearHoldUs: () => 0,
  evaluate({ inputs, settings }) {
    const fence = settings.geofence;
    const pose = inputs.pose;
    const v = inputs.command?.vMps ?? 0;
    if (!fence || fence.length < 3 || !pose || v === 0) return null;
    const reach = Math.sign(v) * stoppingDistanceM(v, settings);
    const next = ahead(pose, reach);
    const inside = insidePolygon(pose, fence);
    if (inside) {
      if (insidePolygon(next, fence)) return null;
      return {
        action: 'stop',
        allowTurn: true,
        reason: `would leave the geofence within ${Math.abs(reach).toFixed(2)} m`,
      };
    }
    const closer = insidePolygon(next, fence) || distanceToBoundaryM(next, fence) < distanceToBoundaryM(pose, fence);
    if (closer) return null;
    return {
      action: 'stop',
      allowTurn: true,
      reason: `outside the geofence (${distanceToBoundaryM(pose, fence).toFixed(2)} m out): only motion back inside is allowed`,
    };
  },
};
