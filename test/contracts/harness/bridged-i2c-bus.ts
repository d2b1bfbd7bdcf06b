import type { I2cBusModule, PromisifiedI2cBus } from '../../../hal/transport/i2c/i2c-bus-backend.js';
import { SimBusError, type SimI2cDevice, type SimWorldView } from '../../../simulator/devices/sim-device.js';
import { errnoError, nextTurn, type BridgeWire } from './bridge-wire.js';

/**
 * An `i2c-bus`-shaped module whose buses are the simulator's: `/dev/i2c-N` exists when a device
 * model sits on it, and every transaction is one `transfer` of the addressed model, as the kernel's
 * i2c-dev would run it: `i2cWrite` a write, `i2cRead` a read, `readI2cBlock` (SMBus "I2C block
 * read") a one-byte write and a read with a repeated START. No model at the address is EREMOTEIO
 * (no acknowledge), a model's {@link SimBusError} keeps its code. Each call takes a turn of the event
 * loop, like the library's calls into its thread pool.
 */
export class BridgedI2cBusModule implements I2cBusModule {
  private readonly byBus = new Map<string, Map<number, SimI2cDevice>>();

  constructor(
    private readonly devices: readonly SimI2cDevice[],
    private readonly wire: BridgeWire,
  ) {
    for (const device of devices) {
      const bus = this.byBus.get(device.busPath) ?? new Map<number, SimI2cDevice>();
      bus.set(device.address, device);
      this.byBus.set(device.busPath, bus);
    }
  }

  async openPromisified(busNumber: number): Promise<PromisifiedI2cBus> {
    const path = `/dev/i2c-${busNumber}`;
    this.wire.touch();
    await nextTurn();
    const bus = this.byBus.get(path);
    if (!bus) throw errnoError('ENOENT', `no such file or directory, open '${path}'`);
    return new BridgedI2cBus(path, bus, this.wire);
  }

  /** Lets every sensor model sample the world up to `toUs` (the world does it every physics step). */
  advance(toUs: number, world: SimWorldView): void {
    for (const device of this.devices) device.advance?.(toUs, world);
  }
}

class BridgedI2cBus implements PromisifiedI2cBus {
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly devices: ReadonlyMap<number, SimI2cDevice>,
    private readonly wire: BridgeWire,
  ) {}

  async i2cFuncs(): Promise<{ smbusReadI2cBlock: boolean }> {
    await nextTurn();
    return { smbusReadI2cBlock: true };
  }

  async i2cWrite(address: number, length: number, buffer: Buffer): Promise<{ bytesWritten: number }> {
    await this.transfer(address, Uint8Array.from(buffer.subarray(0, length)), 0);
    return { bytesWritten: length };
  }

  async i2cRead(address: number, length: number, buffer: Buffer): Promise<{ bytesRead: number }> {
    const bytes = await this.transfer(address, null, length);
    buffer.set(bytes.subarray(0, length));
    return { bytesRead: Math.min(length, bytes.length) };
  }

  async readI2cBlock(address: number, command: number, length: number, buffer: Buffer): Promise<{ bytesRead: number }> {
    const bytes = await this.transfer(address, Uint8Array.of(command), length);
    buffer.set(bytes.subarray(0, length));
    return { bytesRead: Math.min(length, bytes.length) };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async transfer(address: number, write: Uint8Array | null, readLength: number): Promise<Uint8Array> {
    this.wire.touch();
    await nextTurn();
    if (this.closed) throw errnoError('EBADF', `${this.path} is closed`);
    const device = this.devices.get(address);
    if (!device) throw errnoError('EREMOTEIO', `Remote I/O error (no acknowledge from 0x${address.toString(16)})`);
    try {
      return device.transfer(write, readLength, this.wire.worldUs());
    } catch (error) {
      if (error instanceof SimBusError) throw errnoError(error.code, error.message);
      throw error;
    }
  }
}
