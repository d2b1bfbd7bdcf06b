import { TransportError, isRetryableI2cError } from '../transport-error.js';
import type { I2cBus } from './api.js';

export interface I2cRetryPolicy {
  /** Immediate retries of a failed transaction. Default 2. */
  retries?: number;
  /** Consecutive failed transactions (after retries) at which the device is `failed`; fewer make it `degraded`. Default 3. */
  failedAfter?: number;
}

/** What the device's health should be after the last transaction. */
export type I2cLinkHealth = { state: 'ok' } | { state: 'degraded' | 'failed'; reason: string };

export interface I2cDeviceCounters {
  transactions: number;
  retries: number;
  errors: number;
}

/**
 * One device at one address on an open bus, with bounded retries. Each transaction is retried
 * at once up to `retries` times when {@link isRetryableI2cError} says so (EIO, EREMOTEIO); a transaction that still fails counts
 * towards `degraded` then `failed`, and the next success reports `ok` again. Drivers map the
 * reported health onto their own.
 */
export class RetryingI2cDevice {
  private consecutiveFailures = 0;
  private readonly retries: number;
  private readonly failedAfter: number;
  private readonly stats: I2cDeviceCounters = { transactions: 0, retries: 0, errors: 0 };

  /**
   * @param bus The open bus, public for a transaction that is not to be retried (a driver's
   *   register read whose failure its own recovery handles).
   */
  constructor(
    readonly bus: I2cBus,
    readonly address: number,
    private readonly onHealth: (health: I2cLinkHealth) => void,
    policy: I2cRetryPolicy = {},
  ) {
    this.retries = policy.retries ?? 2;
    this.failedAfter = policy.failedAfter ?? 3;
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.run(() => this.bus.write(this.address, bytes));
  }

  read(length: number): Promise<Uint8Array> {
    return this.run(() => this.bus.read(this.address, length));
  }

  /** Register read: write the register number (and any more bytes), then read `readLength` bytes. */
  writeRead(bytes: Uint8Array, readLength: number): Promise<Uint8Array> {
    return this.run(() => this.bus.writeRead(this.address, bytes, readLength));
  }

  counters(): I2cDeviceCounters {
    return { ...this.stats };
  }

  private async run<T>(transaction: () => Promise<T>): Promise<T> {
    this.stats.transactions++;
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await transaction();
        if (this.consecutiveFailures > 0) {
          this.consecutiveFailures = 0;
          this.onHealth({ state: 'ok' });
        }
        return result;
      } catch (cause) {
        const error = TransportError.from(cause, `I2C 0x${this.address.toString(16)} on ${this.bus.path}`);
        if (isRetryableI2cError(error) && attempt < this.retries) {
          this.stats.retries++;
          continue;
        }
        this.stats.errors++;
        this.consecutiveFailures++;
        const state = this.consecutiveFailures >= this.failedAfter ? 'failed' : 'degraded';
        this.onHealth({
          state,
          reason: `${this.consecutiveFailures} transaction(s) failed in a row: ${error.message}`,
        });
        throw error;
      }
    }
  }
}
