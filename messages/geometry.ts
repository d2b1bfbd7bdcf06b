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
