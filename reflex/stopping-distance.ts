import type { ReflexSettings } from './reflex-types.js';

/** Stopping distance from `speedMps`: v²/2a + reaction latency × v + margin. */
export function stoppingDistanceM(speedMps: number, s: ReflexSettings): number {
  const v = Math.abs(speedMps);
  return (v * v) / (2 * s.brakingDecelMps2) + s.reactionLatencyS * v + s.stopMarginM;
}

/** The fastest speed that can still stop within `freeM` (inverse of {@link stoppingDistanceM}). */
export function speedAllowedM(freeM: number, s: ReflexSettings): number {
  const room = freeM - s.stopMarginM;
  if (room <= 0) return 0;
  const a = s.brakingDecelMps2;
  const l = s.reactionLatencyS;
  return a * (-l + Math.sqrt(l * l + (2 * room) / a));
}

/**
 * The slow zone starts at the stopping distance from top speed plus `slowZoneM`; inside it the
 * speed cap falls in proportion to the free distance, from top speed at its edge to zero at the
 * stop margin, so the robot approaches an obstacle gently instead of braking hard at the last moment.
 */
export function slowZoneCapMps(freeM: number, s: ReflexSettings): number {
  const zoneEndM = stoppingDistanceM(s.maxSpeedMps, s) + s.slowZoneM;
  if (freeM >= zoneEndM) return Infinity;
  return (s.maxSpeedMps * Math.max(0, freeM - s.stopMarginM)) / (zoneEndM - s.stopMarginM);
}
