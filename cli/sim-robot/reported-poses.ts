import type { Pose2D } from '../../messages/geometry.js';
import { POSE_SAMPLE_PERIOD_US } from '../../simulator/world/pose-truth-trace.js';
import type { RobotRuntime } from '../robot-runtime.js';

/** The world pose the robot reports (its reflex's: the cortex's frame on the odometry of record) at each of the world's sampling instants. */
export function recordReportedPoses(runtime: RobotRuntime): Map<number, Pose2D> {
  const poses = new Map<number, Pose2D>();
  runtime.onLockstepTick((simTimeUs) => {
    if (simTimeUs % POSE_SAMPLE_PERIOD_US !== 0) return;
    const pose = runtime.reflex.worldPose();
    if (pose) poses.set(simTimeUs, pose);
  });
  return poses;
}
