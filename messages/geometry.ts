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
