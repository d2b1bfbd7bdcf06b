import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GpioEdge, GpioLevel } from '../../../hal/transport/gpio/api.js';
import type { OnoffDirection, OnoffGpio, OnoffModule } from '../../../hal/transport/gpio/onoff-backend.js';
import type { SimGpioDevice, SimGpioLine, SimWorldView } from '../../../simulator/devices/sim-device.js';
import { errnoError, nextTurn, type BridgeWire } from './bridge-wire.js';

/**
 * Where a chip's line 0 sits in the sysfs numbering of the fake tree: the first chip at 512, as
 * `pinctrl-bcm2711` is on a Raspberry Pi 4 with kernel 6.6 (`/sys/class/gpio/gpiochip512`), the next
 * ones after it.
 */
const FIRST_CHIP_BASE = 512;
/** Lines of the Pi 4's `pinctrl-bcm2711` (its `ngpio`); a chip of the tree has at least this many. */
const MIN_CHIP_LINES = 58;

/** A GPIO edge a device model owes the host, due at a sim time. */
export interface GpioDelivery {
  atUs: number;
  deliver(): void;
}

interface SysfsChip {
  label: string;
  base: number;
  ngpio: number;
}

function lineKey(chipLabel: string, line: number): string {
  return `${chipLabel}:${line}`;
}

/**
 * An `onoff`-shaped module and a sysfs GPIO tree in a temporary directory, with the simulator's GPIO
 * device models behind them. The tree (`class/gpio/gpiochipN/{label,base,ngpio}`) has one chip per
 * chip label the models are wired to, so `OnoffGpioBackend` resolves a chip label and offset to a
 * sysfs number exactly as on a board; the fake `Gpio` maps the number back to the model's line.
 *
 * As sysfs does: `new Gpio(n, 'low' | 'high')` makes an output at that physical level, `activeLow`
 * inverts what `read`/`write`/`watch` see, and a watched input reports the edges its `edge` asks for
 * (of the logical level). Writes reach the model's `hostWrite`; reads return the model's level;
 * the model's edges are handed out as {@link GpioDelivery}s that call the watchers. A line whose
 * wiring is cut ({@link BridgedOnoff.setLineBroken}) fails to export and to read with EIO, and its
 * writes go nowhere, as the sim link's world treats it.
 */
export class BridgedOnoff {
  /** The module to give `OnoffGpioBackend`. */
  readonly module: OnoffModule;
  /** The sysfs root to give `OnoffGpioBackend`. */
  readonly sysfsRoot: string;
  private readonly chips: SysfsChip[] = [];
  private readonly deviceByLine = new Map<string, SimGpioDevice>();
  private readonly exported = new Map<string, Set<BridgedGpio>>();
  private readonly broken = new Set<string>();

  constructor(
    private readonly devices: readonly SimGpioDevice[],
    private readonly wire: BridgeWire,
  ) {
    const linesByChip = new Map<string, number>();
    for (const device of devices) {
      for (const line of device.lines) {
        this.deviceByLine.set(lineKey(line.chipLabel, line.line), device);
        linesByChip.set(line.chipLabel, Math.max(linesByChip.get(line.chipLabel) ?? 0, line.line + 1));
      }
    }
    this.sysfsRoot = mkdtempSync(join(tmpdir(), 'spinal-contract-sysfs-'));
    mkdirSync(join(this.sysfsRoot, 'class', 'gpio'), { recursive: true });
    let base = FIRST_CHIP_BASE;
    for (const [label, lines] of linesByChip) {
      const chip = { label, base, ngpio: Math.max(MIN_CHIP_LINES, lines) };
      const chipDir = join(this.sysfsRoot, 'class', 'gpio', `gpiochip${chip.base}`);
      mkdirSync(chipDir, { recursive: true });
      writeFileSync(join(chipDir, 'label'), `${chip.label}\n`);
      writeFileSync(join(chipDir, 'base'), `${chip.base}\n`);
      writeFileSync(join(chipDir, 'ngpio'), `${chip.ngpio}\n`);
      this.chips.push(chip);
      base += chip.ngpio;
    }
    this.module = { Gpio: gpioClassOf(this) };
  }

  /** Cuts (or mends) the wiring of lines: exporting and reading them fail with EIO, writes go nowhere. */
  setLineBroken(lines: readonly SimGpioLine[], broken: boolean): void {
    for (const line of lines) {
      if (broken) this.broken.add(lineKey(line.chipLabel, line.line));
      else this.broken.delete(lineKey(line.chipLabel, line.line));
    }
  }

  /** The input edges the models produce up to `toUs`, each delivered to the watchers of its line. */
  collect(toUs: number, world: SimWorldView): GpioDelivery[] {
    const deliveries: GpioDelivery[] = [];
    for (const device of this.devices) {
      for (const edge of device.advance(toUs, world)) {
        deliveries.push({
          atUs: edge.simTimeUs,
          deliver: () => {
            if (this.broken.has(lineKey(edge.chipLabel, edge.line))) return;
            this.wire.touch();
            for (const gpio of this.exported.get(lineKey(edge.chipLabel, edge.line)) ?? []) gpio.edge(edge.level);
          },
        });
      }
    }
    return deliveries;
  }

