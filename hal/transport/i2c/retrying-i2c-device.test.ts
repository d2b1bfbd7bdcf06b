import { describe, expect, it } from 'vitest';
import { TransportError } from '../transport-error.js';
import type { I2cBus } from './api.js';
import { RetryingI2cDevice, type I2cLinkHealth } from './retrying-i2c-device.js';

/** A bus whose next transactions fail with the queued codes, then succeed. */
function flakyBus(failures: string[]): I2cBus & { calls: number } {
  const bus = {
    path: '/dev/i2c-1',
    calls: 0,
    async write(): Promise<void> {
      bus.calls++;
      const code = failures.shift();
      if (code) throw new TransportError(code as 'EIO', 'bus trouble');
    },
    async read(_address: number, length: number): Promise<Uint8Array> {
      await bus.write();
      return new Uint8Array(length);
    },
    async writeRead(_address: number, _bytes: Uint8Array, length: number): Promise<Uint8Array> {
      await bus.write();
      return new Uint8Array(length);
    },
    async close(): Promise<void> {},
  };
  return bus;
}

describe('RetryingI2cDevice', () => {
  it('retries a glitch at once and reports nothing when the retry succeeds', async () => {
    const bus = flakyBus(['EIO', 'EREMOTEIO']);
    const health: I2cLinkHealth[] = [];
    const device = new RetryingI2cDevice(bus, 0x40, (h) => health.push(h));
    await device.write(Uint8Array.of(0, 1));
    expect(bus.calls).toBe(3);
    expect(health).toEqual([]);
    expect(device.counters()).toEqual({ transactions: 1, retries: 2, errors: 0 });
  });

  it('goes degraded, then failed after three failed transactions, and ok on the next success', async () => {
    const bus = flakyBus(Array(9).fill('EREMOTEIO'));
    const health: I2cLinkHealth[] = [];
    const device = new RetryingI2cDevice(bus, 0x40, (h) => health.push(h));
    for (let i = 0; i < 3; i++) await expect(device.read(2)).rejects.toMatchObject({ code: 'EREMOTEIO' });
    expect(health.map((h) => h.state)).toEqual(['degraded', 'degraded', 'failed']);
    expect(health[2]).toMatchObject({ reason: expect.stringContaining('3 transaction(s) failed in a row') });
    await expect(device.writeRead(Uint8Array.of(0), 2)).resolves.toHaveLength(2);
    expect(health.at(-1)).toEqual({ state: 'ok' });
    expect(bus.calls).toBe(10);
  });

  it('does not retry errors that a retry cannot fix (a missing bus)', async () => {
    const bus = flakyBus(['ENOENT']);
    const device = new RetryingI2cDevice(bus, 0x40, () => undefined);
    await expect(device.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(bus.calls).toBe(1);
  });
});
