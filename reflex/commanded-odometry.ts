import type { AppliedDrive } from '../messages/drive.js';
import { composePose, frameOf, type Pose2D } from '../messages/geometry.js';
import { poseAtTime, type OdometrySample } from '../messages/odometry.js';

/**
 * The robot's odometry of record: the body motion the reflex applied, integrated along arcs from
 * where the robot started (the origin of the odometry frame). It is the one integrator of the
 * robot's motion: the cortex gets its samples ({@link sample}) rather than integrating again, and
 * gives back where the odometry frame lies in the world ({@link setWorldFrame}), which places the
 * robot in the world for the geofence at any moment without a second, drifting estimate.
 */
export class CommandedOdometry {
  private last: OdometrySample;
  private applied: AppliedDrive;
  /** Where the odometry frame lies in the world, once the cortex has said. */
  private worldFrame: Pose2D | null = null;

  constructor(startUs: number) {
    this.applied = { vMps: 0, wRadps: 0, stampUs: startUs };
    this.last = { stampUs: startUs, pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0, wRadps: 0 };
  }

  /** The motion applied now, and since when. */
  motion(): AppliedDrive {
    return this.applied;
  }

  /** The latest sample: the pose when the applied motion last changed, and that motion. */
  sample(): OdometrySample {
    return this.last;
  }

  /** Odometry-frame pose at `atUs`. */
  poseAt(atUs: number): Pose2D {
    return poseAtTime(this.last, atUs);
  }

  /** A new motion applied from `nowUs` on. */
  apply(vMps: number, wRadps: number, nowUs: number): AppliedDrive {
    this.last = { stampUs: nowUs, pose: this.poseAt(nowUs), vMps, wRadps };
    this.applied = { vMps, wRadps, stampUs: nowUs };
    return this.applied;
  }

  /** Where the odometry frame lies in the world (the cortex's estimate). */
  setWorldFrame(frame: Pose2D): void {
    this.worldFrame = frame;
  }

  /** The robot's world pose as of `atUs`: from then on the world frame is the one that puts it there. */
  setWorldPose(pose: Pose2D, atUs: number): void {
    this.worldFrame = frameOf(pose, this.poseAt(atUs));
  }

  /** The robot's world pose at `atUs`, or null before the world frame is known. */
  worldPoseAt(atUs: number): Pose2D | null {
    return this.worldFrame ? composePose(this.worldFrame, this.poseAt(atUs)) : null;
  }
}