  close(): void {
    rmSync(this.sysfsRoot, { recursive: true, force: true });
  }

  /** @internal The chip line behind a sysfs number; EINVAL for a number no chip has, as the kernel's `export`. */
  resolve(sysfsNumber: number): SimGpioLine {
    const chip = this.chips.find((c) => sysfsNumber >= c.base && sysfsNumber < c.base + c.ngpio);
    if (!chip) throw errnoError('EINVAL', `Invalid argument: write '${sysfsNumber}' to /sys/class/gpio/export`);
    return { chipLabel: chip.label, line: sysfsNumber - chip.base };
  }

  /** @internal */
  isBroken(line: SimGpioLine): boolean {
    return this.broken.has(lineKey(line.chipLabel, line.line));
  }

  /** @internal */
  exportLine(gpio: BridgedGpio): void {
    const key = lineKey(gpio.line.chipLabel, gpio.line.line);
    const set = this.exported.get(key) ?? new Set<BridgedGpio>();
    set.add(gpio);
    this.exported.set(key, set);
  }

  /** @internal */
  unexportLine(gpio: BridgedGpio): void {
    this.exported.get(lineKey(gpio.line.chipLabel, gpio.line.line))?.delete(gpio);
  }

  /** @internal The physical level of a line as its model has it (0 for a line nothing is wired to). */
  level(line: SimGpioLine): GpioLevel {
    return this.deviceByLine.get(lineKey(line.chipLabel, line.line))?.read(line) ?? 0;
  }

  /** @internal The host drives a line to a physical level. */
  drive(line: SimGpioLine, level: GpioLevel): void {
    this.wire.touch();
    if (this.isBroken(line)) return;
    this.deviceByLine.get(lineKey(line.chipLabel, line.line))?.hostWrite(line, level, this.wire.worldUs());
  }
}

/** One exported sysfs line, as onoff's `Gpio` drives it. */
class BridgedGpio implements OnoffGpio {
  readonly line: SimGpioLine;
  private readonly watchers: Array<(err: Error | null | undefined, value: GpioLevel) => void> = [];
  private unexported = false;

  constructor(
    private readonly bridge: BridgedOnoff,
    private readonly sysfsNumber: number,
    private readonly direction: OnoffDirection,
    private readonly edgeMode: GpioEdge,
    private readonly activeLow: boolean,
  ) {
    this.line = bridge.resolve(sysfsNumber);
    if (bridge.isBroken(this.line)) throw errnoError('EIO', `Input/output error exporting GPIO ${sysfsNumber}`);
    bridge.exportLine(this);
    if (direction !== 'in') bridge.drive(this.line, direction === 'high' ? 1 : 0);
  }

  async read(): Promise<GpioLevel> {
    await nextTurn();
    this.checkExported();
    if (this.bridge.isBroken(this.line)) {
      throw errnoError('EIO', `Input/output error reading /sys/class/gpio/gpio${this.sysfsNumber}/value`);
    }
    return this.logical(this.bridge.level(this.line));
  }

  async write(value: GpioLevel): Promise<void> {
    await nextTurn();
    this.checkExported();
    if (this.direction === 'in') throw errnoError('EPERM', `GPIO ${this.sysfsNumber} is an input`);
    this.bridge.drive(this.line, this.logical(value));
  }

  watch(callback: (err: Error | null | undefined, value: GpioLevel) => void): void {
    this.watchers.push(callback);
  }

  unwatchAll(): void {
    this.watchers.length = 0;
  }

  unexport(): void {
    this.unexported = true;
    this.watchers.length = 0;
    this.bridge.unexportLine(this);
  }

  /** @internal The line's physical level changed to `level`: report it if the edge setting asks for it. */
  edge(level: GpioLevel): void {
    if (this.unexported || this.direction !== 'in' || this.edgeMode === 'none') return;
    const value = this.logical(level);
    if (this.edgeMode === 'rising' && value !== 1) return;
    if (this.edgeMode === 'falling' && value !== 0) return;
    for (const watcher of [...this.watchers]) watcher(null, value);
  }

  /** Physical to logical and back: the same inversion either way. */
  private logical(level: GpioLevel): GpioLevel {
    return this.activeLow ? ((1 - level) as GpioLevel) : level;
  }

  private checkExported(): void {
    if (this.unexported) {
      throw errnoError('ENOENT', `no such file or directory: /sys/class/gpio/gpio${this.sysfsNumber}/value`);
    }
  }
}

/** onoff's `Gpio` constructor, its lines exported from `bridge`. */
function gpioClassOf(bridge: BridgedOnoff): OnoffModule['Gpio'] {
  return class extends BridgedGpio {
    constructor(gpio: number, direction: OnoffDirection, edge?: GpioEdge, options?: { activeLow?: boolean }) {
      super(bridge, gpio, direction, edge ?? 'none', options?.activeLow ?? false);
    }
  };
}
