import type { GpioBackend, GpioLevel, GpioLine, GpioLineSpec } from '../../hal/transport/gpio/api.js';
import type { TransportError } from '../../hal/transport/transport-error.js';

/**
 * GPIO input lines in memory, keyed by line offset. The test sets electrical levels (a change is an
 * edge for the line's listeners, as the kernel reports it), loses or forges edge reports, and makes
 * opens or reads fail. Writes are accepted and ignored: this is a backend for inputs.
 */
export class MemoryGpioBackend implements GpioBackend {
  readonly kind = 'memory';
  /** Every `open()` call, failed ones included, in order. */
  readonly opened: GpioLineSpec[] = [];
  /** While set, `open()` rejects with it. */
  failOpen: TransportError | undefined;
  /** While set, every line's `read()` rejects with it. */
  failRead: TransportError | undefined;
  /** How many reads were asked for, failed ones included. */
  reads = 0;
  /** How many lines were closed. */
  closed = 0;
  private readonly levels = new Map<number, GpioLevel>();
  private readonly listeners = new Map<number, Array<(level: GpioLevel) => void>>();

  async open(spec: GpioLineSpec): Promise<GpioLine> {
    this.opened.push(spec);
    if (this.failOpen) throw this.failOpen;
    const listeners: Array<(level: GpioLevel) => void> = [];
    this.listeners.set(spec.line, listeners);
    return {
      spec,
      read: async () => {
        this.reads++;
        if (this.failRead) throw this.failRead;
        return this.level(spec.line);
      },
      write: async () => {},
      onEdge: (listener) => listeners.push(listener),
      close: async () => {
        this.closed++;
        listeners.length = 0;
      },
    };
  }

  /** A line's electrical level now (0 until set). */
  level(line: number): GpioLevel {
    return this.levels.get(line) ?? 0;
  }

  /** Sets a line's level; a change is reported as an edge unless `report` is false (a missed edge). */
  set(line: number, level: GpioLevel, report = true): void {
    const changed = level !== this.level(line);
    this.levels.set(line, level);
    if (changed && report) this.report(line, level);
  }

  /** Reports an edge with a level, whatever the line's level (a coalesced event). */
  report(line: number, level: GpioLevel): void {
    for (const listener of this.listeners.get(line) ?? []) listener(level);
  }
}
