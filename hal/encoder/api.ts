import type { EncoderReading } from '../../messages/encoder-reading.js';
import type { Device } from '../device-api.js';
import type { Unsubscribe } from '../listener-list.js';

export interface EncoderDevice extends Device {
  readonly kind: 'encoder';
  /** Channel names this device counts. */
  channelNames(): string[];
  onReading(listener: (reading: EncoderReading) => void): Unsubscribe;
  lastReading(): EncoderReading | null;
}

export function isEncoder(device: Device): device is EncoderDevice {
  return device.kind === 'encoder';
}
