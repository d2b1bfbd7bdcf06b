import type { Device } from '../device-api.js';

/** One battery measurement (an INA219 on the supply, or a motor controller's own reading). */
export interface BatteryReading {
  /** Bus (battery) voltage, volts. */
  voltageV: number;
  /** Current drawn, amperes (positive: discharging); NaN when the device cannot measure it. */
  currentA: number;
  /** Power, watts; NaN when unknown. */
  powerW: number;
  stampUs: number;
}

export interface BatteryDevice extends Device {
  readonly kind: 'battery';
  onReading(listener: (reading: BatteryReading) => void): void;
  lastReading(): BatteryReading | null;
}

export function isBattery(device: Device): device is BatteryDevice {
  return device.kind === 'battery';
}
