import { TransportError } from '../transport-error.js';
import type { SerialBackend, SerialConnection, SerialHandlers, SerialOpenOptions } from './api.js';

/**
 * Handles the bytes a driver writes on one connection, as the device behind the port would;
 * `reply` hands bytes back to the driver on that same connection.
 */
export type SerialWriteHandler = (bytes: Uint8Array, reply: (bytes: Uint8Array) => void) => void;

/**
 * A serial port in memory, for tests and benchmarks: the serial backend with no hardware and no
 * simulator behind it. The caller feeds bytes in (`send`, on the calling thread, as a
 * `serialport` data event would), makes opens fail (`failWith`, or
 * `present = false` for a port that is not there), closes the port under the driver (`unplug`;
 * with `present = false` too, the cable stays out until `present` is set again), and reads back
 * what the driver did: opens, closes, writes and modem lines. The device at the other end of the
 * wire, when a test needs one that listens or answers, plugs in as `peer`.
 *
 * It behaves as the `SerialBackend` contract says: a close the driver asked for reports `onClose()`
 * with no error, one it did not ask for reports the error, and writes or line changes on a
 * connection that is no longer the open one reject with EBADF. Like a real port, it opens only
 * the paths it lists (ENOENT for any other) and one connection at a time (EBUSY while open).
 */
export class MemorySerialBackend implements SerialBackend {
  readonly kind = 'memory';
  /** While set, `open()` rejects with it (it wins over `present`). */
  failWith: TransportError | undefined;
  /** Whether the port is plugged in: listed by `list()`; while false, `open()` rejects with ENOENT. Default true. */
  present = true;
  /**
   * The device behind the port: called at each successful open, it returns the handler of that
   * connection's writes (a fresh decoder per connection, say). Unset: nothing answers.
   */
  peer: ((options: SerialOpenOptions) => SerialWriteHandler) | undefined;
  /** Every `open()` call, failed ones included, in order. */
  readonly openCalls: SerialOpenOptions[] = [];
  /** How many times the driver closed a connection. */
  closeCalls = 0;
  /** Every write accepted, copied, in order, over all connections. */
  readonly writes: Uint8Array[] = [];
  /** Every modem-line change accepted, in order. */
  readonly signals: Array<{ dtr?: boolean; rts?: boolean }> = [];
  private handlers: SerialHandlers | undefined;
  private openPath = '';

  /** @param paths What `list()` reports while the port is present. */
  constructor(private readonly paths: readonly string[]) {}

  async open(options: SerialOpenOptions, handlers: SerialHandlers): Promise<SerialConnection> {
    this.openCalls.push(options);
    if (this.failWith) throw this.failWith;
    if (!this.present || !this.paths.includes(options.path)) {
      throw new TransportError('ENOENT', `no such file, open '${options.path}'`);
    }
    if (this.handlers) throw new TransportError('EBUSY', `${options.path} is already open`);
    this.handlers = handlers;
    this.openPath = options.path;
    const peer = this.peer?.(options);
    const current = (): void => {
      if (this.handlers !== handlers) throw new TransportError('EBADF', 'closed');
    };
    return {
      path: options.path,
      write: async (bytes) => {
        current();
        this.writes.push(bytes.slice());
        peer?.(bytes, (reply) => handlers.onData(reply));
      },
      setSignals: async (signals) => {
        current();
        this.signals.push(signals);
      },
      close: async () => {
        this.closeCalls++;
        if (this.handlers !== handlers) return;
        this.handlers = undefined;
        handlers.onClose();
      },
    };
  }

  async list(): Promise<string[]> {
    return this.present ? [...this.paths] : [];
  }

  /** Whether a connection is open now. */
  get isOpen(): boolean {
    return this.handlers !== undefined;
  }

  /** Delivers bytes from the device to the open connection; throws when none is open. */
  send(bytes: Uint8Array): void {
    if (!this.handlers) throw new Error('port not open');
    this.handlers.onData(bytes);
  }

  /**
   * Closes the open connection without the driver asking, with `error` (default ENXIO
   * "<path> went away"). The port stays listed and openable unless the test also clears `present`.
   */
  unplug(error: TransportError = new TransportError('ENXIO', `${this.openPath} went away`)): void {
    const handlers = this.handlers;
    this.handlers = undefined;
    handlers?.onClose(error);
  }
}
