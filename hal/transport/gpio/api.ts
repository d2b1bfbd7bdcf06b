export type GpioDirection = 'in' | 'out';
export type GpioEdge = 'none' | 'rising' | 'falling' | 'both';
export type GpioLevel = 0 | 1;

/**
 * A GPIO line named the way board configs name it: a chip label (`pinctrl-bcm2711`,
 * `pinctrl-rp1`, a Tegra label) and the line offset on that chip. Backends resolve it to whatever
 * the kernel wants (a sysfs number or a character-device line); configs never hold raw sysfs numbers.
 */
export interface GpioLineSpec {
  chipLabel: string;
  line: number;
  direction: GpioDirection;
  /** Edges to report through `onEdge`; inputs only. Default `none`. */
  edge?: GpioEdge;
  /** Invert the logical level (a switch to ground with a pull-up). */
  activeLow?: boolean;
}

export interface GpioLine {
  readonly spec: GpioLineSpec;
  read(): Promise<GpioLevel>;
  write(level: GpioLevel): Promise<void>;
  /** Edge notifications with the level after the edge. */
  onEdge(listener: (level: GpioLevel) => void): void;
  close(): Promise<void>;
}

/** The real backends wrap `onoff` (sysfs) or a character-device library; the simulated one talks to the simulator. */
export interface GpioBackend {
  readonly kind: string;
  open(spec: GpioLineSpec): Promise<GpioLine>;
}
