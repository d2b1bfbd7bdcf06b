import type { LidarPoints } from '../../messages/lidar-points.js';
import type { Device } from '../device-api.js';
import type { Unsubscribe } from '../listener-list.js';

/** A scanning 2D lidar. Points are delivered per packet, as they arrive (the reflex does not wait for a full turn). */
export interface LidarDevice extends Device {
  readonly kind: 'lidar';
  /** Called for every decoded packet, points in the robot frame. */
  onPoints(listener: (points: LidarPoints) => void): Unsubscribe;
  /** Clock time of the last good packet, microseconds (-Infinity before the first). */
  lastDataUs(): number;
  /** Rotation speed the sensor reports, degrees per second (0 when unknown). */
  speedDegPerS(): number;
}

export function isLidar(device: Device): device is LidarDevice {
  return device.kind === 'lidar';
}
