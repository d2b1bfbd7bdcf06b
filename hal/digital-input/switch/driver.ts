import createDebug from 'debug';
import type { ZodType, ZodTypeDef } from 'zod';
import type { Cancel } from '../../../time/clock.js';
import { US_PER_MS } from '../../../time/clock.js';
import { Backoff } from '../../../time/backoff.js';
import { HealthTracker, type DeviceHealth, type HealthState } from '../../device-health.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import { namedPins } from '../../device-wiring.js';
import type { GpioLevel, GpioLine } from '../../transport/gpio/api.js';
import { TransportError } from '../../transport/transport-error.js';
import type { DigitalInputDevice, DigitalInputState } from '../api.js';
import {
  SWITCH_INPUT_PIN,
  bumperSwitchParamsSchema,
  estopSwitchParamsSchema,
  type SwitchParams,
  type SwitchRole,
} from './params.js';
import type { Unsubscribe } from '../../listener-list.js';
import { ListenerList } from '../../listener-list.js';

const log = createDebug('spinal:hal:gpio-switch');

/** First reopen delay after the line was lost, milliseconds: short, an e-stop line matters. */
const REOPEN_INITIAL_MS = 200;
/** Longest reopen delay, milliseconds. */
const REOPEN_MAX_MS = 2_000;

/** Why the state reads as it does. */
export const SWITCH_REASONS = Object.freeze({
  pressed: 'pressed',
  /** A normally-closed e-stop reads the same when pressed and when its circuit is open. */
  pressedOrOpen: 'pressed or circuit open',
  released: 'released',
  notReadYet: 'not read yet: treated as pressed',
  lineLost: 'line lost: treated as pressed',
  stopped: 'stopped: treated as pressed',
});

/**
 * The line's life: `closed` (not started or stopped), `opening`, `open`, `waiting` (a reopen is
 * scheduled after the line was lost). closed → opening → open | waiting; open → waiting (a read
 * failed); waiting → opening; any → closed (stop).
 */
type LineState = 'closed' | 'opening' | 'open' | 'waiting';

/**
 * A switch on one GPIO line. Fail-safe: whenever the line's level is not known (before the first
 * read, after a failed open or read, after stop) the state is active. A level that reads active
 * counts at once; an inactive one only after it has held for `debounceMs`, so contact bounce
 * never produces a false release, and a press is never delayed.
 */
class GpioSwitch implements DigitalInputDevice {
  readonly kind = 'digital-input' as const;
  readonly id: string;
  readonly compatible: string;
  readonly role: SwitchRole;

  private readonly context: DeviceCreateContext<SwitchParams>;
  private readonly chipLabel: string;
  private readonly offset: number;
  private readonly activeLevel: GpioLevel;
  private readonly activeReason: string;
  private readonly tracker: HealthTracker;
  private readonly backoff = new Backoff({ initialMs: REOPEN_INITIAL_MS, maxMs: REOPEN_MAX_MS });
  private readonly changeListeners = new ListenerList<(state: DigitalInputState) => void>();
  private readonly count = { edges: 0, reads: 0, readErrors: 0, openFailures: 0, reopenAttempts: 0, activations: 0 };

  private current: DigitalInputState;
  private running = false;
  private lineState: LineState = 'closed';
  /** Bumped on every open, loss and stop, so edges and reads from an older line are ignored. */
  private generation = 0;
  private line: GpioLine | undefined;
  /** The last level seen, by edge or read, while the line works. */
  private rawLevel: GpioLevel | undefined;
  /** Edge reports so far; a read that an edge overtook is stale. */
  private edgeSeq = 0;
  private readInFlight = false;
  private releaseTimer: Cancel | undefined;
  private pollTimer: Cancel | undefined;
  private reopenTimer: Cancel | undefined;

  constructor(context: DeviceCreateContext<SwitchParams>, compatible: string, role: SwitchRole) {
    if (context.bus.kind !== 'gpio') {
      throw new Error(`device "${context.id}" (${compatible}) needs a gpio bus, got a ${context.bus.kind} bus`);
    }
    const offset = context.pins[SWITCH_INPUT_PIN];
    if (offset === undefined) {
      throw new Error(`device "${context.id}" (${compatible}): pins.${SWITCH_INPUT_PIN} is required (the input line)`);
    }
    const extra = Object.keys(context.pins).filter((pin) => pin !== SWITCH_INPUT_PIN);
    if (extra.length > 0) {
      throw new Error(
        `device "${context.id}" (${compatible}): unknown pin(s) ${extra.join(', ')}; a switch has only "in"`,
      );
    }
    this.context = context;
    this.id = context.id;
    this.compatible = compatible;
    this.role = role;
    this.chipLabel = context.bus.chipLabel;
    this.offset = offset;
    this.activeLevel = context.params.activeLow ? 0 : 1;
    this.activeReason =
      role === 'estop' && !context.params.activeLow ? SWITCH_REASONS.pressedOrOpen : SWITCH_REASONS.pressed;
    if (role === 'estop' && context.params.activeLow) {
      log('%s: e-stop configured active-low (normally-open): a cut wire will read released', this.id);
    }
    const nowUs = context.clock.nowUs();
    this.current = { active: true, reason: SWITCH_REASONS.notReadYet, stampUs: nowUs, known: false };
    this.tracker = new HealthTracker(nowUs);
  }

