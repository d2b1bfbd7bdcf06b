import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import createDebug from 'debug';
import { Backoff, type BackoffOptions } from '../../../time/backoff.js';
import { US_PER_MS, type Cancel, type Clock } from '../../../time/clock.js';
import { TransportError, type TransportErrorCode } from '../transport-error.js';
import type { GpioBackend, GpioLevel, GpioLine, GpioLineSpec } from './api.js';

const log = createDebug('spinal:hal:gpiod-cli');

/**
 * The libgpiod 1.x command-line tools (Debian/Raspberry Pi OS package `gpiod`, v1.6), as this
 * backend calls them:
 * - `gpiodetect`: one line per chip, `gpiochip0 [pinctrl-bcm2711] (58 lines)`.
 * - `gpioget [--active-low] CHIP OFFSET`: requests the line as an input, prints `0` or `1`, releases it.
 * - `gpioset --mode=wait [--active-low] CHIP OFFSET=VALUE`: requests the line as an output and holds
 *   it until its standard input reaches end of file or a signal ends it.
 * - `gpiomon --line-buffered --format=FMT [--active-low] CHIP OFFSET`: prints one line per edge;
 *   `%o` offset, `%e` 1 rising / 0 falling, `%s` `%n` the kernel's timestamp.
 * Errors are printed as `<tool>: <what>: <strerror>` and the tool exits 1.
 */
export const GPIOD_TOOLS = {
  detect: 'gpiodetect',
  get: 'gpioget',
  set: 'gpioset',
  monitor: 'gpiomon',
} as const;

/** What `gpiomon` prints per edge: offset, edge (1 rising, 0 falling), seconds, nanoseconds. */
export const GPIOMON_FORMAT = '%o %e %s %n';

/** The `apt` line that installs the tools. */
export const GPIOD_INSTALL_HINT = 'sudo apt install gpiod';

