import createDebug from 'debug';
import type { SerialPort } from 'serialport';
import { TransportError, type TransportErrorCode } from '../transport-error.js';
import type { SerialBackend, SerialConnection, SerialHandlers, SerialOpenOptions } from './api.js';
import { addonLoadHint } from '../native-addon-hint.js';

const log = createDebug('spinal:hal:serialport');

/** The part of the `serialport` module this backend uses. */
export interface SerialportModule {
  SerialPort: typeof SerialPort;
}

/**
 * A serialport binding (the `BindingInterface` of `@serialport/bindings-interface`), such as `MockBinding`
 * from `@serialport/binding-mock`. This backend calls `list` itself and hands the binding to serialport.
 */
export interface SerialBinding {
  list(): Promise<Array<{ path: string }>>;
  open(options: { path: string; baudRate: number }): Promise<unknown>;
}

export interface SerialportBackendOptions {
  /** Binding to reach the ports through (tests pass `MockBinding`). Default: the platform's native binding. */
  binding?: SerialBinding;
  /** Loads the `serialport` module. Default: `import('serialport')`, on the first `open()` or `list()`. */
  loadModule?: () => Promise<SerialportModule>;
}

/**
 * The native binding reports most failures as text (`Error: No such file or directory, cannot open
 * /dev/ttyUSB0`, bindings-cpp serialport_unix.cpp) with no errno code; these patterns recover it.
 */
const ERRNO_FROM_TEXT: ReadonlyArray<readonly [RegExp, TransportErrorCode]> = [
  [/no such file or directory|port does not exist/i, 'ENOENT'],
  [/permission denied/i, 'EACCES'],
  [/cannot lock port|port is locked|resource temporarily unavailable|device or resource busy/i, 'EBUSY'],
  [/no such device/i, 'ENXIO'],
  [/input\/output error/i, 'EIO'],
  [/baud rate|invalid/i, 'EINVAL'],
];

function toTransportError(cause: unknown, context: string): TransportError {
  const mapped = TransportError.from(cause, context);
  if (cause instanceof TransportError || mapped.code !== 'EUNKNOWN') return mapped;
  const text = cause instanceof Error ? cause.message : String(cause);
  const inferred = ERRNO_FROM_TEXT.find(([pattern]) => pattern.test(text));
  return inferred ? new TransportError(inferred[1], `${context}: ${text}`) : mapped;
}

/** Serial ports through `serialport` (v13). */
export class SerialportBackend implements SerialBackend {
  readonly kind = 'serialport';
  private readonly binding: SerialBinding | undefined;
  private readonly loadModule: () => Promise<SerialportModule>;

  constructor(options: SerialportBackendOptions = {}) {
    this.binding = options.binding;
    this.loadModule = options.loadModule ?? (() => import('serialport'));
  }

  /**
   * Opens the port (8N1, exclusive lock). Rejects with TransportError: EINVAL for bad options, ENOENT,
   * EACCES, EBUSY from the system, EUNKNOWN when serialport is not installed.
   */
  async open(options: SerialOpenOptions, handlers: SerialHandlers): Promise<SerialConnection> {
    const { path, baudRate } = options;
    if (typeof path !== 'string' || path === '') throw new TransportError('EINVAL', 'serial port path is empty');
    if (!Number.isInteger(baudRate) || baudRate <= 0) {
      throw new TransportError('EINVAL', `${path}: baud rate must be a positive integer, got ${baudRate}`);
    }
    const { SerialPort } = await this.load();
    const portOptions = { path, baudRate, autoOpen: false, ...(this.binding ? { binding: this.binding } : {}) };
    let port: SerialPort;
    try {
      port = new SerialPort(portOptions);
    } catch (cause) {
      throw toTransportError(cause, `open ${path}`);
    }
    await new Promise<void>((resolve, reject) => {
      port.open((err) => (err ? reject(toTransportError(err, `open ${path}`)) : resolve()));
    });
    log('opened %s at %d baud', path, baudRate);
    return new SerialportConnection(port, handlers);
  }

  /** Paths of the ports the binding lists now (USB adapters, on-board UARTs). */
  async list(): Promise<string[]> {
    try {
      const ports = this.binding ? await this.binding.list() : await (await this.load()).SerialPort.list();
      return ports.map((port) => port.path);
    } catch (cause) {
      throw toTransportError(cause, 'list serial ports');
    }
  }

