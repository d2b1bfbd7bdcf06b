import type { Device } from '../device-api.js';
import type { MountPose } from '../mount-pose.js';

/** Why a range reading is not a distance. */
export type RangeStatus = 'ok' | 'weak-signal' | 'saturated' | 'out-of-range';

/** One reading of a single-beam range sensor (a TFmini-S, say). */
export interface RangeReading {
  /** Distance, metres; NaN unless `status` is `ok`. */
  distanceM: number;
  /** Signal strength as the sensor reports it (device units). */
  strength: number;
  status: RangeStatus;
  /** Clock time the reading arrived, microseconds. */
  stampUs: number;
}

export interface RangeDevice extends Device {
  readonly kind: 'range';
  onReading(listener: (reading: RangeReading) => void): void;
  /** The last reading (null before the first). */
  lastReading(): RangeReading | null;
  /** Where the sensor sits and which way its beam points. */
  mount(): MountPose;
}

export function isRange(device: Device): device is RangeDevice {
  return device.kind === 'range';
}
