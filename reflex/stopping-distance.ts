/** What the stopping distance depends on (the `reflex.*` settings satisfy it). */
export interface StoppingModel {
  /** Deceleration of each wheel once braking, m/s². */
  brakingDecelMps2: number;
  /** Time from seeing an obstacle to the wheels braking, seconds. */
  reactionLatencyS: number;
  /** Distance kept between the footprint and an obstacle after stopping, metres. */
  stopMarginM: number;
  /** Distance beyond the stopping distance from top speed in which speed is capped, metres. */
  slowZoneM: number;
  maxSpeedMps: number;
}

/** Stopping distance from `speedMps`: v²/2a + reaction latency × v + margin. */
export function stoppingDistanceM(speedMps: number, s: StoppingModel): number {
  const v = Math.abs(speedMps);
  return (v * v) / (2 * s.brakingDecelMps2) + s.reactionLatencyS * v + s.stopMarginM;
}

/** The fastest speed that can still stop within `freeM` (inverse of {@link stoppingDistanceM}). */
export function speedAllowedM(freeM: number, s: StoppingModel): number {
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
export function slowZoneCapMps(freeM: number, s: StoppingModel): number {
  const zoneEndM = slowZoneEndM(s);
  if (freeM >= zoneEndM) return Infinity;
  return (s.maxSpeedMps * Math.max(0, freeM - s.stopMarginM)) / (zoneEndM - s.stopMarginM);
}

/** Free distance at which the slow zone begins: the stopping distance from top speed plus `slowZoneM`. */
export function slowZoneEndM(s: StoppingModel): number {
  return stoppingDistanceM(s.maxSpeedMps, s) + s.slowZoneM;
}
