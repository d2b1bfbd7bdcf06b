import type { I2cBackend, I2cBus } from '../../hal/transport/i2c/api.js';
import { TransportError } from '../../hal/transport/transport-error.js';
import type { TransportErrorCode } from '../../hal/transport/transport-error.js';
import type { Clock } from '../../time/clock.js';

/**
 * What answers behind the bus: a register file with a pointer, as the codecs' register models are
 * (`Ina219Registers`, `Mpu6050Registers`, `Pca9685Registers` fit as they are). A write sets the
 * pointer and stores the bytes after it; a read returns bytes from the pointer on.
 */
export interface I2cRegisterChip {
  write(bytes: Uint8Array): void;
  readFromPointer(length: number): Uint8Array;
}

/** One bus transaction as the bus saw it. */
export interface I2cTransaction {
  op: 'write' | 'writeRead' | 'read';
  /** 7-bit address the driver sent it to. */
  address: number;
  /** Bytes written (none for a plain read). */
  bytes: number[];
  /** Bytes asked for (0 for a plain write). */
  readLength: number;
  /** Clock time when the transaction reached the bus, microseconds. */
  atUs: number;
  /** False when it was refused with `nack` or `failNext`. */
  acked: boolean;
}

/**
 * A recording I2C bus with one chip behind it, like a breakout on the bench. Every transaction is
 * logged with the clock time, refused ones too. The test can make it stop acknowledging (`nack`,
 * with any code), refuse only the next few (`failNext`), and hold every transaction until it lets
 * go (`hold` / `letGo`), to see what a driver does while one is in flight.
 */
export class RecordingI2cBus<TChip extends I2cRegisterChip = I2cRegisterChip> implements I2cBus {
  readonly transactions: I2cTransaction[] = [];
  /** While set, every transaction fails with this code. */
  nack: TransportErrorCode | undefined;
  /** Fails only the next n transactions with `nack` (or EREMOTEIO), then acknowledges again. */
  failNext = 0;
  /** Transactions started and not finished (held by `hold`). */
  inFlight = 0;
  /** The most transactions ever in flight at once. */
  maxInFlight = 0;
  /** Set by `close()`, cleared when the backend opens the bus again; transactions on a closed bus fail with ECLOSED. */
  closed = false;
  /** How many times the bus was closed. */
  closes = 0;
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;

  constructor(
    readonly path: string,
    private readonly clock: Clock,
    public chip: TChip,
  ) {}

  /** Holds every transaction from now on until `letGo()`. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  /** Lets the held transactions through. */
  letGo(): void {
    this.release?.();
    this.gate = undefined;
  }

  /** Each transaction as `[op, ...bytes written]`. */
  ops(): Array<[string, ...number[]]> {
    return this.transactions.map((t) => [t.op, ...t.bytes]);
  }

  /** The bytes of every acknowledged write, in order. */
  writes(): number[][] {
    return this.transactions.filter((t) => t.op === 'write' && t.acked).map((t) => t.bytes);
  }

  async write(address: number, bytes: Uint8Array): Promise<void> {
    await this.transfer('write', address, bytes, 0);
    this.chip.write(bytes);
  }

  async read(address: number, length: number): Promise<Uint8Array> {
    await this.transfer('read', address, new Uint8Array(0), length);
    return this.chip.readFromPointer(length);
  }

  async writeRead(address: number, bytes: Uint8Array, readLength: number): Promise<Uint8Array> {
    await this.transfer('writeRead', address, bytes, readLength);
    this.chip.write(bytes);
    return this.chip.readFromPointer(readLength);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closes++;
  }

  private async transfer(
    op: I2cTransaction['op'],
    address: number,
    bytes: Uint8Array,
    readLength: number,
  ): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.gate) await this.gate;
      const fail = this.nack !== undefined || this.failNext > 0;
      this.transactions.push({ op, address, bytes: [...bytes], readLength, atUs: this.clock.nowUs(), acked: !fail });
      if (this.closed) throw new TransportError('ECLOSED', `${this.path} is closed`);
      if (fail) {
        if (this.failNext > 0) this.failNext--;
        throw new TransportError(this.nack ?? 'EREMOTEIO', `no acknowledge from 0x${address.toString(16)}`);
      }
    } finally {
      this.inFlight--;
    }
  }
}

/**
 * An I2C backend with one {@link RecordingI2cBus} behind it: every open hands out that same bus
 * (reopened), unless the test queued a failure in `openFailures`.
 */
export class RecordingI2cBackend<TChip extends I2cRegisterChip = I2cRegisterChip> implements I2cBackend {
  readonly kind = 'recording';
  readonly bus: RecordingI2cBus<TChip>;
  /** How many times `open()` was called, failed calls included. */
  opens = 0;
  /** Codes the next `open()` calls fail with, in order. */
  openFailures: TransportErrorCode[] = [];

  /** @param path The bus's path. Default `/dev/i2c-1`. */
  constructor(clock: Clock, chip: TChip, path = '/dev/i2c-1') {
    this.bus = new RecordingI2cBus(path, clock, chip);
  }

  async open(path: string): Promise<I2cBus> {
    this.opens++;
    const failure = this.openFailures.shift();
    if (failure) throw new TransportError(failure, `cannot open ${path}`);
    this.bus.closed = false;
    return this.bus;
  }
}
