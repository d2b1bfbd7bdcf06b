/** Body motion to wheel duties for a differential drive. */
export interface DriveGeometry {
  wheelBaseM: number;
  /** Wheel surface speed at full duty, m/s. */
  maxWheelSpeedMps: number;
  invertLeft: boolean;
  invertRight: boolean;
}

/**
 * Left/right duties (-1..1) for forward speed `vMps` and turn rate `wRadps`. When a wheel would
 * exceed full duty both are scaled down together, so the path's curvature is kept.
 */
export function mixWheelDuties(vMps: number, wRadps: number, g: DriveGeometry): { left: number; right: number } {
  let left = (vMps - (wRadps * g.wheelBaseM) / 2) / g.maxWheelSpeedMps;
  let right = (vMps + (wRadps * g.wheelBaseM) / 2) / g.maxWheelSpeedMps;
  const peak = Math.max(1, Math.abs(left), Math.abs(right));
  left /= peak;
  right /= peak;
  return { left: g.invertLeft ? -left : left, right: g.invertRight ? -right : right };
}
