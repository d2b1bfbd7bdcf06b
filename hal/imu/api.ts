import type { Device } from '../device-api.js';

/** One IMU sample in the sensor frame rotated into the robot frame (x forward, y left, z up). */
export interface ImuSample {
  /** Linear acceleration including gravity, m/s². */
  accelMps2: { x: number; y: number; z: number };
  /** Angular rate, rad/s, counter-clockwise positive about each axis. */
  gyroRadps: { x: number; y: number; z: number };
  /** Die temperature, °C. */
  temperatureC: number;
  stampUs: number;
}

export interface ImuDevice extends Device {
  readonly kind: 'imu';
  onSample(listener: (sample: ImuSample) => void): void;
  lastSample(): ImuSample | null;
}

export function isImu(device: Device): device is ImuDevice {
  return device.kind === 'imu';
}
