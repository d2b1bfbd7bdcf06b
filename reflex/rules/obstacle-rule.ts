import type { PathObstacle } from '../scan-memory.js';
import type { ReflexRule } from '../reflex-types.js';
import { slowZoneCapMps, speedAllowedM, stoppingDistanceM } from '../stopping-distance.js';

/** Below this allowed speed the robot is stopped rather than crept forward, m/s. */
const CREEP_SPEED_MPS = 0.02;
/** An obstacle stop releases only once this speed would be allowed again (hysteresis against sensor noise), m/s. */
const RELEASE_SPEED_MPS = 0.05;
/** How far the applied speed may exceed what can still stop in time before it is a trip, m/s. */
const OVERSPEED_TOLERANCE_MPS = 0.05;
/** Turn rates below this are not a turn, rad/s. */
const TURNING_RADPS = 0.05;

function describeObstacle(o: PathObstacle, direction: string): string {
  const bearingDeg = Math.round((Math.atan2(o.yM, o.xM) * 180) / Math.PI);
  return `obstacle ${o.freeDistanceM.toFixed(2)} m ${direction} (lidar return at bearing ${bearingDeg}°)`;
}

/**
 * Obstacles in the swept path: the corridor the footprint sweeps driving forward or backward,
 * with a velocity-dependent stopping distance and a slow zone beyond it, and the circle it sweeps
 * turning. A stop for an obstacle ahead or behind still lets the robot turn in place when the
 * turning circle is clear, so it is never trapped facing a wall.
 */
export const OBSTACLE_RULE: ReflexRule = {
  id: 'obstacle',
  trigger:
    'an obstacle in the corridor swept by the footprint closer than the stopping distance v²/2a + latency·v + margin, or at the stop margin; an obstacle inside the circle the footprint sweeps when turning; inside the slow zone (reflex.slowZoneM beyond the stopping distance from top speed) speed is capped in proportion to the free distance',
  action: 'stop',
  clears: 'path clear for reflex.clearHoldMs',
  params: [
    'reflex.brakingDecelMps2',
    'reflex.reactionLatencyMs',
    'reflex.stopMarginM',
    'reflex.slowZoneM',
    'reflex.sideMarginM',
    'reflex.clearHoldMs',
  ],
  clearHoldUs: (s) => s.clearHoldUs,
  evaluate({ inputs, settings, held }) {
    const v = inputs.command?.vMps ?? 0;
    const w = inputs.command?.wRadps ?? 0;
    const turnBlocked = inputs.turnSweep ?? null;
    if (Math.abs(w) > TURNING_RADPS && Math.abs(v) < CREEP_SPEED_MPS && turnBlocked) {
      return {
        action: 'stop',
        reason: `${describeObstacle(turnBlocked, 'from the turning footprint')}: cannot turn in place`,
      };
    }
    if (v === 0) return null;
    const obstacle = v > 0 ? inputs.pathAhead : inputs.pathBehind;
    if (!obstacle) return null;
    const direction = v > 0 ? 'ahead' : 'behind';
    const free = obstacle.freeDistanceM;
    const applied = Math.abs(inputs.appliedVMps);
    const allowed = speedAllowedM(free, settings);
    const cap = Math.min(allowed, slowZoneCapMps(free, settings));
    const allowTurn = !turnBlocked;
    if (applied > allowed + OVERSPEED_TOLERANCE_MPS) {
      const stopAtM = stoppingDistanceM(applied, settings);
      return {
        action: 'stop',
        allowTurn,
        reason: `${describeObstacle(obstacle, direction)}, inside the stopping distance ${stopAtM.toFixed(2)} m at ${applied.toFixed(2)} m/s`,
      };
    }
    if (cap < (held ? RELEASE_SPEED_MPS : CREEP_SPEED_MPS)) {
      return {
        action: 'stop',
        allowTurn,
        reason: `${describeObstacle(obstacle, direction)}, at the stop margin of ${settings.stopMarginM} m: no room left to move`,
      };
    }
    if (cap < Math.abs(v)) {
      return {
        action: 'slow',
        reason: `${describeObstacle(obstacle, direction)}: speed capped at ${cap.toFixed(2)} m/s`,
        capMps: cap,
      };
    }
    return null;
  },
};