  health(): DeviceHealth {
    return this.tracker.get();
  }

  onHealthChange(listener: (health: DeviceHealth, previous: DeviceHealth) => void): Unsubscribe {
    return this.tracker.onChange(listener);
  }

  onChange(listener: (state: DigitalInputState) => void): Unsubscribe {
    return this.changeListeners.add(listener);
  }

  state(): DigitalInputState {
    return this.current;
  }

  /** `edges`, `reads`, `readErrors`, `openFailures`, `reopenAttempts`, `activations` (inactive → active). */
  counters(): Record<string, number> {
    return { ...this.count };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.backoff.reset();
    this.commit(true, SWITCH_REASONS.notReadYet);
    this.setHealth('starting', `opening ${this.chipLabel} line ${this.offset}`);
    this.pollTimer = this.context.clock.every(this.context.params.pollMs * US_PER_MS, () => void this.poll());
    await this.open();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.lineState = 'closed';
    this.rawLevel = undefined;
    this.cancelRelease();
    this.pollTimer?.();
    this.pollTimer = undefined;
    this.reopenTimer?.();
    this.reopenTimer = undefined;
    this.commit(true, SWITCH_REASONS.stopped);
    this.setHealth('stopped', '');
    const line = this.line;
    this.line = undefined;
    if (line) await closeQuietly(line);
  }

  private async open(): Promise<void> {
    if (!this.running || (this.lineState !== 'closed' && this.lineState !== 'waiting')) return;
    this.lineState = 'opening';
    const generation = ++this.generation;
    let line: GpioLine;
    try {
      line = await this.context.backends.gpio.open({
        chipLabel: this.chipLabel,
        line: this.offset,
        direction: 'in',
        edge: 'both',
        activeLow: false,
      });
    } catch (cause) {
      if (generation !== this.generation) return;
      this.count.openFailures++;
      this.lose(`cannot open ${this.chipLabel} line ${this.offset}: ${TransportError.from(cause, 'open').message}`);
      return;
    }
    if (generation !== this.generation) {
      await closeQuietly(line);
      return;
    }
    this.line = line;
    line.onEdge((level) => {
      if (generation !== this.generation) return;
      this.count.edges++;
      this.edgeSeq++;
      this.observe(level);
    });
    const level = await this.readLine(line, generation);
    if (level === undefined || generation !== this.generation) return;
    this.lineState = 'open';
    this.backoff.reset();
    log('%s: %s line %d open, level %d', this.id, this.chipLabel, this.offset, level);
    this.setHealth('ok', '');
  }

  private async poll(): Promise<void> {
    const line = this.line;
    if (this.lineState !== 'open' || !line || this.readInFlight) return;
    await this.readLine(line, this.generation);
  }

  /** Reads the line and feeds the level in unless an edge came meanwhile; a failure loses the line. */
  private async readLine(line: GpioLine, generation: number): Promise<GpioLevel | undefined> {
    const seq = this.edgeSeq;
    this.readInFlight = true;
    let level: GpioLevel;
    try {
      level = await line.read();
    } catch (cause) {
      if (generation !== this.generation) return undefined;
      this.count.readErrors++;
      this.lose(`cannot read ${this.chipLabel} line ${this.offset}: ${TransportError.from(cause, 'read').message}`);
      return undefined;
    } finally {
      this.readInFlight = false;
    }
    if (generation !== this.generation) return undefined;
    this.count.reads++;
    if (seq === this.edgeSeq) this.observe(level);
    return level;
  }

  /** A level seen on the working line: active at once, inactive once it held for `debounceMs`. */
  private observe(level: GpioLevel): void {
    const changed = level !== this.rawLevel;
    this.rawLevel = level;
    if (level === this.activeLevel) {
      this.cancelRelease();
      this.commit(true, this.activeReason);
      return;
    }
    if (!this.current.active) return;
    if (!changed && this.releaseTimer) return;
    this.cancelRelease();
    const debounceUs = this.context.params.debounceMs * US_PER_MS;
    if (debounceUs === 0) {
      this.commit(false, SWITCH_REASONS.released);
      return;
    }
    this.releaseTimer = this.context.clock.after(debounceUs, () => {
      this.releaseTimer = undefined;
      if (this.rawLevel !== undefined && this.rawLevel !== this.activeLevel)
        this.commit(false, SWITCH_REASONS.released);
    });
  }

