import { describe, expect, it } from 'vitest';
import { poseAtTime, type OdometrySample } from '../../messages/odometry.js';
import { paramsWith } from '../../test/harness/test-params.js';
import { walledGrid } from '../../test/harness/walled-grid.js';
import { VirtualClock } from '../../time/virtual-clock.js';
import { cortexSettingsFromParams } from '../cortex-settings.js';
import { MissionExecutor } from '../mission-executor.js';

describe('the path ahead of the robot', () => {
  it('GIVEN a robot driving a planned path WHEN it has driven on THEN the path ahead starts in front of it, the plan start left behind', () => {
    const settings = { ...cortexSettingsFromParams(paramsWith()), localisation: false };
    const periodUs = 1e6 / settings.rateHz;
    const clock = new VirtualClock(0);
    // Odometry in the world frame: the robot starts where the mission places it, and moves exactly as told.
    let odometry: OdometrySample = { stampUs: 0, pose: { xM: 5, yM: 10, yawRad: 0 }, vMps: 0, wRadps: 0 };
    const executor: MissionExecutor = new MissionExecutor(
      clock,
      settings,
      (message) => {
        if (message.t !== 'drive') return;
        const { vMps, wRadps, stampUs } = message.command;
        odometry = { stampUs, pose: poseAtTime(odometry, stampUs), vMps, wRadps };
        executor.odometry(odometry);
      },
      odometry,
    );
    // A 20 m square room, walled round, with a post in the middle: the path bends round it.
    executor.useWorldModel(walledGrid(400, 0.05, (x, y) => Math.abs(x - 200) <= 10 && Math.abs(y - 200) <= 10));
    executor.start({
      mission: { kind: 'goto', goal: { xM: 15, yM: 10 }, toleranceM: 0.2 },
      initialPose: { xM: 5, yM: 10, yawRad: 0 },
    });
    const navigator = executor.navigator!;
    for (let i = 1; i <= 20 * settings.rateHz; i++) clock.advanceTo(i * periodUs);
    const pose = odometry.pose;
    expect(navigator.path.length).toBeGreaterThan(2);
    const ahead = navigator.pathAhead;
    expect(ahead.length).toBeGreaterThan(0);
    expect(ahead.length).toBeLessThan(navigator.path.length);
    expect(ahead[ahead.length - 1]).toEqual(navigator.path[navigator.path.length - 1]);
    // The robot has driven past the plan's start, and the first point ahead lies in front of it.
    const first = ahead[0]!;
    const along = (first.xM - pose.xM) * Math.cos(pose.yawRad) + (first.yM - pose.yM) * Math.sin(pose.yawRad);
    expect(pose.xM).toBeGreaterThan(6);
    expect(along).toBeGreaterThan(0);
  });
});
