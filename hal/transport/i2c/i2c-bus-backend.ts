import createDebug from 'debug';
import { TransportError } from '../transport-error.js';
import { checkI2cAddress, type I2cBackend, type I2cBus } from './api.js';
import { addonLoadHint } from '../native-addon-hint.js';

const log = createDebug('spinal:hal:i2c-bus');

/**
 * Longest read an SMBus "I2C block read" can do (I2C_SMBUS_BLOCK_MAX, linux/i2c.h); longer register
 * reads fall back to a write then a read.
 */
export const SMBUS_BLOCK_MAX = 32;

/** The part of an `i2c-bus` promisified bus this backend uses. */
export interface PromisifiedI2cBus {
  i2cFuncs(): Promise<{ smbusReadI2cBlock: boolean }>;
  i2cWrite(address: number, length: number, buffer: Buffer): Promise<{ bytesWritten: number }>;
  i2cRead(address: number, length: number, buffer: Buffer): Promise<{ bytesRead: number }>;
  readI2cBlock(address: number, command: number, length: number, buffer: Buffer): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** The part of the `i2c-bus` module this backend uses. */
export interface I2cBusModule {
  openPromisified(busNumber: number): Promise<PromisifiedI2cBus>;
}

/**
 * I2C through Linux i2c-dev (`/dev/i2c-N`), using `i2c-bus`.
 * @param loadModule loads `i2c-bus`; default `import('i2c-bus')`, on the first `open()`.
 */
export class I2cBusBackend implements I2cBackend {
  readonly kind = 'i2c-bus';

  constructor(private readonly loadModule: () => Promise<I2cBusModule> = () => import('i2c-bus')) {}

  /**
   * Opens `/dev/i2c-N` and asks the adapter what it supports (which also proves the device file opens).
   * Rejects with TransportError: EINVAL for a path that is not `/dev/i2c-N`, ENOENT / EACCES from the
   * kernel, EUNKNOWN when i2c-bus is not installed.
   */
  async open(path: string): Promise<I2cBus> {
    const match = /^\/dev\/i2c-(\d+)$/.exec(path);
    if (!match?.[1]) throw new TransportError('EINVAL', `I2C bus path must look like /dev/i2c-1, got "${path}"`);
    const busNumber = Number(match[1]);
    const i2c = await this.load();
    let bus: PromisifiedI2cBus | undefined;
    try {
      bus = await i2c.openPromisified(busNumber);
      const funcs = await bus.i2cFuncs();
      log('opened %s (I2C block read %s)', path, funcs.smbusReadI2cBlock ? 'supported' : 'not supported');
      return new I2cBusConnection(path, bus, funcs.smbusReadI2cBlock);
    } catch (cause) {
      await bus?.close().catch(() => undefined);
      throw TransportError.from(cause, `open ${path}`);
    }
  }

  private async load(): Promise<I2cBusModule> {
    try {
      return await this.loadModule();
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      const code = (cause as { code?: unknown } | undefined)?.code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
        throw new TransportError(
          'EUNKNOWN',
          `the i2c-bus package is not installed: ${detail}. Install it next to spinal with "npm install i2c-bus"`,
        );
      }
      throw new TransportError(
        'EUNKNOWN',
        `the i2c-bus package could not be loaded: ${detail}${addonLoadHint('npm rebuild i2c-bus')}`,
      );
    }
  }
}

/**
 * One open bus. Transactions from this process run one after another, so a write-then-read fallback is
 * never split by another driver's transaction (another process can still come between them).
 */
class I2cBusConnection implements I2cBus {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly path: string,
    private readonly bus: PromisifiedI2cBus,
    private readonly canReadBlock: boolean,
  ) {}

  write(address: number, bytes: Uint8Array): Promise<void> {
    return this.transaction(address, 'write', () => this.send(address, bytes));
  }

  read(address: number, length: number): Promise<Uint8Array> {
    return this.transaction(address, 'read', () => this.receive(address, length));
  }

  /**
   * A one-byte write (a register number) with a read of up to {@link SMBUS_BLOCK_MAX} bytes is one
   * transaction with a repeated START (SMBus I2C block read). Anything else is a write then a read, with
   * a STOP between them, which is what most register-addressed devices accept.
   */
  writeRead(address: number, bytes: Uint8Array, readLength: number): Promise<Uint8Array> {
    return this.transaction(address, 'write-read', async () => {
      checkLength(readLength, 0);
      const register = bytes.length === 1 ? bytes[0] : undefined;
      if (register !== undefined && readLength > 0 && readLength <= SMBUS_BLOCK_MAX && this.canReadBlock) {
        const buffer = Buffer.alloc(readLength);
        const { bytesRead } = await this.bus.readI2cBlock(address, register, readLength, buffer);
        return checkRead(buffer, bytesRead, readLength);
      }
      await this.send(address, bytes);
      return readLength === 0 ? new Uint8Array(0) : this.receive(address, readLength);
    });
  }

  /** Waits for queued transactions, then closes the bus; closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    try {
      await this.bus.close();
    } catch (cause) {
      throw TransportError.from(cause, `close ${this.path}`);
    }
  }

  private async send(address: number, bytes: Uint8Array): Promise<void> {
    const { bytesWritten } = await this.bus.i2cWrite(address, bytes.length, Buffer.from(bytes));
    if (bytesWritten !== bytes.length) {
      throw busFault('EIO', `short write: ${bytesWritten} of ${bytes.length} bytes`);
    }
  }

  private async receive(address: number, length: number): Promise<Uint8Array> {
    checkLength(length, 1);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.bus.i2cRead(address, length, buffer);
    return checkRead(buffer, bytesRead, length);
  }

  private transaction<T>(address: number, what: string, run: () => Promise<T>): Promise<T> {
    const context = `${this.path} 0x${address.toString(16).padStart(2, '0')} ${what}`;
    if (this.closed) return Promise.reject(new TransportError('ECLOSED', `${context}: bus is closed`));
    try {
      checkI2cAddress(address);
    } catch (cause) {
      return Promise.reject(new TransportError('EINVAL', `${context}: ${(cause as Error).message}`));
    }
    const result = this.queue.then(run).catch((cause: unknown) => {
      throw TransportError.from(cause, context);
    });
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function checkLength(length: number, min: number): void {
  if (!Number.isInteger(length) || length < min) {
    throw busFault('EINVAL', `read length must be an integer >= ${min}, got ${length}`);
  }
}

function checkRead(buffer: Buffer, bytesRead: number, expected: number): Uint8Array {
  if (bytesRead !== expected) throw busFault('EIO', `short read: ${bytesRead} of ${expected} bytes`);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead);
}

/** An errno-style error; the transaction wraps it into a TransportError that names bus, address and operation. */
function busFault(code: 'EIO' | 'EINVAL', message: string): Error {
  return Object.assign(new Error(message), { code });
}
