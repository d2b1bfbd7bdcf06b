import type { MotionClearance, PathObstacle } from '../swept-path.js';
import type { ReflexRule } from '../reflex-types.js';

function direction(vMps: number, wRadps: number): string {
  if (vMps > 0) return Math.abs(wRadps) > 0.05 ? 'ahead along the arc' : 'ahead';
  if (vMps < 0) return Math.abs(wRadps) > 0.05 ? 'behind along the arc' : 'behind';
  return 'from the turning footprint';
}

function describeObstacle(o: PathObstacle, where: string): string {
  const bearingDeg = Math.round((Math.atan2(o.yM, o.xM) * 180) / Math.PI);
  return `obstacle ${o.freeDistanceM.toFixed(2)} m ${where} (lidar return at bearing ${bearingDeg}°)`;
}

/** Allowed speed of the faster wheel under a clearance, m/s. */
function allowedWheelMps(c: MotionClearance): number {
  return Math.min(c.stopScale, c.slowScale) * c.peakWheelMps;
}

/**
 * Obstacles in the swept area: the area the footprint (grown by the stop and side margins) sweeps
 * along the commanded motion, whatever mix of forward speed and turn rate it is, over the stopping
 * time under the stopping model (each wheel keeps its speed for the reaction latency, then brakes at
 * reflex.brakingDecelMps2). Inside the slow zone, v and ω are scaled down together in proportion to
 * the free distance, so an arc keeps its curvature. A stop for translation still lets the robot turn
 * in place when turning in place is itself clear, so it is never trapped facing a wall.
 */
export const OBSTACLE_RULE: ReflexRule = {
  id: 'obstacle',
  turnsWhileClearing: true,
  trigger:
    'an obstacle in the area the footprint sweeps along the commanded motion (straight, reverse, arc or rotation) within the stopping time, with each wheel braking at reflex.brakingDecelMps2 after reflex.reactionLatencyMs and reflex.stopMarginM / reflex.sideMarginM kept free; inside the slow zone (reflex.slowZoneM beyond the stopping distance from top speed) v and ω are scaled together in proportion to the free distance; a motion allowed less than reflex.creepSpeedMps at the wheels stops instead, as does a wheel speed already more than reflex.overspeedToleranceMps above what can still stop in time',
  action: 'stop',
  clears: 'path clear (reflex.releaseSpeedMps allowed again) for reflex.clearHoldMs',
  params: [
    'reflex.brakingDecelMps2',
    'reflex.reactionLatencyMs',
    'reflex.stopMarginM',
    'reflex.slowZoneM',
    'reflex.sideMarginM',
    'reflex.obstacleMemoryMs',
    'reflex.seeThroughM',
    'reflex.creepSpeedMps',
    'reflex.releaseSpeedMps',
    'reflex.overspeedToleranceMps',
    'reflex.clearHoldMs',
  ],
  clearHoldUs: (s) => s.clearHoldUs,
  evaluate({ inputs, settings, held }) {
    const v = inputs.command?.vMps ?? 0;
    const w = inputs.command?.wRadps ?? 0;
    const applied = inputs.appliedMotion;
    if (
      applied?.obstacle &&
      applied.peakWheelMps - applied.stopScale * applied.peakWheelMps > settings.overspeedToleranceMps
    ) {
      const av = inputs.appliedVMps;
      const aw = inputs.appliedWRadps ?? 0;
      const moving =
        av !== 0
          ? `inside the stopping distance at ${Math.abs(av).toFixed(2)} m/s`
          : `turning at ${Math.abs(aw).toFixed(2)} rad/s: cannot stop the turn in time`;
      return {
        action: 'stop',
        allowTurn: av !== 0,
        reason: `${describeObstacle(applied.obstacle, direction(av, aw))}, ${moving}`,
      };
    }
    const motion = inputs.motion;
    if (!motion?.obstacle || (v === 0 && w === 0)) return null;
    const where = direction(v, w);
    const allowed = allowedWheelMps(motion);
    if (allowed < (held ? settings.releaseSpeedMps : settings.creepSpeedMps)) {
      return {
        action: 'stop',
        allowTurn: v !== 0,
        reason:
          v === 0
            ? `${describeObstacle(motion.obstacle, where)}: cannot turn in place`
            : `${describeObstacle(motion.obstacle, where)}, at the stop margin of ${settings.stopMarginM} m: no room left to move`,
      };
    }
    const scale = Math.min(motion.stopScale, motion.slowScale);
    if (scale < 1) {
      return {
        action: 'slow',
        reason: `${describeObstacle(motion.obstacle, where)}: speed scaled to ${Math.round(scale * 100)} % (${(scale * Math.abs(v)).toFixed(2)} m/s, ${(scale * Math.abs(w)).toFixed(2)} rad/s)`,
        scale,
      };
    }
    return null;
  },
};
