import type { ImuSample } from '../../messages/imu-sample.js';
import type { Device } from '../device-api.js';

export interface ImuDevice extends Device {
  readonly kind: 'imu';
  onSample(listener: (sample: ImuSample) => void): void;
  lastSample(): ImuSample | null;
}

export function isImu(device: Device): device is ImuDevice {
  return device.kind === 'imu';
}
