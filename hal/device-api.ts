import type { DeviceHealth } from './device-health.js';
import type { Unsubscribe } from './listener-list.js';

/** The kinds of device the HAL knows; each has its API under `hal/<kind>/api.ts`. */
export type DeviceKind = 'lidar' | 'range' | 'motor-driver' | 'imu' | 'battery' | 'encoder' | 'digital-input';

/**
 * What every device model offers, whatever its kind. Every `on...` subscription returns its
 * {@link Unsubscribe}; a caller that listens for the device's whole life may ignore it.
 *
 * A device has one `kind`, the API it is bound as; it may offer more (a RoboClaw is a motor
 * driver that also counts its encoders and measures its battery). Each further capability is a
 * device of that kind in `capabilities()`, with the same id and health; callers reach it through
 * {@link capabilityOf} or {@link findCapability} with that kind's guard (`isEncoder`, ...), so
 * they never need to know the model. Runtime I/O errors never reject out of
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
  /**
   * What the device offers besides its own kind, each as a device of that kind sharing this one's
   * id, health, counters and life (`start` and `stop` are this device's). Optional: most devices
   * offer their kind only.
   */
  capabilities?(): readonly Device[];
}

/**
 * What a capability shares with the device that offers it: id, compatible, health, counters and
 * life. A model that offers more than its kind spreads this into each of its `capabilities()`.
 */
export function capabilityBase(owner: Device): Omit<Device, 'kind' | 'capabilities' | 'details'> {
  return {
    id: owner.id,
    compatible: owner.compatible,
    health: () => owner.health(),
    onHealthChange: (listener) => owner.onHealthChange(listener),
    counters: () => owner.counters(),
    start: () => owner.start(),
    stop: () => owner.stop(),
  };
}

/** The device as a `T` (told by that kind's guard): itself when it is one, else the capability it declares, else undefined. */
export function capabilityOf<T extends Device>(device: Device, isKind: (device: Device) => device is T): T | undefined {
  if (isKind(device)) return device;
  return device.capabilities?.().find(isKind);
}

/**
 * The first of `devices` that is a `T`; when none is, the first capability of another device that
 * is one. A device of that kind wins over a capability of another (an INA219 on the battery lead
 * over a motor controller's own voltage reading).
 */
export function findCapability<T extends Device>(
  devices: readonly Device[],
  isKind: (device: Device) => device is T,
): T | undefined {
  const own = devices.find(isKind);
  if (own) return own;
  for (const device of devices) {
    const capability = device.capabilities?.().find(isKind);
    if (capability) return capability;
  }
  return undefined;
}
