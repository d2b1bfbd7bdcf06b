import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TransportError } from '../transport-error.js';
import { I2cBusBackend, type I2cBusModule, type PromisifiedI2cBus } from './i2c-bus-backend.js';

/** MPU-6050 WHO_AM_I: register 0x75 reads 0x68 (MPU-6000/6050 Register Map rev 4.2, section 4.32, p. 45). */
const MPU6050_ADDRESS = 0x68;
const WHO_AM_I = 0x75;
/** INA219 at its default address 0x40 (INA219 datasheet SBOS448G, table 1). */
const INA219_ADDRESS = 0x40;

function errno(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/**
 * A bus with register-addressed devices. Every call takes a turn of the event loop, like the real
 * thread-pool calls, so two transactions could interleave if the backend let them.
 */
class FakeBus implements PromisifiedI2cBus {
  readonly calls: string[] = [];
  readonly registers = new Map<number, Uint8Array>([
    [MPU6050_ADDRESS, Object.assign(new Uint8Array(0x80), { [WHO_AM_I]: 0x68 })],
    [INA219_ADDRESS, new Uint8Array(0x10)],
  ]);
  pointer = new Map<number, number>();
  canReadBlock = true;
  funcsError: Error | undefined;
  shortRead = false;
  closed = 0;

  async i2cFuncs(): Promise<{ smbusReadI2cBlock: boolean }> {
    await nextTurn();
    if (this.funcsError) throw this.funcsError;
    return { smbusReadI2cBlock: this.canReadBlock };
  }
  async i2cWrite(address: number, length: number, buffer: Buffer): Promise<{ bytesWritten: number }> {
    this.calls.push(`write ${address.toString(16)} [${[...buffer.subarray(0, length)].join(',')}]`);
    await nextTurn();
    const file = this.device(address, 'write');
    const [register = 0, ...data] = buffer.subarray(0, length);
    file.set(data, register);
    this.pointer.set(address, register);
    return { bytesWritten: length };
  }
  async i2cRead(address: number, length: number, buffer: Buffer): Promise<{ bytesRead: number }> {
    this.calls.push(`read ${address.toString(16)} ${length}`);
    await nextTurn();
    const register = this.pointer.get(address) ?? 0;
    buffer.set(this.device(address, 'read').subarray(register, register + length));
    return { bytesRead: this.shortRead ? length - 1 : length };
  }
  async readI2cBlock(address: number, command: number, length: number, buffer: Buffer): Promise<{ bytesRead: number }> {
    this.calls.push(`readI2cBlock ${address.toString(16)} ${command.toString(16)} ${length}`);
    await nextTurn();
    buffer.set(this.device(address, 'readI2cBlock').subarray(command, command + length));
    return { bytesRead: length };
  }
  async close(): Promise<void> {
    this.closed += 1;
  }
  private device(address: number, syscall: string): Uint8Array {
    const file = this.registers.get(address);
    if (!file) throw errno('EREMOTEIO', `remote I/O error, ${syscall}`);
    return file;
  }
}

function fakeI2c(bus = new FakeBus()): { backend: I2cBusBackend; bus: FakeBus; opened: number[] } {
  const opened: number[] = [];
  const module: I2cBusModule = {
    async openPromisified(busNumber) {
      opened.push(busNumber);
      return bus;
    },
  };
  return { backend: new I2cBusBackend(async () => module), bus, opened };
}

async function rejection(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe('I2cBusBackend', () => {
  it('opens the bus number named by the path', async () => {
    const { backend, opened } = fakeI2c();
    const bus = await backend.open('/dev/i2c-7');
    expect(opened).toEqual([7]);
    expect(bus.path).toBe('/dev/i2c-7');
    expect(backend.kind).toBe('i2c-bus');
  });

  it('rejects a path that is not /dev/i2c-N before loading anything', async () => {
    const { backend, opened } = fakeI2c();
    for (const path of ['/dev/i2c', '/dev/ttyUSB0', 'i2c-1', '/dev/i2c-1x']) {
      expect((await rejection(backend.open(path))).code).toBe('EINVAL');
    }
    expect(opened).toEqual([]);
  });

  it('reports a missing bus as ENOENT and releases it', async () => {
    const { backend, bus } = fakeI2c();
    bus.funcsError = errno('ENOENT', "no such file or directory, open '/dev/i2c-9'");
    const error = await rejection(backend.open('/dev/i2c-9'));
    expect(error.code).toBe('ENOENT');
    expect(error.message).toContain('open /dev/i2c-9');
    expect(bus.closed).toBe(1);
  });

  it('reads a register with one repeated-START transaction (SMBus I2C block read)', async () => {
    const { backend, bus } = fakeI2c();
    const i2c = await backend.open('/dev/i2c-1');
    const whoAmI = await i2c.writeRead(MPU6050_ADDRESS, Uint8Array.of(WHO_AM_I), 1);
    expect([...whoAmI]).toEqual([0x68]);
    expect(bus.calls).toEqual(['readI2cBlock 68 75 1']);
  });

  it('falls back to write then read for a two-byte write, a long read, or an adapter without block reads', async () => {
    const { backend, bus } = fakeI2c();
    const i2c = await backend.open('/dev/i2c-1');
    await i2c.writeRead(MPU6050_ADDRESS, Uint8Array.of(0x70, 0x00), 2);
    await i2c.writeRead(MPU6050_ADDRESS, Uint8Array.of(0x00), 33);
    expect(bus.calls).toEqual(['write 68 [112,0]', 'read 68 2', 'write 68 [0]', 'read 68 33']);

    const plain = fakeI2c();
    plain.bus.canReadBlock = false;
    const noBlock = await plain.backend.open('/dev/i2c-1');
    expect([...(await noBlock.writeRead(MPU6050_ADDRESS, Uint8Array.of(WHO_AM_I), 1))]).toEqual([0x68]);
    expect(plain.bus.calls).toEqual(['write 68 [117]', 'read 68 1']);
  });

  it('writes and reads plain transactions', async () => {
    const { backend, bus } = fakeI2c();
    const i2c = await backend.open('/dev/i2c-1');
    await i2c.write(INA219_ADDRESS, Uint8Array.of(0x05, 0x10, 0x00));
    expect([...(await i2c.read(INA219_ADDRESS, 2))]).toEqual([0x10, 0x00]);
    expect(bus.calls).toEqual(['write 40 [5,16,0]', 'read 40 2']);
  });

  it('keeps a write-then-read together when another driver uses the bus at the same time', async () => {
    const { backend, bus } = fakeI2c();
    const i2c = await backend.open('/dev/i2c-1');
    await Promise.all([
      i2c.writeRead(MPU6050_ADDRESS, Uint8Array.of(0x3b, 0x00), 6),
      i2c.write(INA219_ADDRESS, Uint8Array.of(0x00, 0x39, 0x9f)),
    ]);
    expect(bus.calls).toEqual(['write 68 [59,0]', 'read 68 6', 'write 40 [0,57,159]']);
  });

  it('reports a device that does not acknowledge as EREMOTEIO, naming bus and address', async () => {
    const { backend } = fakeI2c();
    const i2c = await backend.open('/dev/i2c-1');
    const error = await rejection(i2c.writeRead(0x29, Uint8Array.of(0xc0), 1));
    expect(error.code).toBe('EREMOTEIO');
    expect(error.message).toContain('/dev/i2c-1 0x29 write-read');
  });

  it('keeps working after a failed transaction', async () => {
    const { backend } = fakeI2c();
    const i2c = await backend.open('/dev/i2c-1');
    await rejection(i2c.read(0x29, 1));
    expect([...(await i2c.writeRead(MPU6050_ADDRESS, Uint8Array.of(WHO_AM_I), 1))]).toEqual([0x68]);
  });

  it('refuses addresses outside 0x08..0x77 and bad lengths without touching the bus', async () => {
    const { backend, bus } = fakeI2c();
    const i2c = await backend.open('/dev/i2c-1');
    expect((await rejection(i2c.write(0x78, Uint8Array.of(0)))).code).toBe('EINVAL');
    expect((await rejection(i2c.read(0x03, 1))).code).toBe('EINVAL');
    expect((await rejection(i2c.read(MPU6050_ADDRESS, 0))).code).toBe('EINVAL');
    expect(bus.calls).toEqual([]);
  });

  it('turns a short read into EIO', async () => {
    const { backend, bus } = fakeI2c();
    const i2c = await backend.open('/dev/i2c-1');
    bus.shortRead = true;
    expect((await rejection(i2c.read(INA219_ADDRESS, 2))).code).toBe('EIO');
  });

  it('closes once and refuses use after close', async () => {
    const { backend, bus } = fakeI2c();
    const i2c = await backend.open('/dev/i2c-1');
    await i2c.close();
    await i2c.close();
    expect(bus.closed).toBe(1);
    expect((await rejection(i2c.read(INA219_ADDRESS, 2))).code).toBe('ECLOSED');
  });

  it('says how to install i2c-bus when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'i2c-bus'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = await rejection(new I2cBusBackend(() => Promise.reject(missing)).open('/dev/i2c-1'));
    expect(error.code).toBe('EUNKNOWN');
    expect(error.message).toContain('the i2c-bus package is not installed');
    expect(error.message).toContain('npm install i2c-bus');
  });
});
