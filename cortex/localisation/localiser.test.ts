import { describe, expect, it } from 'vitest';
import type { LidarPoints } from '../../messages/lidar-points.js';
import type { OdometrySample } from '../../messages/odometry.js';
import { paramsWith } from '../../test/harness/test-params.js';
import { roomRevolution } from '../../test/harness/synthetic-room.js';
import { cortexSettingsFromParams } from '../cortex-settings.js';
import { PoseEstimate } from '../pose-estimate.js';
import { WorldModel } from '../world-model/world-model.js';

const START = { xM: 1.2, yM: 1.0, yawRad: 0 };

/** A robot standing still in the room: the pose estimate placed at START, and its world model. */
function standing(localisation = true) {
  const odometry: OdometrySample = { stampUs: 0, pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0, wRadps: 0 };
  const estimate = new PoseEstimate(odometry, 0.2);
  estimate.place(START, 0);
  const settings = cortexSettingsFromParams(paramsWith({ 'cortex.localisation': localisation }));
  const world = new WorldModel(settings, estimate, null, START);
  return { estimate, world };
}

/** A scan from nowhere in particular: points scattered where no wall is. */
function nonsense(stampUs: number): LidarPoints {
  const scan = roomRevolution(START, 3, stampUs);
  for (let i = 0; i < scan.count; i++) {
    scan.xM[i] = 0.4 + (i % 7) * 0.05;
    scan.yM[i] = -0.5 + (i % 11) * 0.09;
  }
  return scan;
}

describe('Localiser', () => {
  it('GIVEN a map of the room WHEN the odometry frame is 6 cm and 2° off THEN the revolutions pull the pose back onto the map, within a cell of the truth', () => {
    const { estimate, world } = standing();
    for (let k = 0; k < 5; k++) world.revolution(roomRevolution(START, k + 1, k * 100_000));
    const onMap = estimate.poseAt(500_000)!;
    // The estimate drifts: the frame moves as if odometry had slipped.
    estimate.place({ xM: START.xM + 0.05, yM: START.yM - 0.03, yawRad: 0.035 }, 500_000);
    let result = null;
    for (let k = 5; k < 10; k++) result = world.revolution(roomRevolution(START, k + 1, k * 100_000));
    const pose = estimate.poseAt(1_000_000)!;
    // Back where the map says the robot is (to a centimetre), and the map within a cell of the truth.
    expect(Math.hypot(pose.xM - onMap.xM, pose.yM - onMap.yM)).toBeLessThan(0.01);
    expect(Math.hypot(pose.xM - START.xM, pose.yM - START.yM)).toBeLessThan(0.05);
    expect(Math.abs(pose.yawRad)).toBeLessThan(0.01);
    expect(result?.corrected).toBe(true);
    expect(result?.quality).toBeGreaterThan(0.8);
    expect(world.localiser.state).toBe('ok');
  });

  it('GIVEN revolutions that do not match the map THEN after ten the pose is lost (and the map is left alone), and a good match clears it', () => {
    const { world } = standing();
    for (let k = 0; k < 5; k++) world.revolution(roomRevolution(START, k + 1, k * 100_000));
    const mapped = world.grid.version;
    for (let k = 5; k < 14; k++) world.revolution(nonsense(k * 100_000));
    expect(world.localiser.state).toBe('ok');
    world.revolution(nonsense(1_400_000));
    expect(world.localiser.state).toBe('lost');
    expect(world.grid.version).toBe(mapped);
    world.revolution(roomRevolution(START, 77, 1_500_000));
    expect(world.localiser.state).toBe('ok');
  });

  it('with localisation off the frame never moves: the pose is the odometry of record alone', () => {
    const { estimate, world } = standing(false);
    for (let k = 0; k < 3; k++) world.revolution(roomRevolution(START, k + 1, k * 100_000));
    estimate.place({ xM: START.xM + 0.05, yM: START.yM, yawRad: 0 }, 300_000);
    for (let k = 3; k < 6; k++) world.revolution(roomRevolution(START, k + 1, k * 100_000));
    expect(estimate.poseAt(600_000)?.xM).toBeCloseTo(START.xM + 0.05, 9);
    expect(world.localiser.state).toBe('off');
  });
});
