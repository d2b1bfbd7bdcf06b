import { integrateArc, type Pose2D } from './geometry.js';

/**
 * The robot's odometry at one moment: its pose in the odometry frame (where it started, by the
 * motion it was given) and the body motion it holds from then on. The main thread integrates the
 * applied motion once ({@link poseAtTime} of its last sample) and sends each new sample to the
 * cortex; both sides extrapolate a sample with the same function, so they never drift apart.
 */
export interface OdometrySample {
  /** Clock time of the sample, microseconds. */
  stampUs: number;
  /** Odometry-frame pose at `stampUs`. */
  pose: Pose2D;
  /** Body motion from `stampUs` on: forward speed, m/s, and turn rate, rad/s. */
  vMps: number;
  wRadps: number;
}

/** The odometry-frame pose at `atUs`, the sample's motion held since its stamp (none before it). */
export function poseAtTime(sample: OdometrySample, atUs: number): Pose2D {
  return integrateArc(sample.pose, sample.vMps, sample.wRadps, Math.max(0, (atUs - sample.stampUs) / 1e6));
}
