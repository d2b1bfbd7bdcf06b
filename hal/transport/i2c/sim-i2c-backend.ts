import type { SimLinkClient } from '../sim-link/sim-link-client.js';
import { TransportError } from '../transport-error.js';
import { checkI2cAddress, type I2cBackend, type I2cBus } from './api.js';

/** I2C buses of the simulated world: each call is one transaction answered by the world's device model. */
export class SimI2cBackend implements I2cBackend {
  readonly kind = 'sim';

  constructor(private readonly link: SimLinkClient) {}

  async open(path: string): Promise<I2cBus> {
    const link = this.link;
    let open = true;
    const transfer = async (address: number, write: Uint8Array | null, readLength: number): Promise<Uint8Array> => {
      if (!open) throw new TransportError('ECLOSED', `${path} is closed`);
      checkI2cAddress(address);
      const reply = await link.request({ t: 'i2c', busPath: path, address, write, readLength });
      return reply.bytes ?? new Uint8Array(0);
    };
    return {
      path,
      async write(address: number, bytes: Uint8Array): Promise<void> {
        await transfer(address, bytes, 0);
      },
      read: (address: number, length: number) => transfer(address, null, length),
      writeRead: (address: number, bytes: Uint8Array, readLength: number) => transfer(address, bytes, readLength),
      async close(): Promise<void> {
        open = false;
      },
    };
  }
}
