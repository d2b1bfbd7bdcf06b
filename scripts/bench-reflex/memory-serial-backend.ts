import type {
  SerialBackend,
  SerialConnection,
  SerialHandlers,
  SerialOpenOptions,
} from '../../hal/transport/serial/api.js';
import { TransportError } from '../../hal/transport/transport-error.js';

/**
 * One serial port that lives in memory: the bench plays the UART and hands the bytes to whoever
 * opened the port, on the calling thread, as a `serialport` data event would.
 */
export class MemorySerialBackend implements SerialBackend {
  readonly kind = 'memory';
  private handlers: SerialHandlers | null = null;

  constructor(private readonly path: string) {}

  async open(options: SerialOpenOptions, handlers: SerialHandlers): Promise<SerialConnection> {
    if (options.path !== this.path) throw new TransportError('ENOENT', `no such port ${options.path}`);
    if (this.handlers) throw new TransportError('EBUSY', `${options.path} is already open`);
    this.handlers = handlers;
    return {
      path: this.path,
      write: async () => undefined,
      setSignals: async () => undefined,
      close: async () => {
        if (this.handlers === handlers) this.handlers = null;
      },
    };
  }

  async list(): Promise<string[]> {
    return [this.path];
  }

  /** Hands `bytes` to the open port; false when nobody has it open. */
  deliver(bytes: Uint8Array): boolean {
    if (!this.handlers) return false;
    this.handlers.onData(bytes);
    return true;
  }
}
