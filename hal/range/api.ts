import type { RangeReading } from '../../messages/range-reading.js';
import type { Device } from '../device-api.js';
import type { Unsubscribe } from '../listener-list.js';
import type { MountPose } from '../mount-pose.js';

export interface RangeDevice extends Device {
  readonly kind: 'range';
  onReading(listener: (reading: RangeReading) => void): Unsubscribe;
  /** The last reading (null before the first). */
  lastReading(): RangeReading | null;
  /** Where the sensor sits and which way its beam points. */
  mount(): MountPose;
}

export function isRange(device: Device): device is RangeDevice {
  return device.kind === 'range';
}