  private async load(): Promise<SerialportModule> {
    try {
      return await this.loadModule();
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      const code = (cause as { code?: unknown } | undefined)?.code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
        throw new TransportError(
          'EUNKNOWN',
          `the serialport package is not installed: ${detail}. Install it next to spinal with "npm install serialport"`,
        );
      }
      throw new TransportError(
        'EUNKNOWN',
        `the serialport package could not be loaded: ${detail}${addonLoadHint('npm rebuild serialport')}`,
      );
    }
  }
}

type ConnectionState = 'open' | 'closing' | 'closed';

/** One open port. Every failure reaches the driver as a rejected promise or through `onClose`. */
class SerialportConnection implements SerialConnection {
  private state: ConnectionState = 'open';
  /** Linux raises DTR and RTS when a tty opens (termios HUPCL); `set` always writes both. */
  private signals = { dtr: true, rts: true };
  private readonly pendingWrites = new Set<(error: TransportError) => void>();
  private lastError: Error | undefined;
  private closeDone: Promise<void> | undefined;

  constructor(
    private readonly port: SerialPort,
    private readonly handlers: SerialHandlers,
  ) {
    port.on('data', (chunk: Buffer) => this.deliverData(chunk));
    port.on('close', (err?: Error | null) => this.finish(err ?? undefined));
    port.on('error', (err: Error) => {
      this.lastError = err;
      log('%s error: %s', this.path, err.message);
    });
  }

  get path(): string {
    return this.port.path;
  }

  /** Resolves when the bytes are handed to the OS. The bytes are copied, so the caller may reuse its array. */
  write(bytes: Uint8Array): Promise<void> {
    const closed = this.closedError('write');
    if (closed) return Promise.reject(closed);
    return new Promise<void>((resolve, reject) => {
      const abandon = (error: TransportError): void => reject(error);
      this.pendingWrites.add(abandon);
      this.port.write(Buffer.from(bytes), (err) => {
        this.pendingWrites.delete(abandon);
        if (err) reject(toTransportError(err, `write ${this.path}`));
        else resolve();
      });
    });
  }

  /** Sets DTR and/or RTS; a line left out keeps its last level. */
  setSignals(signals: { dtr?: boolean; rts?: boolean }): Promise<void> {
    const closed = this.closedError('set signals on');
    if (closed) return Promise.reject(closed);
    const next = { dtr: signals.dtr ?? this.signals.dtr, rts: signals.rts ?? this.signals.rts };
    return new Promise<void>((resolve, reject) => {
      this.port.set(next, (err) => {
        if (err) return reject(toTransportError(err, `set signals on ${this.path}`));
        this.signals = next;
        resolve();
      });
    });
  }

  /** Closes the port; `onClose` is then called without an error. Closing twice is harmless. */
  close(): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    if (this.closeDone) return this.closeDone;
    this.state = 'closing';
    if (!this.port.isOpen) {
      // Already going away (a disconnect is being handled); the driver asked for it, so it is a clean close.
      this.finish(undefined);
      return Promise.resolve();
    }
    this.closeDone = new Promise<void>((resolve, reject) => {
      this.port.close((err) => {
        if (!err) return resolve();
        const error = toTransportError(err, `close ${this.path}`);
        this.finish(undefined);
        reject(error);
      });
    });
    return this.closeDone;
  }

  private deliverData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    try {
      this.handlers.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (cause) {
      log('%s data handler threw: %O', this.path, cause);
    }
  }

  /** The port is gone: settle pending writes and tell the driver, once. */
  private finish(cause: Error | undefined): void {
    if (this.state === 'closed') return;
    const requested = this.state === 'closing';
    this.state = 'closed';
    const reason = cause ?? this.lastError;
    const error = requested
      ? undefined
      : new TransportError('ENXIO', `${this.path} closed: ${reason?.message ?? 'closed by the system'}`);
    for (const abandon of this.pendingWrites) abandon(error ?? new TransportError('ECLOSED', `${this.path} closed`));
    this.pendingWrites.clear();
    log('%s closed%s', this.path, error ? ` (${error.message})` : '');
    try {
      this.handlers.onClose(error);
    } catch (handlerError) {
      log('%s close handler threw: %O', this.path, handlerError);
    }
  }

  private closedError(action: string): TransportError | undefined {
    if (this.state === 'open' && this.port.isOpen && !this.port.destroyed) return undefined;
    return new TransportError('ECLOSED', `cannot ${action} ${this.path}: the port is closed`);
  }
}