/** One started tool: the part of node's `ChildProcess` this backend uses. */
export interface GpiodToolProcess {
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  kill(signal?: NodeJS.Signals): boolean;
  once(event: 'spawn', listener: () => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
  once(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
}

/** Starts `command` with `args`; the default runs the real tool with a C locale (English error texts). */
export type GpiodSpawner = (command: string, args: readonly string[]) => GpiodToolProcess;

/** One GPIO chip as `gpiodetect` lists it. */
export interface GpiodChip {
  /** Character-device name, e.g. `gpiochip0` (the device file is `/dev/gpiochip0`). */
  name: string;
  /** Driver label, e.g. `pinctrl-bcm2711`, `pinctrl-rp1`, `tegra234-gpio`. */
  label: string;
  /** Number of lines on the chip. */
  lines: number;
}

export interface GpiodCliBackendOptions {
  /** Schedules tool timeouts and monitor restarts. */
  clock: Clock;
  /** Starts the tools. Default: `child_process.spawn` with `LC_ALL=C` and piped stdio. */
  spawn?: GpiodSpawner;
  /** Longest a one-shot tool (`gpiodetect`, `gpioget`) may run before it is killed, ms. Default 2000. */
  toolTimeoutMs?: number;
  /** How long a stopped holder or monitor gets to exit after SIGTERM before SIGKILL, ms. Default 1000. */
  stopTimeoutMs?: number;
  /** Restart delays of an edge monitor that ended on its own. Default: 500 ms, x1.6, 20 % jitter, capped at 5 s. */
  backoff?: BackoffOptions;
}

/**
 * GPIO through the character device (`/dev/gpiochipN`) by way of the libgpiod 1.6 command-line
 * tools, for kernels built without sysfs GPIO. Lines are named by chip label and offset; the chip is
 * found with `gpiodetect`.
 *
 * What each kind of line costs:
 * - An output is held by one long-running `gpioset --mode=wait` per line (the chardev releases a line
 *   when its holder exits). Every change of level stops that process and starts another: a process
 *   start per change (milliseconds, not microseconds), and between the old holder's exit and the new
 *   one's request the line is released and its level is whatever the kernel leaves (usually the last
 *   level; libgpiod calls it undefined). Writing the level the line already has starts nothing, and
 *   writes that queue up during a restart collapse into one. Use it for enable, direction and relay
 *   lines that change a few times a second, not for PWM or bit-banging. `--mode=wait` rather than
 *   `--mode=signal`: the holder waits on its standard input, a pipe from this process, so it exits
 *   and lets the line go even when spinal is killed with SIGKILL.
 * - An input without edges is read with one `gpioget` per `read()`: do not poll it fast.
 * - An input with edges is watched by one long-running `gpiomon`; while it runs the line is busy, so
 *   `read()` answers the level known from the first `gpioget` and every edge since. A monitor that
 *   ends on its own is restarted with backoff on the clock, and the level is read again first (an edge
 *   during the gap is reported if it changed the level).
 */
export class GpiodCliBackend implements GpioBackend {
  readonly kind = 'gpiod';
  private readonly tools: ToolRunner;
  private readonly backoffOptions: BackoffOptions;
  private chips: Promise<GpiodChip[]> | null = null;

  constructor(options: GpiodCliBackendOptions) {
    this.tools = new ToolRunner(
      options.spawn ?? spawnWithCLocale,
      options.clock,
      options.toolTimeoutMs ?? 2_000,
      options.stopTimeoutMs ?? 1_000,
    );
    this.backoffOptions = { initialMs: 500, maxMs: 5_000, ...options.backoff };
  }

  /**
   * Finds the chip, checks the line, and starts the line: an output at logical 0 (inactive) held by
   * `gpioset`, an input read once with `gpioget` (which proves it can be requested), plus `gpiomon`
   * when edges are asked for. Rejects with TransportError: EINVAL for a bad spec or a line outside the
   * chip, ENOENT when no chip has the label, EACCES / EBUSY from the kernel, EUNKNOWN when the tools are
   * missing or are not version 1.x.
   */
  async open(spec: GpioLineSpec): Promise<GpioLine> {
    const edge = spec.edge ?? 'none';
    if (spec.direction !== 'in' && spec.direction !== 'out') {
      throw new TransportError('EINVAL', `GPIO direction must be "in" or "out", got ${String(spec.direction)}`);
    }
    if (spec.direction === 'out' && edge !== 'none') {
      throw new TransportError('EINVAL', `${spec.chipLabel} line ${spec.line}: edges are reported for inputs only`);
    }
    const chip = await this.findChip(spec.chipLabel, spec.line);
    if (spec.direction === 'out') {
      const line = new GpiodOutputLine(spec, chip.name, this.tools);
      await line.start();
      return line;
    }
    const line = new GpiodInputLine(spec, chip.name, this.tools, new Backoff(this.backoffOptions));
    await line.start();
    return line;
  }

  /** The chips `gpiodetect` lists; asked once, again only after a failure. */
  listChips(): Promise<GpiodChip[]> {
    this.chips ??= this.detectChips().catch((cause: unknown) => {
      this.chips = null;
      throw cause;
    });
    return this.chips;
  }

  private async findChip(chipLabel: string, line: number): Promise<GpiodChip> {
    const chips = await this.listChips();
    const matches = chips.filter((chip) => chip.label === chipLabel);
    const [chip] = matches;
    if (!chip) {
      const found = chips.map((c) => `${c.label} (${c.name})`).join(', ') || 'none';
      throw new TransportError('ENOENT', `no GPIO chip labelled "${chipLabel}" in gpiodetect's list; found: ${found}`);
    }
    if (matches.length > 1) {
      const names = matches.map((c) => c.name).join(', ');
      throw new TransportError('EINVAL', `several GPIO chips are labelled "${chipLabel}" (${names})`);
    }
    if (!Number.isInteger(line) || line < 0 || line >= chip.lines) {
      throw new TransportError('EINVAL', `line ${line} is outside ${chipLabel}, which has lines 0..${chip.lines - 1}`);
    }
    return chip;
  }

  private async detectChips(): Promise<GpiodChip[]> {
    const version = await this.tools.run(GPIOD_TOOLS.detect, ['--version']);
    const major = parseGpiodToolsMajorVersion(version.stdout);
    if (major !== undefined && major !== 1) {
      throw new TransportError(
        'EUNKNOWN',
        `the gpiod tools are version ${major}.x; this backend speaks the 1.x tools (gpiod 1.6, Debian bookworm)`,
      );
    }
    const listing = await this.tools.run(GPIOD_TOOLS.detect, []);
    if (listing.code !== 0) throw toolFailure(listing, 'list GPIO chips');
    const chips = parseGpiodetectOutput(listing.stdout);
    log('gpiodetect: %s', chips.map((c) => `${c.name} [${c.label}] ${c.lines}`).join(', ') || 'no chips');
    return chips;
  }
}

/**
 * The chips in `gpiodetect` (libgpiod 1.6) output, one `gpiochip0 [pinctrl-bcm2711] (58 lines)` per line.
 * Lines that do not look like that are skipped.
 */
export function parseGpiodetectOutput(text: string): GpiodChip[] {
  const chips: GpiodChip[] = [];
  for (const raw of text.split('\n')) {
    const match = /^(\S+) \[(.*)\] \((\d+) lines?\)$/.exec(raw.trim());
    if (match?.[1] !== undefined && match[2] !== undefined && match[3] !== undefined) {
      chips.push({ name: match[1], label: match[2], lines: Number(match[3]) });
    }
  }
  return chips;
}

/** The major version in `gpiodetect --version` (`gpiodetect (libgpiod) v1.6.3`), or undefined. */
export function parseGpiodToolsMajorVersion(text: string): number | undefined {
  const match = /\(libgpiod\)\s+v?(\d+)\./.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** One edge as `gpiomon --format='%o %e %s %n'` prints it. */
export interface GpiomonEvent {
  offset: number;
  /** Logical level after the edge: 1 after a rising edge, 0 after a falling one. */
  level: GpioLevel;
  /** The kernel's timestamp of the edge, nanoseconds (as a bigint: it does not fit a double). */
  stampNs: bigint;
}

/** Parses one line of {@link GPIOMON_FORMAT} output; undefined for anything else. */
export function parseGpiomonLine(line: string): GpiomonEvent | undefined {
  const match = /^(\d+) ([01]) (\d+) (\d+)$/.exec(line.trim());
  if (!match?.[1] || !match[2] || !match[3] || !match[4]) return undefined;
  return {
    offset: Number(match[1]),
    level: match[2] === '1' ? 1 : 0,
    stampNs: BigInt(match[3]) * 1_000_000_000n + BigInt(match[4]),
  };
}

/** errno texts (`strerror`, C locale) the tools print, and the transport codes they mean. */
const STRERROR_CODES: ReadonlyArray<[string, TransportErrorCode]> = [
  ['Device or resource busy', 'EBUSY'],
  ['Permission denied', 'EACCES'],
  ['Operation not permitted', 'EACCES'],
  ['No such file or directory', 'ENOENT'],
  ['No such device', 'ENXIO'],
  ['Invalid argument', 'EINVAL'],
  ['Input/output error', 'EIO'],
];

/** The transport code for a tool's error text (`gpioset: error setting the GPIO line values: Device or resource busy`). */
export function gpiodErrorCode(stderr: string): TransportErrorCode {
  for (const [text, code] of STRERROR_CODES) if (stderr.includes(text)) return code;
  return 'EUNKNOWN';
}

interface ToolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function toolFailure(result: ToolResult, what: string): TransportError {
  const detail = result.stderr.trim() || (result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`);
  return new TransportError(gpiodErrorCode(result.stderr), `${what}: ${detail}`);
}

function notInstalled(tool: string): TransportError {
  return new TransportError('EUNKNOWN', `${tool} is not installed; install the gpiod tools: ${GPIOD_INSTALL_HINT}`);
}

function spawnWithCLocale(command: string, args: readonly string[]): GpiodToolProcess {
  return spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
}

/** A long-running tool: its process and a promise that settles when it has ended. */
interface RunningTool {
  process: GpiodToolProcess;
  ended: Promise<ToolResult>;
  stopping: boolean;
}

/** Starts tools, collects their output, and stops them, with timeouts on the clock. */
class ToolRunner {
  constructor(
    private readonly spawner: GpiodSpawner,
    private readonly clock: Clock,
    private readonly toolTimeoutMs: number,
    private readonly stopTimeoutMs: number,
  ) {}

  /** Runs a one-shot tool to its end; rejects only when it cannot start or runs too long. */
  async run(tool: string, args: readonly string[]): Promise<ToolResult> {
    const running = await this.start(tool, args);
    let timedOut = false;
    const cancel = this.clock.after(this.toolTimeoutMs * US_PER_MS, () => {
      timedOut = true;
      running.process.kill('SIGKILL');
    });
    const result = await running.ended;
    cancel();
    if (timedOut)
      throw new TransportError('ETIMEDOUT', `${tool} ${args.join(' ')} ran longer than ${this.toolTimeoutMs} ms`);
    return result;
  }

  /** Starts a tool; resolves once it is running, rejects (EUNKNOWN) when it is not installed. */
  start(tool: string, args: readonly string[], onStdout?: (text: string) => void): Promise<RunningTool> {
    log('%s %s', tool, args.join(' '));
    let child: GpiodToolProcess;
    try {
      child = this.spawner(tool, args);
    } catch (cause) {
      return Promise.reject(startFailure(tool, cause));
    }
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (onStdout) onStdout(chunk);
      else stdout += chunk;
    });
    child.stderr?.on('data', (chunk: string) => (stderr += chunk));
    // A held line must not die of EPIPE on its stdin when the tool has already gone.
    child.stdin?.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      let started = false;
      const ended = new Promise<ToolResult>((resolveEnd) => {
        child.once('close', (code, signal) => resolveEnd({ code, signal, stdout, stderr }));
      });
      child.once('error', (cause) => {
        if (!started) reject(startFailure(tool, cause));
        else log('%s: %s', tool, cause.message);
      });
      child.once('spawn', () => {
        started = true;
        resolve({ process: child, ended, stopping: false });
      });
    });
  }

  /** Calls `fn` once, `delayMs` from now, on the clock. */
  clockAfter(delayMs: number, fn: () => void): Cancel {
    return this.clock.after(delayMs * US_PER_MS, fn);
  }

  /** Ends a long-running tool: SIGTERM, then SIGKILL if it has not gone after the stop timeout. */
  async stop(running: RunningTool): Promise<void> {
    running.stopping = true;
    running.process.stdin?.end();
    running.process.kill('SIGTERM');
    const cancel = this.clock.after(this.stopTimeoutMs * US_PER_MS, () => running.process.kill('SIGKILL'));
    await running.ended;
    cancel();
  }
}

function startFailure(tool: string, cause: unknown): TransportError {
  if ((cause as { code?: unknown } | undefined)?.code === 'ENOENT') return notInstalled(tool);
  return TransportError.from(cause, `start ${tool}`);
}

function activeLowArgs(spec: GpioLineSpec): string[] {
  return spec.activeLow ? ['--active-low'] : [];
}

/** An output line held by one `gpioset` at a time. */
class GpiodOutputLine implements GpioLine {
  private holder: RunningTool | null = null;
  private heldLevel: GpioLevel | null = null;
  private wanted: GpioLevel = 0;
  private queue: Promise<void> = Promise.resolve();
  private failure: TransportError | null = null;
  private closed = false;

  constructor(
    readonly spec: GpioLineSpec,
    private readonly chipName: string,
    private readonly tools: ToolRunner,
  ) {}

  start(): Promise<void> {
    return this.enqueue();
  }

  /** The level last written (the line is held by gpioset, so it cannot be read back). */
  async read(): Promise<GpioLevel> {
    this.checkOpen();
    this.throwFailure();
    return this.wanted;
  }

  /**
   * Resolves once a gpioset holding `level` has started. If a holder ends on its own later (the line
   * was taken, the chip went away), the next `read()` or `write()` rejects with why, once; the write
   * after that starts a new holder.
   */
  async write(level: GpioLevel): Promise<void> {
    this.checkOpen();
    if (level !== 0 && level !== 1) throw new TransportError('EINVAL', `GPIO level must be 0 or 1, got ${level}`);
    this.throwFailure();
    this.wanted = level;
    await this.enqueue();
  }

  onEdge(): void {
    // Outputs report no edges.
  }

  /** Stops the holder, which releases the line; closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    const holder = this.holder;
    this.holder = null;
    if (holder) await this.tools.stop(holder);
  }

  private enqueue(): Promise<void> {
    const next = this.queue.then(() => this.apply());
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Makes the held level the wanted one: nothing to do when it already is. */
  private async apply(): Promise<void> {
    if (this.closed) throw new TransportError('ECLOSED', `${this.describe()} is closed`);
    const level = this.wanted;
    if (this.holder && this.heldLevel === level) return;
    const previous = this.holder;
    this.holder = null;
    this.heldLevel = null;
    if (previous) await this.tools.stop(previous);
    const args = ['--mode=wait', ...activeLowArgs(this.spec), this.chipName, `${this.spec.line}=${level}`];
    let holder: RunningTool;
    try {
      holder = await this.tools.start(GPIOD_TOOLS.set, args);
    } catch (cause) {
      throw TransportError.from(cause, `set ${this.describe()}`);
    }
    this.holder = holder;
    this.heldLevel = level;
    void holder.ended.then((result) => this.holderEnded(holder, result));
  }

  private holderEnded(holder: RunningTool, result: ToolResult): void {
    if (holder.stopping) return;
    if (this.holder === holder) {
      this.holder = null;
      this.heldLevel = null;
    }
    if (this.closed) return;
    this.failure = toolFailure(result, `hold ${this.describe()}`);
    log('%s', this.failure.message);
  }

  private throwFailure(): void {
    const failure = this.failure;
    if (!failure) return;
    this.failure = null;
    throw failure;
  }

  private checkOpen(): void {
    if (this.closed) throw new TransportError('ECLOSED', `${this.describe()} is closed`);
  }

  private describe(): string {
    return `${this.spec.chipLabel} line ${this.spec.line} (${this.chipName})`;
  }
}

/** An input line: read with `gpioget`, and watched with `gpiomon` when edges are asked for. */
class GpiodInputLine implements GpioLine {
  private readonly listeners: Array<(level: GpioLevel) => void> = [];
  private level: GpioLevel = 0;
  private monitor: RunningTool | null = null;
  private restart: Cancel | null = null;
  private partialLine = '';
  private closed = false;

  constructor(
    readonly spec: GpioLineSpec,
    private readonly chipName: string,
    private readonly tools: ToolRunner,
    private readonly backoff: Backoff,
  ) {}

  async start(): Promise<void> {
    this.level = await this.get();
    if (this.watchesEdges()) await this.startMonitor();
  }

  /** The level from `gpioget`, or, while `gpiomon` holds the line, the level after the last edge. */
  async read(): Promise<GpioLevel> {
    this.checkOpen();
    if (this.monitor) return this.level;
    this.level = await this.get();
    return this.level;
  }

  async write(): Promise<void> {
    throw new TransportError('EINVAL', `${this.describe()} is an input; it cannot be written`);
  }

  onEdge(listener: (level: GpioLevel) => void): void {
    this.listeners.push(listener);
  }

  /** Stops the monitor and any pending restart; closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.length = 0;
    this.restart?.();
    this.restart = null;
    const monitor = this.monitor;
    this.monitor = null;
    if (monitor) await this.tools.stop(monitor);
  }

  private watchesEdges(): boolean {
    return (this.spec.edge ?? 'none') !== 'none';
  }

  private async get(): Promise<GpioLevel> {
    const args = [...activeLowArgs(this.spec), this.chipName, String(this.spec.line)];
    let result: ToolResult;
    try {
      result = await this.tools.run(GPIOD_TOOLS.get, args);
    } catch (cause) {
      throw TransportError.from(cause, `read ${this.describe()}`);
    }
    if (result.code !== 0) throw toolFailure(result, `read ${this.describe()}`);
    const value = result.stdout.trim();
    if (value !== '0' && value !== '1') {
      throw new TransportError('EIO', `read ${this.describe()}: gpioget printed ${JSON.stringify(value)}`);
    }
    return value === '1' ? 1 : 0;
  }

  private async startMonitor(): Promise<void> {
    const args = [
      '--line-buffered',
      `--format=${GPIOMON_FORMAT}`,
      ...activeLowArgs(this.spec),
      this.chipName,
      String(this.spec.line),
    ];
    this.partialLine = '';
    const monitor = await this.tools.start(GPIOD_TOOLS.monitor, args, (text) => this.monitorOutput(text));
    if (this.closed) {
      await this.tools.stop(monitor);
      return;
    }
    this.monitor = monitor;
    void monitor.ended.then((result) => this.monitorEnded(monitor, result));
  }

  private monitorOutput(text: string): void {
    const lines = (this.partialLine + text).split('\n');
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      const event = parseGpiomonLine(line);
      if (!event || event.offset !== this.spec.line) {
        log('%s: ignoring gpiomon output %j', this.describe(), line);
        continue;
      }
      this.changeTo(event.level);
    }
  }

  /** Records the level and reports it when it is an edge the spec asked for. */
  private changeTo(level: GpioLevel): void {
    this.level = level;
    if (this.closed) return;
    const edge = this.spec.edge ?? 'none';
    const wanted = edge === 'both' || (edge === 'rising' && level === 1) || (edge === 'falling' && level === 0);
    if (!wanted) return;
    for (const listener of this.listeners) {
      try {
        listener(level);
      } catch (cause) {
        log('%s edge listener threw: %O', this.describe(), cause);
      }
    }
  }

  private monitorEnded(monitor: RunningTool, result: ToolResult): void {
    if (monitor.stopping || this.closed) return;
    if (this.monitor === monitor) this.monitor = null;
    log('%s', toolFailure(result, `watch ${this.describe()}`).message);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delayMs = this.backoff.nextDelayMs();
    log('%s: restarting gpiomon in %d ms', this.describe(), Math.round(delayMs));
    this.restart = this.tools.clockAfter(delayMs, () => {
      this.restart = null;
      void this.restartMonitor();
    });
  }

  /** Reads the level again (an edge may have come while nobody watched), then watches again. */
  private async restartMonitor(): Promise<void> {
    if (this.closed) return;
    try {
      const level = await this.get();
      if (level !== this.level) this.changeTo(level);
      await this.startMonitor();
      this.backoff.reset();
    } catch (cause) {
      log('%s: %s', this.describe(), cause instanceof Error ? cause.message : String(cause));
      if (!this.closed) this.scheduleRestart();
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new TransportError('ECLOSED', `${this.describe()} is closed`);
  }

  private describe(): string {
    return `${this.spec.chipLabel} line ${this.spec.line} (${this.chipName})`;
  }
}
