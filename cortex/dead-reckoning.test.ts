import { describe, expect, it } from 'vitest';
import { integrateArc, type Pose2D } from '../messages/geometry.js';
import { DeadReckoning } from './dead-reckoning.js';

const T0 = 3_000_000;

function expectPose(actual: Pose2D, expected: Pose2D, digits = 9): void {
  expect(actual.xM).toBeCloseTo(expected.xM, digits);
  expect(actual.yM).toBeCloseTo(expected.yM, digits);
  expect(actual.yawRad).toBeCloseTo(expected.yawRad, digits);
}

describe('DeadReckoning', () => {
  it('stays at the initial pose until motion is applied', () => {
    const odometry = new DeadReckoning({ xM: 1, yM: 2, yawRad: 0.5 }, T0);
    expect(odometry.poseAt(T0 + 10_000_000)).toEqual({ xM: 1, yM: 2, yawRad: 0.5 });
  });

  it('does not share the initial pose object', () => {
    const initial = { xM: 1, yM: 2, yawRad: 0 };
    const odometry = new DeadReckoning(initial, T0);
    initial.xM = 99;
    expect(odometry.poseAt(T0).xM).toBe(1);
  });

  it('drives a straight line from the stamp of the applied motion on', () => {
    const odometry = new DeadReckoning({ xM: 0, yM: 0, yawRad: 0 }, T0);
    odometry.applied({ vMps: 0.5, wRadps: 0, stampUs: T0 + 1_000_000 });
    expectPose(odometry.poseAt(T0 + 1_000_000), { xM: 0, yM: 0, yawRad: 0 });
    expectPose(odometry.poseAt(T0 + 3_000_000), { xM: 1, yM: 0, yawRad: 0 });
  });

  it('does not extrapolate backwards before the motion started', () => {
    const odometry = new DeadReckoning({ xM: 0, yM: 0, yawRad: 0 }, T0);
    odometry.applied({ vMps: 0.5, wRadps: 0, stampUs: T0 + 1_000_000 });
    expectPose(odometry.poseAt(T0), { xM: 0, yM: 0, yawRad: 0 });
  });

  it('splits integration at each applied change: drive 2 s, turn a quarter in place, drive 1 s', () => {
    // GIVEN a robot at the origin facing +x
    const odometry = new DeadReckoning({ xM: 0, yM: 0, yawRad: 0 }, T0);

    // WHEN it drives at 0.5 m/s for 2 s
    odometry.applied({ vMps: 0.5, wRadps: 0, stampUs: T0 });
    // THEN it is at (1, 0) when the next motion is applied
    expectPose(odometry.poseAt(T0 + 2_000_000), { xM: 1, yM: 0, yawRad: 0 });

    // WHEN it then turns at π/2 rad/s for 1 s
    odometry.applied({ vMps: 0, wRadps: Math.PI / 2, stampUs: T0 + 2_000_000 });
    // THEN it faces +y at the same place
    expectPose(odometry.poseAt(T0 + 3_000_000), { xM: 1, yM: 0, yawRad: Math.PI / 2 });

    // WHEN it drives 0.5 m/s for 1 s more
    odometry.applied({ vMps: 0.5, wRadps: 0, stampUs: T0 + 3_000_000 });
    // THEN the last leg starts where the turn ended
    expectPose(odometry.poseAt(T0 + 4_000_000), { xM: 1, yM: 0.5, yawRad: Math.PI / 2 });
  });

  it('matches one arc integration when a constant motion is re-applied many times', () => {
    const one = new DeadReckoning({ xM: 0, yM: 0, yawRad: 0 }, T0);
    const many = new DeadReckoning({ xM: 0, yM: 0, yawRad: 0 }, T0);
    const motion = { vMps: 0.4, wRadps: 0.6 };
    one.applied({ ...motion, stampUs: T0 });
    for (let t = T0; t < T0 + 5_000_000; t += 50_000) many.applied({ ...motion, stampUs: t });
    expectPose(many.poseAt(T0 + 5_000_000), one.poseAt(T0 + 5_000_000));
  });

  it('agrees with integrateArc leg by leg for an arbitrary sequence of motions', () => {
    const legs = [
      { vMps: 0.3, wRadps: 0.2, durationUs: 700_000 },
      { vMps: -0.1, wRadps: 0, durationUs: 1_300_000 },
      { vMps: 0, wRadps: -1, durationUs: 250_000 },
      { vMps: 0.5, wRadps: 0.9, durationUs: 2_000_000 },
    ];
    const start = { xM: -2, yM: 4, yawRad: 2.5 };
    const odometry = new DeadReckoning(start, T0);
    let expected = start;
    let t = T0;
    for (const leg of legs) {
      odometry.applied({ vMps: leg.vMps, wRadps: leg.wRadps, stampUs: t });
      expected = integrateArc(expected, leg.vMps, leg.wRadps, leg.durationUs / 1e6);
      t += leg.durationUs;
    }
    expectPose(odometry.poseAt(t), expected);
  });
});
