import { describe, expect, it } from 'vitest';
import { composePose } from '../messages/geometry.js';
import { PoseEstimate } from './pose-estimate.js';

const START = { xM: 2, yM: 1, yawRad: Math.PI / 2 };

describe('PoseEstimate', () => {
  it('hands over from the commands to the wheel encoders without a jump, and tells the main thread the frame that makes its pose the estimate', () => {
    // Commanded at 0.5 m/s straight from t = 0; placed at START.
    const estimate = new PoseEstimate({ stampUs: 0, pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0.5, wRadps: 0 }, 0.3);
    estimate.place(START, 0);
    const before = estimate.poseAt(1_000_000)!;
    expect(estimate.measured).toBe(false);
    expect(estimate.mainFrame(1_000_000)).toBe(estimate.currentFrame());
    // The first encoder reading at 1 s: the pose stays where it was.
    estimate.wheels({ stampUs: 1_000_000, leftM: 0, rightM: 0 });
    expect(estimate.measured).toBe(true);
    expect(estimate.poseAt(1_000_000)!.xM).toBeCloseTo(before.xM, 9);
    expect(estimate.poseAt(1_000_000)!.yM).toBeCloseTo(before.yM, 9);
    // The wheels report half the commanded speed (the motors are weaker than the commands assume).
    for (let i = 1; i <= 50; i++)
      estimate.wheels({ stampUs: 1_000_000 + i * 20_000, leftM: 0.005 * i, rightM: 0.005 * i });
    const now = 2_000_000;
    const pose = estimate.poseAt(now)!;
    expect(pose.yM - before.yM).toBeCloseTo(0.25, 6); // facing +y: 0.25 m in the second second, not 0.5
    const main = composePose(estimate.mainFrame(now)!, estimate.commanded.poseAt(now));
    expect(main.xM).toBeCloseTo(pose.xM, 9);
    expect(main.yM).toBeCloseTo(pose.yM, 9);
    expect(main.yawRad).toBeCloseTo(pose.yawRad, 9);
    // Asked again with nothing new, it is the same frame (nothing to send).
    expect(estimate.mainFrame(now)).toBe(estimate.mainFrame(now));
  });
});
