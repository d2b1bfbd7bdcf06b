import type { Device } from '../device-api.js';

/** Wheel travel as counted by an encoder (quadrature on GPIO, or a motor controller's counters). */
export interface EncoderReading {
  /** Signed count since start, per channel (e.g. `left`, `right`, or `M1`, `M2`). */
  counts: Record<string, number>;
  /** Signed wheel travel since start, metres, per channel. */
  travelM: Record<string, number>;
  stampUs: number;
}

export interface EncoderDevice extends Device {
  readonly kind: 'encoder';
  /** Channel names this device counts. */
  channelNames(): string[];
  onReading(listener: (reading: EncoderReading) => void): void;
  lastReading(): EncoderReading | null;
}

export function isEncoder(device: Device): device is EncoderDevice {
  return device.kind === 'encoder';
}
