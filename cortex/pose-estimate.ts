import { composePose, frameOf, type Pose2D } from '../messages/geometry.js';
import type { OdometrySample } from '../messages/odometry.js';
import { OdometryHistory } from './localisation/odometry-history.js';

/**
 * The cortex's estimate of the robot's world pose: where the odometry frame lies in the world,
 * composed with the odometry of record the main thread sends (never integrated again here). The
 * frame is set from the pose the mission starts at, and the localiser moves it whenever a lidar
 * revolution matched against the map says where the robot really was.
 */
export class PoseEstimate {
  private frame: Pose2D | null = null;
  readonly history: OdometryHistory;

  constructor(odometry: OdometrySample) {
    this.history = new OdometryHistory(odometry);
  }

  /** The odometry of record moved on (the applied motion changed). */
  odometryChanged(sample: OdometrySample): void {
    this.history.add(sample);
  }

  /** The robot is at world pose `pose` at `atUs`: places the odometry frame accordingly; returns it. */
  place(pose: Pose2D, atUs: number): Pose2D {
    this.frame = frameOf(pose, this.history.poseAt(atUs));
    return this.frame;
  }

  /** Where the odometry frame lies in the world (null before the robot was placed). */
  currentFrame(): Pose2D | null {
    return this.frame;
  }

  /** The world pose at `atUs`, or null before the robot was placed. */
  poseAt(atUs: number): Pose2D | null {
    return this.frame ? composePose(this.frame, this.history.poseAt(atUs)) : null;
  }
}
