import type { Pose2D } from '../../messages/geometry.js';

/** Sim time between samples of the true pose, microseconds (10 Hz). */
export const POSE_SAMPLE_PERIOD_US = 100_000;

/** One sample of a pose at a sim time. */
export interface TimedPose {
  simTimeUs: number;
  pose: Pose2D;
}

/**
 * The true pose of one robot at every {@link POSE_SAMPLE_PERIOD_US} of sim time (taken at the
 * quantum's tick, the instant the robot's clock shows that same time), kept to compare with the
 * pose the robot reports at the same instants.
 */
export class PoseTruthTrace {
  private readonly trace: TimedPose[] = [];

  /** Keeps the pose when `simTimeUs` is a sampling instant. */
  sample(simTimeUs: number, pose: Pose2D): void {
    if (simTimeUs % POSE_SAMPLE_PERIOD_US === 0) this.trace.push({ simTimeUs, pose });
  }

  samples(): TimedPose[] {
    return this.trace;
  }
}

/** The largest and the last distance between the truth and the reported poses at the instants both have; null without any. */
export function poseErrors(
  truth: readonly TimedPose[],
  reported: ReadonlyMap<number, Pose2D>,
): { maxM: number; finalM: number } | null {
  let maxM = -1;
  let finalM = 0;
  for (const sample of truth) {
    const pose = reported.get(sample.simTimeUs);
    if (!pose) continue;
    const error = Math.hypot(pose.xM - sample.pose.xM, pose.yM - sample.pose.yM);
    maxM = Math.max(maxM, error);
    finalM = error;
  }
  return maxM < 0 ? null : { maxM, finalM };
}
