import type { SerialBackend, SerialConnection, SerialHandlers, SerialOpenOptions } from './api.js';

/**
 * A serial backend that opens other paths than the board config names: `spinal sim --pty` maps
 * `/dev/ttyUSB0` to the pseudo-terminal the simulator's lidar is attached to, so the real
 * `serialport` binding reads the simulated device like a real one.
 */
export class PathMappedSerialBackend implements SerialBackend {
  readonly kind: string;

  constructor(
    private readonly inner: SerialBackend,
    private readonly paths: Readonly<Record<string, string>>,
  ) {
    this.kind = `${inner.kind} (mapped)`;
  }

  async open(options: SerialOpenOptions, handlers: SerialHandlers): Promise<SerialConnection> {
    const mapped = this.paths[options.path] ?? options.path;
    const connection = await this.inner.open({ ...options, path: mapped }, handlers);
    return {
      path: options.path,
      write: (bytes) => connection.write(bytes),
      setSignals: (signals) => connection.setSignals(signals),
      close: () => connection.close(),
    };
  }

  /** The configured paths whose mapped path is present, plus the unmapped ones present. */
  async list(): Promise<string[]> {
    const present = new Set(await this.inner.list().catch(() => [] as string[]));
    const mapped = Object.entries(this.paths)
      .filter(([, target]) => present.has(target))
      .map(([path]) => path);
    return [...mapped, ...[...present].filter((p) => !Object.values(this.paths).includes(p))];
  }
}
