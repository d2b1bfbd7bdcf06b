/** A pose in the plane: x forward / y left in the robot frame; in the world frame, metres and radians (CCW). */
export interface Pose2D {
  xM: number;
  yM: number;
  yawRad: number;
}

export interface Point2D {
  xM: number;
  yM: number;
}

/** Exact unicycle motion: the pose after `dtS` seconds at constant forward speed and turn rate. */
export function integrateArc(pose: Pose2D, vMps: number, wRadps: number, dtS: number): Pose2D {
  const yaw = pose.yawRad;
  if (Math.abs(wRadps) < 1e-9) {
    return { xM: pose.xM + vMps * dtS * Math.cos(yaw), yM: pose.yM + vMps * dtS * Math.sin(yaw), yawRad: yaw };
  }
  const yaw2 = yaw + wRadps * dtS;
  const r = vMps / wRadps;
  return {
    xM: pose.xM + r * (Math.sin(yaw2) - Math.sin(yaw)),
    yM: pose.yM - r * (Math.cos(yaw2) - Math.cos(yaw)),
    yawRad: Math.atan2(Math.sin(yaw2), Math.cos(yaw2)),
  };
}

/** `local` (a pose in the frame whose origin lies at `frame`) in `frame`'s parent frame; yaw in (-π, π]. */
export function composePose(frame: Pose2D, local: Pose2D): Pose2D {
  const c = Math.cos(frame.yawRad);
  const s = Math.sin(frame.yawRad);
  const yaw = frame.yawRad + local.yawRad;
  return {
    xM: frame.xM + local.xM * c - local.yM * s,
    yM: frame.yM + local.xM * s + local.yM * c,
    yawRad: Math.atan2(Math.sin(yaw), Math.cos(yaw)),
  };
}

/** The frame that puts `local` (a pose in it) at `world`: `composePose(frameOf(world, local), local)` is `world`. */
export function frameOf(world: Pose2D, local: Pose2D): Pose2D {
  const yawRad = world.yawRad - local.yawRad;
  const c = Math.cos(yawRad);
  const s = Math.sin(yawRad);
  return { xM: world.xM - (local.xM * c - local.yM * s), yM: world.yM - (local.xM * s + local.yM * c), yawRad };
}

/** True when `value` has the shape of a {@link Pose2D} with finite numbers (for messages from another thread). */
export function isPose2D(value: unknown): value is Pose2D {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return [v.xM, v.yM, v.yawRad].every((n) => typeof n === 'number' && Number.isFinite(n));
}

/** True when `value` has the shape of a {@link Point2D} with finite numbers. */
export function isPoint2D(value: unknown): value is Point2D {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return [v.xM, v.yM].every((n) => typeof n === 'number' && Number.isFinite(n));
}