  /** The line cannot be used: active (fail-safe), health failed, close it and reopen with backoff. */
  private lose(reason: string): void {
    if (!this.running) return;
    this.generation++;
    this.lineState = 'waiting';
    this.rawLevel = undefined;
    this.cancelRelease();
    this.commit(true, SWITCH_REASONS.lineLost);
    this.setHealth('failed', reason);
    const line = this.line;
    this.line = undefined;
    if (line) void closeQuietly(line);
    const delayMs = this.backoff.nextDelayMs();
    log('%s: %s; reopening in %d ms', this.id, reason, Math.round(delayMs));
    this.reopenTimer?.();
    this.reopenTimer = this.context.clock.after(delayMs * US_PER_MS, () => {
      this.reopenTimer = undefined;
      this.count.reopenAttempts++;
      void this.open();
    });
  }

  private cancelRelease(): void {
    this.releaseTimer?.();
    this.releaseTimer = undefined;
  }

  private commit(active: boolean, reason: string): void {
    if (this.current.active === active && this.current.reason === reason) return;
    if (active && !this.current.active) this.count.activations++;
    const known = reason !== SWITCH_REASONS.notReadYet && reason !== SWITCH_REASONS.stopped;
    this.current = { active, reason, stampUs: this.context.clock.nowUs(), known };
    log('%s: %s (%s)', this.id, active ? 'active' : 'inactive', reason);
    for (const listener of this.changeListeners) listener(this.current);
  }

  private setHealth(state: HealthState, reason: string): void {
    const previous = this.tracker.get();
    this.tracker.set(state, reason, this.context.clock.nowUs());
    if (previous.state !== state) log('%s: health %s -> %s %s', this.id, previous.state, state, reason);
  }
}

async function closeQuietly(line: GpioLine): Promise<void> {
  try {
    await line.close();
  } catch (cause) {
    log(
      'closing %s line %d failed: %s',
      line.spec.chipLabel,
      line.spec.line,
      TransportError.from(cause, 'close').message,
    );
  }
}

/** Widens a schema with defaults to the registry's `ZodType<TParams>` (its input is looser than its output). */
function registrySchema(schema: typeof estopSwitchParamsSchema): ZodType<SwitchParams> {
  return schema as ZodType<SwitchParams, ZodTypeDef, unknown> as ZodType<SwitchParams>;
}

const ESTOP_COMPATIBLE = 'generic,estop-switch';
/** A switch's one pin: `in`, its input line. */
const SWITCH_PINS = namedPins({ required: [SWITCH_INPUT_PIN] });
const BUMPER_COMPATIBLE = 'generic,bumper-switch';

/**
 * An emergency-stop button on one GPIO line (`pins: { in: <offset> }`), role `estop`. Wired
 * normally-closed to ground with a pull-up, so pressed and open-circuit both read HIGH = active
 * (`activeLow: false`, the default). Fail-safe: it reads active before the first read, when the
 * line cannot be opened or read ("line lost: treated as pressed", health `failed`, reopened with
 * backoff from 200 ms to 2 s) and after stop. Presses count at once, releases after `debounceMs`.
 */
export const estopSwitchModel: DeviceModel<SwitchParams, DigitalInputDevice> = {
  compatible: ESTOP_COMPATIBLE,
  kind: 'digital-input',
  description: 'Emergency-stop button on a GPIO line (normally-closed, fail-safe)',
  busKind: 'gpio',
  address: 'none',
  pins: SWITCH_PINS,
  paramsSchema: registrySchema(estopSwitchParamsSchema),
  create: (context) => new GpioSwitch(context, ESTOP_COMPATIBLE, 'estop'),
};

/**
 * A bumper microswitch on one GPIO line (`pins: { in: <offset> }`), role `bumper`: active while
 * pressed. Wired normally-open to ground with a pull-up (`activeLow: true`, the default). Like the
 * e-stop it reads active while its line cannot be read; presses count at once, releases after
 * `debounceMs`.
 */
export const bumperSwitchModel: DeviceModel<SwitchParams, DigitalInputDevice> = {
  compatible: BUMPER_COMPATIBLE,
  kind: 'digital-input',
  description: 'Bumper microswitch on a GPIO line (normally-open)',
  busKind: 'gpio',
  address: 'none',
  pins: SWITCH_PINS,
  paramsSchema: registrySchema(bumperSwitchParamsSchema),
  create: (context) => new GpioSwitch(context, BUMPER_COMPATIBLE, 'bumper'),
};
