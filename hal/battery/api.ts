import type { BatteryReading } from '../../messages/battery-reading.js';
import type { Device } from '../device-api.js';
import type { Unsubscribe } from '../listener-list.js';

export interface BatteryDevice extends Device {
  readonly kind: 'battery';
  onReading(listener: (reading: BatteryReading) => void): Unsubscribe;
  lastReading(): BatteryReading | null;
}

export function isBattery(device: Device): device is BatteryDevice {
  return device.kind === 'battery';
}
