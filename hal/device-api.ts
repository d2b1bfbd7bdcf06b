import type { DeviceHealth } from './device-health.js';
import type { Unsubscribe } from './listener-list.js';

/** The kinds of device the HAL knows; each has its API under `hal/<kind>/api.ts`. */
export type DeviceKind = 'lidar' | 'range' | 'motor-driver' | 'imu' | 'battery' | 'encoder' | 'digital-input';

/**
 * What every device model offers, whatever its kind. Every `on...` subscription returns its
 * {@link Unsubscribe}; a caller that listens for the device's whole life may ignore it. Runtime I/O errors never reject out of
 * `start()`: they become health (`failed` with a reason) and the device retries by itself.
 */
export interface Device {
  readonly id: string;
  readonly compatible: string;
  readonly kind: DeviceKind;
  health(): DeviceHealth;
  onHealthChange(listener: (health: DeviceHealth, previous: DeviceHealth) => void): Unsubscribe;
  /** Monotonic counters (frames decoded, bad checksums, bytes dropped, reopen attempts, ...). */
  counters(): Record<string, number>;
  /** What the device says about its configuration now (a lidar's scan mode and sample rate, ...); optional. */
  details?(): Record<string, string | number>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
