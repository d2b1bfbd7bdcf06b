import { composePose, frameOf, type Pose2D } from '../messages/geometry.js';
import { poseAtTime, type OdometrySample } from '../messages/odometry.js';

/**
 * The cortex's estimate of the robot's world pose: where the odometry frame lies in the world,
 * composed with the odometry of record the main thread sends (never integrated again here). The
 * world model will correct the frame from the IMU and scan matching; today it is set once, from the
 * pose the mission starts at.
 */
export class PoseEstimate {
  private frame: Pose2D | null = null;

  constructor(private odometry: OdometrySample) {}

  /** The odometry of record moved on (the applied motion changed). */
  odometryChanged(sample: OdometrySample): void {
    this.odometry = sample;
  }

  /** The robot is at world pose `pose` at `atUs`: places the odometry frame accordingly; returns it. */
  place(pose: Pose2D, atUs: number): Pose2D {
    this.frame = frameOf(pose, poseAtTime(this.odometry, atUs));
    return this.frame;
  }

  /** The world pose at `atUs`, or null before the robot was placed. */
  poseAt(atUs: number): Pose2D | null {
    return this.frame ? composePose(this.frame, poseAtTime(this.odometry, atUs)) : null;
  }
}
