import createDebug from 'debug';
import { TransportError } from '../transport-error.js';
import type { GpioBackend, GpioEdge, GpioLevel, GpioLine, GpioLineSpec } from './api.js';
import { DEFAULT_SYSFS_ROOT, resolveSysfsGpioNumber } from './sysfs-gpio-chips.js';
import { addonLoadHint } from '../native-addon-hint.js';

const log = createDebug('spinal:hal:onoff');

/** Direction as onoff takes it: `high` / `low` make an output with that physical level from the start. */
export type OnoffDirection = 'in' | 'high' | 'low';

/** The part of an onoff `Gpio` this backend uses. */
export interface OnoffGpio {
  read(): Promise<GpioLevel>;
  write(value: GpioLevel): Promise<void>;
  watch(callback: (err: Error | null | undefined, value: GpioLevel) => void): void;
  unwatchAll(): void;
  unexport(): void;
}

/** The part of the `onoff` module this backend uses. */
export interface OnoffModule {
  Gpio: new (gpio: number, direction: OnoffDirection, edge?: GpioEdge, options?: { activeLow?: boolean }) => OnoffGpio;
}

export interface OnoffGpioBackendOptions {
  /** Where sysfs is mounted, to find the chips' bases. Default `/sys`. */
  sysfsRoot?: string;
  /** Loads the `onoff` module. Default: `import('onoff')`, on the first `open()`. */
  loadModule?: () => Promise<OnoffModule>;
}

/**
 * GPIO through the kernel's sysfs interface, using `onoff`. Lines are named by chip label and offset
 * and turned into sysfs numbers with {@link resolveSysfsGpioNumber}. Use it on the main thread only:
 * onoff crashes the process at exit when it was loaded in a worker thread.
 */
export class OnoffGpioBackend implements GpioBackend {
  readonly kind = 'onoff';
  private readonly sysfsRoot: string;
  private readonly loadModule: () => Promise<OnoffModule>;

  constructor(options: OnoffGpioBackendOptions = {}) {
    this.sysfsRoot = options.sysfsRoot ?? DEFAULT_SYSFS_ROOT;
    this.loadModule = options.loadModule ?? (() => import('onoff'));
  }

  /**
   * Exports and configures the line. An output starts at logical 0 (inactive), whatever `activeLow` says.
   * Rejects with TransportError: EINVAL for a bad spec, ENOENT when the chip or sysfs GPIO is missing,
   * EACCES / EBUSY from the kernel, EUNKNOWN when onoff is not installed.
   */
  async open(spec: GpioLineSpec): Promise<GpioLine> {
    const edge = spec.edge ?? 'none';
    if (spec.direction !== 'in' && spec.direction !== 'out') {
      throw new TransportError('EINVAL', `GPIO direction must be "in" or "out", got ${String(spec.direction)}`);
    }
    if (spec.direction === 'out' && edge !== 'none') {
      throw new TransportError('EINVAL', `${spec.chipLabel} line ${spec.line}: edges are reported for inputs only`);
    }
    const sysfsNumber = await resolveSysfsGpioNumber(spec.chipLabel, spec.line, this.sysfsRoot);
    const onoff = await this.load();
    const activeLow = spec.activeLow ?? false;
    // sysfs "low"/"high" set the physical level; with activeLow the inactive level is physical high.
    const direction: OnoffDirection = spec.direction === 'in' ? 'in' : activeLow ? 'high' : 'low';
    let gpio: OnoffGpio;
    try {
      gpio = new onoff.Gpio(sysfsNumber, direction, spec.direction === 'in' ? edge : undefined, { activeLow });
    } catch (cause) {
      throw TransportError.from(cause, `export GPIO ${sysfsNumber} (${spec.chipLabel} line ${spec.line})`);
    }
    log('opened GPIO %d (%s line %d) as %s, edge %s', sysfsNumber, spec.chipLabel, spec.line, direction, edge);
    return new OnoffGpioLine(spec, sysfsNumber, gpio, edge !== 'none');
  }

  private async load(): Promise<OnoffModule> {
    try {
      return await this.loadModule();
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      const code = (cause as { code?: unknown } | undefined)?.code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
        throw new TransportError(
          'EUNKNOWN',
          `the onoff package is not installed: ${detail}. Install it next to spinal with "npm install onoff"`,
        );
      }
      throw new TransportError(
        'EUNKNOWN',
        `the onoff package could not be loaded: ${detail}${addonLoadHint('npm rebuild onoff epoll')}`,
      );
    }
  }
}

class OnoffGpioLine implements GpioLine {
  private readonly listeners: Array<(level: GpioLevel) => void> = [];
  private closed = false;

  constructor(
    readonly spec: GpioLineSpec,
    private readonly sysfsNumber: number,
    private readonly gpio: OnoffGpio,
    watchEdges: boolean,
  ) {
    if (watchEdges) gpio.watch((err, value) => this.deliverEdge(err, value));
  }

  async read(): Promise<GpioLevel> {
    this.checkOpen();
    try {
      return await this.gpio.read();
    } catch (cause) {
      throw TransportError.from(cause, `read GPIO ${this.sysfsNumber}`);
    }
  }

  async write(level: GpioLevel): Promise<void> {
    this.checkOpen();
    if (this.spec.direction !== 'out') {
      throw new TransportError('EINVAL', `GPIO ${this.sysfsNumber} is an input; it cannot be written`);
    }
    if (level !== 0 && level !== 1) throw new TransportError('EINVAL', `GPIO level must be 0 or 1, got ${level}`);
    try {
      await this.gpio.write(level);
    } catch (cause) {
      throw TransportError.from(cause, `write GPIO ${this.sysfsNumber}`);
    }
  }

  onEdge(listener: (level: GpioLevel) => void): void {
    this.listeners.push(listener);
  }

  /** Stops edge reports and unexports the line; closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.length = 0;
    try {
      this.gpio.unwatchAll();
      this.gpio.unexport();
    } catch (cause) {
      throw TransportError.from(cause, `unexport GPIO ${this.sysfsNumber}`);
    }
  }

  private deliverEdge(err: Error | null | undefined, value: GpioLevel): void {
    if (this.closed) return;
    if (err) {
      log('GPIO %d edge error: %s', this.sysfsNumber, err.message);
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch (cause) {
        log('GPIO %d edge listener threw: %O', this.sysfsNumber, cause);
      }
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new TransportError('ECLOSED', `GPIO ${this.sysfsNumber} is closed`);
  }
}
