import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { integrateArc, type Pose2D } from '../../messages/geometry.js';
import { GyroYaw } from './gyro-yaw.js';
import { OdometryHistory } from './odometry-history.js';
import { WheelOdometry } from './wheel-odometry.js';

const BASE = 0.3;
const STEP_US = 20_000;

/** Commanded odometry standing still at the origin (the commands never moved it). */
function still(): OdometryHistory {
  return new OdometryHistory({ stampUs: 0, pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0, wRadps: 0 });
}

function close(a: Pose2D, b: Pose2D, tolerance: number): void {
  expect(Math.abs(a.xM - b.xM)).toBeLessThanOrEqual(tolerance);
  expect(Math.abs(a.yM - b.yM)).toBeLessThanOrEqual(tolerance);
  expect(Math.abs(Math.atan2(Math.sin(a.yawRad - b.yawRad), Math.cos(a.yawRad - b.yawRad)))).toBeLessThanOrEqual(
    tolerance,
  );
}

const wheelSpeeds = fc.array(
  fc.record({
    leftMps: fc.double({ min: -0.8, max: 0.8, noNaN: true }),
    rightMps: fc.double({ min: -0.8, max: 0.8, noNaN: true }),
    steps: fc.integer({ min: 1, max: 40 }),
  }),
  { minLength: 1, maxLength: 12 },
);

describe('WheelOdometry', () => {
  it('follows the differential-drive arcs the wheels drove, for any wheel speeds', () => {
    fc.assert(
      fc.property(wheelSpeeds, (segments) => {
        const odometry = new WheelOdometry(BASE, still(), new GyroYaw(), { stampUs: 0, leftM: 0, rightM: 0 });
        let truth: Pose2D = { xM: 0, yM: 0, yawRad: 0 };
        let t = 0;
        let left = 0;
        let right = 0;
        for (const { leftMps, rightMps, steps } of segments) {
          for (let i = 0; i < steps; i++) {
            t += STEP_US;
            left += (leftMps * STEP_US) / 1e6;
            right += (rightMps * STEP_US) / 1e6;
            truth = integrateArc(truth, (leftMps + rightMps) / 2, (rightMps - leftMps) / BASE, STEP_US / 1e6);
            odometry.wheels({ stampUs: t, leftM: left, rightM: right });
          }
        }
        close(odometry.history.poseAt(t), truth, 1e-9);
        expect(odometry.bridged).toBe(0);
      }),
    );
  });

  it('ignores a gyro bias below slip level, and takes the gyro turn when a wheel slips', () => {
    const gyro = new GyroYaw();
    const odometry = new WheelOdometry(BASE, still(), gyro, { stampUs: 0, leftM: 0, rightM: 0 });
    // Straight at 0.5 m/s for 2 s with a gyro biased by 0.003 rad/s: the wheels' (zero) turn stands.
    let t = 0;
    for (let i = 1; i <= 100; i++) {
      t = i * STEP_US;
      gyro.add(t, 0.003);
      odometry.wheels({ stampUs: t, leftM: 0.01 * i, rightM: 0.01 * i });
    }
    expect(odometry.history.poseAt(t).yawRad).toBe(0);
    expect(odometry.history.poseAt(t).xM).toBeCloseTo(1, 9);
    // Now the left wheel spins on a slippery patch (it counts 0.02 m a step more) while the robot goes straight: the gyro says so.
    for (let i = 101; i <= 150; i++) {
      t = i * STEP_US;
      gyro.add(t, 0);
      odometry.wheels({ stampUs: t, leftM: 0.01 * i + 0.02 * (i - 100), rightM: 0.01 * i });
    }
    expect(Math.abs(odometry.history.poseAt(t).yawRad)).toBeLessThan(1e-9);
  });

  it('bridges a gap in the readings, and a counter jump, with the commanded motion', () => {
    const commanded = new OdometryHistory({ stampUs: 0, pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0.2, wRadps: 0 });
    const odometry = new WheelOdometry(BASE, commanded, new GyroYaw(), { stampUs: 0, leftM: 0, rightM: 0 });
    // No reading for 2 s (the controller's port was down): the commands carried the robot 0.4 m.
    odometry.advance(2_000_000);
    expect(odometry.history.poseAt(2_000_000).xM).toBeCloseTo(0.4, 9);
    // The port is back and counts from the controller's value: 100 m in one step is a jump, not motion.
    odometry.wheels({ stampUs: 2_020_000, leftM: 100, rightM: 100 });
    expect(odometry.history.poseAt(2_020_000).xM).toBeCloseTo(0.404, 9);
    // From there on the wheels count again.
    odometry.wheels({ stampUs: 2_040_000, leftM: 100.01, rightM: 100.01 });
    expect(odometry.history.poseAt(2_040_000).xM).toBeCloseTo(0.414, 9);
    expect(odometry.bridged).toBe(2);
  });
});

describe('GyroYaw', () => {
  it('learns its bias while the robot stands still, and leaves it out of the turn', () => {
    const gyro = new GyroYaw();
    for (let i = 0; i <= 400; i++) gyro.add(i * 10_000, 0.01);
    gyro.turnBetween(0, 4_000_000, true);
    expect(gyro.biasRadps).toBeCloseTo(0.01, 3);
    for (let i = 401; i <= 500; i++) gyro.add(i * 10_000, 0.51);
    expect(gyro.turnBetween(4_000_000, 5_000_000, false)).toBeCloseTo(0.5, 2);
  });

  it('does not answer for an interval its samples do not cover', () => {
    const gyro = new GyroYaw();
    expect(gyro.turnBetween(0, 10_000, false)).toBeNull();
    gyro.add(100_000, 0.1);
    gyro.add(110_000, 0.1);
    expect(gyro.turnBetween(0, 110_000, false)).toBeNull();
    expect(gyro.turnBetween(100_000, 500_000, false)).toBeNull();
    expect(gyro.turnBetween(100_000, 110_000, false)).toBeCloseTo(0.001, 9);
  });
});
