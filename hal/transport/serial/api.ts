import type { TransportError } from '../transport-error.js';

/** What a driver asks for when it opens a serial port. */
export interface SerialOpenOptions {
  /** Device path, e.g. `/dev/ttyUSB0`. */
  path: string;
  /** Line speed in baud, e.g. 230400 for an LD06. */
  baudRate: number;
}

/** Called by the backend; never throws back into the backend. */
export interface SerialHandlers {
  /** Bytes as they arrive; chunk boundaries carry no meaning. */
  onData(bytes: Uint8Array): void;
  /** The port closed. `error` is set when it was not asked to (unplugged, I/O error). */
  onClose(error?: TransportError): void;
}

/** An open serial port. */
export interface SerialConnection {
  readonly path: string;
  /** Resolves when the bytes are handed to the OS; rejects with a TransportError. */
  write(bytes: Uint8Array): Promise<void>;
  /** Sets modem control lines (the RPLIDAR A1 drives its motor from DTR). */
  setSignals(signals: { dtr?: boolean; rts?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/**
 * A way to reach serial ports: the real one wraps `serialport`, the simulated one talks to the
 * simulator. Code above this interface cannot tell which it has.
 */
export interface SerialBackend {
  readonly kind: string;
  /** Opens `options.path`; rejects with a TransportError (ENOENT, EACCES, EBUSY, ...). */
  open(options: SerialOpenOptions, handlers: SerialHandlers): Promise<SerialConnection>;
  /** Paths of the serial ports present now. */
  list(): Promise<string[]>;
}
