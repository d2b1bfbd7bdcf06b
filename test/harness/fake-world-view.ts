import type { Pose2D } from '../../messages/geometry.js';
import type { SimWorldView } from '../../simulator/devices/sim-device.js';

/**
 * A world view for device-model tests: an empty world with the robot at rest at the origin,
 * unless `overrides` say otherwise (a wall to ray-cast, wheel travel, contact, ...).
 */
export function fakeWorldView(overrides: Partial<SimWorldView> = {}): SimWorldView {
  const pose: Pose2D = { xM: 0, yM: 0, yawRad: 0 };
  return {
    robotPose: () => pose,
    raycast: () => Infinity,
    random: () => 0.5,
    wheelTravelM: () => ({ leftM: 0, rightM: 0 }),
    bodyVelocity: () => ({ vMps: 0, wRadps: 0 }),
    bodyAccelMps2: () => ({ xMps2: 0, yMps2: 0 }),
    inContact: () => false,
    motorCurrentA: () => 0,
    nowUs: () => 0,
    ...overrides,
  };
}
