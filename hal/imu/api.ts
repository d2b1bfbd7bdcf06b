import type { ImuSample } from '../../messages/imu-sample.js';
import type { Device } from '../device-api.js';
import type { Unsubscribe } from '../listener-list.js';

export interface ImuDevice extends Device {
  readonly kind: 'imu';
  onSample(listener: (sample: ImuSample) => void): Unsubscribe;
  lastSample(): ImuSample | null;
}

export function isImu(device: Device): device is ImuDevice {
  return device.kind === 'imu';
}
