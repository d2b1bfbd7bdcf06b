import { describe, expect, it } from 'vitest';
import { TransportError } from '../transport-error.js';
import type { I2cBackend, I2cBus } from './api.js';
import { I2cChipLink } from './i2c-chip-link.js';

/** A backend whose buses fail the first `failures` transactions each, with EIO. */
function flakyBackend(failures: number): I2cBackend & { opened: I2cBus[]; closed: number } {
  const opened: I2cBus[] = [];
  const backend = {
    kind: 'memory',
    opened,
    closed: 0,
    async open(path: string): Promise<I2cBus> {
      let left = failures;
      const fail = (): void => {
        if (left-- > 0) throw new TransportError('EIO', 'glitch');
      };
      const bus: I2cBus = {
        path,
        write: async () => fail(),
        read: async (_address, length) => (fail(), new Uint8Array(length)),
        writeRead: async (_address, _bytes, length) => (fail(), new Uint8Array(length)),
        close: async () => void backend.closed++,
      };
      opened.push(bus);
      return bus;
    },
  };
  return backend;
}

describe('I2cChipLink', () => {
  it('opens once, and keeps the counters of every bus handle it has had', async () => {
    const backend = flakyBackend(1);
    const link = new I2cChipLink({ backend, busPath: '/dev/i2c-1', address: 0x40, onHealth: () => undefined });
    expect(link.device).toBeUndefined();
    const device = await link.open();
    expect(await link.open()).toBe(device);
    await device.write(Uint8Array.of(1));
    await link.close();
    expect(link.device).toBeUndefined();
    expect(backend.closed).toBe(1);
    await (await link.open()).read(2);
    expect(backend.opened).toHaveLength(2);
    expect(link.counters()).toEqual({ transactions: 2, retries: 2, errors: 0 });
  });
});
