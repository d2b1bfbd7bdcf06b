import type { I2cBackend } from './api.js';
import { RetryingI2cDevice } from './retrying-i2c-device.js';
import type { I2cDeviceCounters, I2cLinkHealth, I2cRetryPolicy } from './retrying-i2c-device.js';

/** Where the chip is, and what its retrying device reports. */
export interface I2cChipLinkOptions {
  backend: I2cBackend;
  /** Bus path, e.g. `/dev/i2c-1`. */
  busPath: string;
  /** 7-bit address of the chip. */
  address: number;
  /** The health of the link after each transaction (see {@link RetryingI2cDevice}). */
  onHealth: (health: I2cLinkHealth) => void;
  policy?: I2cRetryPolicy;
}

/**
 * One chip's link over a bus handle that is closed and opened again as the driver recovers: the
 * open bus, the {@link RetryingI2cDevice} on it, and that device's counters summed over every bus
 * handle the link has had. Every I2C driver that reopens its bus keeps its link in one of these.
 */
export class I2cChipLink {
  private openDevice: RetryingI2cDevice | undefined;
  /** Counters of the devices of buses already closed. */
  private readonly closed: I2cDeviceCounters = { transactions: 0, retries: 0, errors: 0 };

  constructor(private readonly options: I2cChipLinkOptions) {}

  /** The chip on the open bus; undefined while the link is closed. */
  get device(): RetryingI2cDevice | undefined {
    return this.openDevice;
  }

  /** The chip on the open bus, opening it first when the link is closed; rejects as the backend's `open` does. */
  async open(): Promise<RetryingI2cDevice> {
    if (this.openDevice) return this.openDevice;
    const bus = await this.options.backend.open(this.options.busPath);
    const device = new RetryingI2cDevice(bus, this.options.address, this.options.onHealth, this.options.policy);
    this.openDevice = device;
    return device;
  }

  /** Forgets the open bus, keeping its counters, and closes it; rejects when the close fails. */
  async close(): Promise<void> {
    const device = this.openDevice;
    this.openDevice = undefined;
    if (device) {
      const counters = device.counters();
      this.closed.transactions += counters.transactions;
      this.closed.retries += counters.retries;
      this.closed.errors += counters.errors;
    }
    if (device) await device.bus.close();
  }

  /** Transactions, retries and errors over every bus handle the link has had. */
  counters(): I2cDeviceCounters {
    const open = this.openDevice?.counters() ?? { transactions: 0, retries: 0, errors: 0 };
    return {
      transactions: this.closed.transactions + open.transactions,
      retries: this.closed.retries + open.retries,
      errors: this.closed.errors + open.errors,
    };
  }
}
