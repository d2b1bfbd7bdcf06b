import { composePose, type Pose2D } from '../../messages/geometry.js';
import { poseAtTime, type OdometrySample } from '../../messages/odometry.js';

/** Samples kept: the applied motion changes at most at the reflex rate, so this covers the last revolution and more. */
const KEPT = 128;

/**
 * The recent odometry of record, sample by sample, so the pose in the odometry frame can be told
 * at any moment of the last revolution (a scan's points were measured over 100 ms of motion).
 */
export class OdometryHistory {
  private readonly samples: OdometrySample[] = [];

  constructor(first: OdometrySample) {
    this.samples.push(first);
  }

  add(sample: OdometrySample): void {
    this.samples.push(sample);
    if (this.samples.length > KEPT) this.samples.shift();
  }

  latest(): OdometrySample {
    return this.samples[this.samples.length - 1]!;
  }

  /** The odometry-frame pose at `atUs`: from the last sample at or before it (the oldest when none is). */
  poseAt(atUs: number): Pose2D {
    for (let i = this.samples.length - 1; i >= 0; i--) {
      const sample = this.samples[i]!;
      if (sample.stampUs <= atUs) return poseAtTime(sample, atUs);
    }
    return this.samples[0]!.pose;
  }

  /** The pose at `atUs` seen from the pose at `refUs`: where the robot was then, in the robot frame of `refUs`. */
  relative(refUs: number, atUs: number): Pose2D {
    const ref = this.poseAt(refUs);
    const at = this.poseAt(atUs);
    const c = Math.cos(ref.yawRad);
    const s = Math.sin(ref.yawRad);
    const dx = at.xM - ref.xM;
    const dy = at.yM - ref.yM;
    return composePose(
      { xM: 0, yM: 0, yawRad: 0 },
      { xM: c * dx + s * dy, yM: -s * dx + c * dy, yawRad: at.yawRad - ref.yawRad },
    );
  }
}
