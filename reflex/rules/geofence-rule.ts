import type { Point2D, Pose2D } from '../../messages/geometry.js';
import { distanceToBoundaryM, insidePolygon } from '../../messages/polygon.js';
import type { ReflexRule } from '../reflex-types.js';
import { stoppingDistanceM } from '../stopping-distance.js';

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
