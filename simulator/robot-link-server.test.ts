import { afterEach, describe, expect, it } from 'vitest';
import type { SimI2cDevice } from './devices/sim-device.js';
import { SimLinkPair } from '../test/harness/sim-link-pair.js';

let pair: SimLinkPair | null = null;
afterEach(() => {
  pair?.close();
  pair = null;
});

describe('the world’s end of a robot’s link', () => {
  it(
    'GIVEN a device model that fails with an unexpected error WHEN the robot talks to it THEN the request is answered ' +
      '(an EIO) and the lock step goes on: a request left unanswered would stop the world for good',
    async () => {
      const broken: SimI2cDevice = {
        kind: 'i2c',
        busPath: '/dev/i2c-1',
        address: 0x40,
        transfer() {
          throw new TypeError('a bug in the model');
        },
      };
      pair = new SimLinkPair([broken]);
      const bus = await pair.backends.i2c.open('/dev/i2c-1');
      const read = bus.read(0x40, 2);
      await expect(read).rejects.toMatchObject({ code: 'EIO' });
      await expect(read).rejects.toThrow(/a bug in the model/);
      await pair.step(10_000);
      await pair.step(20_000);
      expect(pair.ticks()).toBe(2);
      expect(pair.server.malformed).toBe(1);
    },
  );
});
