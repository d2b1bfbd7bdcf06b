import { describe, expect, it } from 'vitest';
import { PoseEstimate } from '../cortex/pose-estimate.js';
import { integrateArc, type Pose2D } from '../messages/geometry.js';
import { CommandedOdometry } from '../reflex/commanded-odometry.js';

const T0 = 3_000_000;

function expectPose(actual: Pose2D | null, expected: Pose2D, digits = 9): void {
  expect(actual).not.toBeNull();
  expect(actual!.xM).toBeCloseTo(expected.xM, digits);
  expect(actual!.yM).toBeCloseTo(expected.yM, digits);
  expect(
    Math.atan2(Math.sin(actual!.yawRad - expected.yawRad), Math.cos(actual!.yawRad - expected.yawRad)),
  ).toBeCloseTo(0, digits);
}

/**
 * The robot's world pose as the two threads see it: the main thread integrates the applied motion
 * once (the odometry of record) and the cortex, given each sample, places the odometry frame at the
 * pose the mission starts from; the reflex composes the same frame with the same odometry.
 */
function pipeline(initial: Pose2D) {
  const odometry = new CommandedOdometry(T0);
  const estimate = new PoseEstimate(odometry.sample(), 0.2);
  odometry.setWorldFrame(estimate.place(initial, T0));
  return {
    applied(vMps: number, wRadps: number, stampUs: number): void {
      odometry.apply(vMps, wRadps, stampUs);
      estimate.odometryChanged(odometry.sample());
    },
    cortexPoseAt: (atUs: number) => estimate.poseAt(atUs),
    reflexPoseAt: (atUs: number) => odometry.worldPoseAt(atUs),
  };
}

describe('the world pose from the odometry of record', () => {
  it('stays at the initial pose until motion is applied', () => {
    const p = pipeline({ xM: 1, yM: 2, yawRad: 0.5 });
    expectPose(p.cortexPoseAt(T0 + 10_000_000), { xM: 1, yM: 2, yawRad: 0.5 });
    expectPose(p.reflexPoseAt(T0 + 10_000_000), { xM: 1, yM: 2, yawRad: 0.5 });
  });

  it('is unknown until the cortex places the robot', () => {
    const odometry = new CommandedOdometry(T0);
    expect(odometry.worldPoseAt(T0)).toBeNull();
    expect(new PoseEstimate(odometry.sample(), 0.2).poseAt(T0)).toBeNull();
  });

  it('drives a straight line from the stamp of the applied motion on, not before', () => {
    const p = pipeline({ xM: 0, yM: 0, yawRad: 0 });
    p.applied(0.5, 0, T0 + 1_000_000);
    expectPose(p.cortexPoseAt(T0), { xM: 0, yM: 0, yawRad: 0 });
    expectPose(p.cortexPoseAt(T0 + 1_000_000), { xM: 0, yM: 0, yawRad: 0 });
    expectPose(p.cortexPoseAt(T0 + 3_000_000), { xM: 1, yM: 0, yawRad: 0 });
  });

  it('splits integration at each applied change: drive 2 s, turn a quarter in place, drive 1 s', () => {
    // GIVEN a robot at the origin facing +x
    const p = pipeline({ xM: 0, yM: 0, yawRad: 0 });
    // WHEN it drives at 0.5 m/s for 2 s, THEN it is at (1, 0)
    p.applied(0.5, 0, T0);
    expectPose(p.cortexPoseAt(T0 + 2_000_000), { xM: 1, yM: 0, yawRad: 0 });
    // WHEN it then turns at π/2 rad/s for 1 s, THEN it faces +y at the same place
    p.applied(0, Math.PI / 2, T0 + 2_000_000);
    expectPose(p.cortexPoseAt(T0 + 3_000_000), { xM: 1, yM: 0, yawRad: Math.PI / 2 });
    // WHEN it drives 0.5 m/s for 1 s more, THEN the last leg starts where the turn ended
    p.applied(0.5, 0, T0 + 3_000_000);
    expectPose(p.cortexPoseAt(T0 + 4_000_000), { xM: 1, yM: 0.5, yawRad: Math.PI / 2 });
  });

  it('agrees with integrateArc leg by leg, on both threads, for an arbitrary sequence of motions', () => {
    const legs = [
      { vMps: 0.3, wRadps: 0.2, durationUs: 700_000 },
      { vMps: -0.1, wRadps: 0, durationUs: 1_300_000 },
      { vMps: 0, wRadps: -1, durationUs: 250_000 },
      { vMps: 0.5, wRadps: 0.9, durationUs: 2_000_000 },
    ];
    const start = { xM: -2, yM: 4, yawRad: 2.5 };
    const p = pipeline(start);
    let expected = start;
    let t = T0;
    for (const leg of legs) {
      p.applied(leg.vMps, leg.wRadps, t);
      expected = integrateArc(expected, leg.vMps, leg.wRadps, leg.durationUs / 1e6);
      t += leg.durationUs;
    }
    expectPose(p.cortexPoseAt(t), expected);
    expect(p.reflexPoseAt(t)).toEqual(p.cortexPoseAt(t));
  });

  it('matches one arc integration when a constant motion is re-applied many times', () => {
    const one = pipeline({ xM: 0, yM: 0, yawRad: 0 });
    const many = pipeline({ xM: 0, yM: 0, yawRad: 0 });
    one.applied(0.4, 0.6, T0);
    for (let t = T0; t < T0 + 5_000_000; t += 50_000) many.applied(0.4, 0.6, t);
    expectPose(many.cortexPoseAt(T0 + 5_000_000), one.cortexPoseAt(T0 + 5_000_000)!);
  });
});
