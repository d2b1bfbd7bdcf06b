import type { TransportBackends } from '../../hal/registry.js';

/** Rejects the way every backend a device does not use rejects. */
function notUsed(): Promise<never> {
  return Promise.reject(new Error('not used by this device'));
}

/**
 * Transport backends for a device under test: every backend rejects each call with "not used by
 * this device", except the ones in `used` (the device's own bus: a memory serial port, a recording
 * I2C bus, ...). A device that reaches for a transport it has no business with fails loudly.
 */
export function unusedBackends(used: Partial<TransportBackends> = {}): TransportBackends {
  return {
    serial: { kind: 'unused', open: notUsed, list: notUsed },
    i2c: { kind: 'unused', open: notUsed },
    gpio: { kind: 'unused', open: notUsed },
    pwm: { kind: 'unused', open: notUsed },
    ...used,
  };
}
