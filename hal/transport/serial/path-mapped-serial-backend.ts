import type { SerialBackend, SerialConnection, SerialHandlers, SerialOpenOptions } from './api.js';
import { openModemLineChannel, type ModemLineChannel } from './modem-line-channel.js';

/** Where a configured serial path really is. */
export interface MappedSerialPort {
  /** The path opened instead (a pseudo-terminal). */
  path: string;
  /**
   * The modem-line socket beside it (see `modem-lines-codec.ts`): DTR and RTS are set through it,
   * since a pseudo-terminal has no modem lines. Without one, `setSignals` goes to the port itself.
   */
  modemLines?: string;
}

/**
 * A serial backend that opens other paths than the board config names: `spinal sim --pty` maps
 * `/dev/ttyUSB0` to the pseudo-terminal the simulator's lidar is attached to, so the real
 * `serialport` binding reads the simulated device like a real one, and carries DTR and RTS over
 * the modem-line socket beside it.
 */
export class PathMappedSerialBackend implements SerialBackend {
  readonly kind: string;

  constructor(
    private readonly inner: SerialBackend,
    private readonly ports: Readonly<Record<string, MappedSerialPort>>,
  ) {
    this.kind = `${inner.kind} (mapped)`;
  }

  async open(options: SerialOpenOptions, handlers: SerialHandlers): Promise<SerialConnection> {
    const mapped = this.ports[options.path];
    let lines: ModemLineChannel | undefined;
    const connection = await this.inner.open(
      { ...options, path: mapped?.path ?? options.path },
      {
        onData: (bytes) => handlers.onData(bytes),
        onClose: (error) => {
          lines?.close();
          handlers.onClose(error);
        },
      },
    );
    if (mapped?.modemLines) {
      try {
        lines = await openModemLineChannel(mapped.modemLines);
      } catch (error) {
        await connection.close().catch(() => undefined);
        throw error;
      }
    }
    const channel = lines;
    return {
      path: options.path,
      write: (bytes) => connection.write(bytes),
      setSignals: (signals) => (channel ? channel.set(signals) : connection.setSignals(signals)),
      close: () => {
        channel?.close();
        return connection.close();
      },
    };
  }

  /** The configured paths whose mapped path is present, plus the unmapped ones present. */
  async list(): Promise<string[]> {
    const present = new Set(await this.inner.list().catch(() => [] as string[]));
    const targets = Object.values(this.ports).map((port) => port.path);
    const mapped = Object.entries(this.ports)
      .filter(([, port]) => present.has(port.path))
      .map(([path]) => path);
    return [...mapped, ...[...present].filter((p) => !targets.includes(p))];
  }
}
