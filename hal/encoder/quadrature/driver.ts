import createDebug from 'debug';
import type { ZodType, ZodTypeDef } from 'zod';
import type { Cancel } from '../../../time/clock.js';
import { US_PER_MS, US_PER_S } from '../../../time/clock.js';
import { Backoff } from '../../../time/backoff.js';
import { HealthTracker, type DeviceHealth, type HealthState } from '../../device-health.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import type { PinDeclaration } from '../../device-wiring.js';
import type { GpioLine } from '../../transport/gpio/api.js';
import { TransportError } from '../../transport/transport-error.js';
import type { EncoderDevice } from '../api.js';
import type { EncoderReading } from '../../../messages/encoder-reading.js';
import { QuadratureDecoder } from './codec.js';
import {
  channelInverted,
  metresPerCount,
  quadratureChannelsFromPins,
  quadratureEncoderParamsSchema,
  type QuadratureEncoderParams,
} from './params.js';
import type { Unsubscribe } from '../../listener-list.js';
import { ListenerList } from '../../listener-list.js';

const log = createDebug('spinal:hal:quadrature-encoder');

const COMPATIBLE = 'generic,quadrature-encoder';

/** First reopen delay after the lines failed, milliseconds. */
const REOPEN_INITIAL_MS = 500;
/** Longest reopen delay, milliseconds. */
const REOPEN_MAX_MS = 5_000;
/**
 * How often the lines are read to check they still answer, and the window over which missed
 * edges make the device `degraded`, microseconds.
 */
const CHECK_PERIOD_US = 1 * US_PER_S;

/** One counted wheel: its two lines and its decoder. */
interface Channel {
  readonly name: string;
  readonly lineA: number;
  readonly lineB: number;
  readonly decoder: QuadratureDecoder;
  /** -1 when the params invert this channel. */
  readonly sign: 1 | -1;
  /** Missed edges and invalid transitions counted up to the last check. */
  anomaliesAtCheck: number;
}

/**
 * The lines' life: `closed` (not started or stopped), `opening`, `open`, `waiting` (a reopen is
 * scheduled after a failure). closed → opening → open | waiting; open → waiting (a read
 * failed); waiting → opening; any → closed (stop).
 */
type LinesState = 'closed' | 'opening' | 'open' | 'waiting';

class QuadratureEncoder implements EncoderDevice {
  readonly kind = 'encoder' as const;
  readonly compatible = COMPATIBLE;
  readonly id: string;

  private readonly context: DeviceCreateContext<QuadratureEncoderParams>;
  private readonly chipLabel: string;
  private readonly channels: Channel[];
  private readonly metresPerCount: number;
  private readonly tracker: HealthTracker;
  private readonly backoff = new Backoff({ initialMs: REOPEN_INITIAL_MS, maxMs: REOPEN_MAX_MS });
  private readonly readingListeners = new ListenerList<(reading: EncoderReading) => void>();

  private running = false;
  private state: LinesState = 'closed';
  /** Bumped on every open, failure and stop, so edges and reads from older lines are ignored. */
  private generation = 0;
  private lines: GpioLine[] = [];
  private reopenTimer: Cancel | undefined;
  private publishTimer: Cancel | undefined;
  private checkTimer: Cancel | undefined;
  private checkInFlight = false;
  private last: EncoderReading | null = null;
  private edges = 0;
  private readErrors = 0;
  private reopenAttempts = 0;

  constructor(context: DeviceCreateContext<QuadratureEncoderParams>) {
    if (context.bus.kind !== 'gpio') {
      throw new Error(`device "${context.id}" (${COMPATIBLE}) needs a gpio bus, got a ${context.bus.kind} bus`);
    }
    let pins;
    try {
      pins = quadratureChannelsFromPins(context.pins);
    } catch (error) {
      throw new Error(`device "${context.id}" (${COMPATIBLE}): ${(error as Error).message}`);
    }
    this.context = context;
    this.id = context.id;
    this.chipLabel = context.bus.chipLabel;
    this.metresPerCount = metresPerCount(context.params);
    this.channels = pins.map((pin) => ({
      ...pin,
      decoder: new QuadratureDecoder(),
      sign: channelInverted(context.params, pin.name) ? -1 : 1,
      anomaliesAtCheck: 0,
    }));
    this.tracker = new HealthTracker(context.clock.nowUs());
  }

  health(): DeviceHealth {
    return this.tracker.get();
  }

  onHealthChange(listener: (health: DeviceHealth, previous: DeviceHealth) => void): Unsubscribe {
    return this.tracker.onChange(listener);
  }

  channelNames(): string[] {
    return this.channels.map((channel) => channel.name);
  }

  onReading(listener: (reading: EncoderReading) => void): Unsubscribe {
    return this.readingListeners.add(listener);
  }

  lastReading(): EncoderReading | null {
    return this.last;
  }

  /**
   * `edges` (edge reports received), `steps` (edges counted), `missedEdges` (reports repeating
   * the known level), `invalidTransitions`, `readErrors`, `reopenAttempts`; summed over channels.
   */
  counters(): Record<string, number> {
    let steps = 0;
    let missedEdges = 0;
    let invalidTransitions = 0;
    for (const channel of this.channels) {
      const counted = channel.decoder.counters();
      steps += counted.steps;
      missedEdges += counted.repeatedLevels;
      invalidTransitions += counted.invalidTransitions;
    }
    return {
      edges: this.edges,
      steps,
      missedEdges,
      invalidTransitions,
      readErrors: this.readErrors,
      reopenAttempts: this.reopenAttempts,
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.backoff.reset();
    this.setHealth('starting', `opening the encoder lines on ${this.chipLabel}`);
    const periodUs = Math.max(1, Math.round(US_PER_S / this.context.params.publishHz));
    this.publishTimer = this.context.clock.every(periodUs, () => this.publish());
    this.checkTimer = this.context.clock.every(CHECK_PERIOD_US, () => void this.check());
    await this.open();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.state = 'closed';
    this.reopenTimer?.();
    this.reopenTimer = undefined;
    this.publishTimer?.();
    this.publishTimer = undefined;
    this.checkTimer?.();
    this.checkTimer = undefined;
    this.setHealth('stopped', '');
    await closeAll(this.takeLines());
  }

  private async open(): Promise<void> {
    if (!this.running || (this.state !== 'closed' && this.state !== 'waiting')) return;
    this.state = 'opening';
    const generation = ++this.generation;
    for (const channel of this.channels) channel.decoder.unsync();
    const opened: GpioLine[] = [];
    let step = 'open';
    let offset = -1;
    try {
      for (const channel of this.channels) {
        offset = channel.lineA;
        const a = await this.openLine(channel.lineA, generation, (level) => channel.decoder.edgeA(level));
        opened.push(a);
        if (generation !== this.generation) break;
        offset = channel.lineB;
        const b = await this.openLine(channel.lineB, generation, (level) => channel.decoder.edgeB(level));
        opened.push(b);
        if (generation !== this.generation) break;
      }
      if (generation !== this.generation) {
        await closeAll(opened);
        return;
      }
      step = 'read';
      for (let i = 0; i < this.channels.length; i++) {
        const channel = this.channels[i] as Channel;
        offset = channel.lineA;
        const a = await (opened[2 * i] as GpioLine).read();
        offset = channel.lineB;
        const b = await (opened[2 * i + 1] as GpioLine).read();
        if (generation !== this.generation) break;
        channel.decoder.seedA(a);
        channel.decoder.seedB(b);
      }
    } catch (cause) {
      await closeAll(opened);
      if (generation !== this.generation) return;
      if (step === 'read') this.readErrors++;
      this.fail(`cannot ${step} ${this.chipLabel} line ${offset}: ${TransportError.from(cause, step).message}`);
      return;
    }
    if (generation !== this.generation) {
      await closeAll(opened);
      return;
    }
    this.lines = opened;
    this.state = 'open';
    for (const channel of this.channels) channel.anomaliesAtCheck = anomalies(channel.decoder);
    log('%s: %d line(s) open on %s', this.id, opened.length, this.chipLabel);
    this.setHealth('ok', '');
  }

  private async openLine(line: number, generation: number, onLevel: (level: number) => void): Promise<GpioLine> {
    const gpio = await this.context.backends.gpio.open({
      chipLabel: this.chipLabel,
      line,
      direction: 'in',
      edge: 'both',
    });
    gpio.onEdge((level) => {
      if (generation !== this.generation) return;
      this.edges++;
      onLevel(level);
    });
    return gpio;
  }

  /** Once a second: are the lines still readable, and were edges missed since the last look? */
  private async check(): Promise<void> {
    if (this.state !== 'open' || this.checkInFlight) return;
    const generation = this.generation;
    this.checkInFlight = true;
    try {
      for (const line of this.lines) await line.read();
    } catch (cause) {
      if (generation !== this.generation) return;
      this.readErrors++;
      this.fail(`cannot read the encoder lines on ${this.chipLabel}: ${TransportError.from(cause, 'read').message}`);
      return;
    } finally {
      this.checkInFlight = false;
    }
    if (generation !== this.generation || this.state !== 'open') return;
    const missed: string[] = [];
    for (const channel of this.channels) {
      const now = anomalies(channel.decoder);
      if (now > channel.anomaliesAtCheck) missed.push(`${channel.name} ${now - channel.anomaliesAtCheck}`);
      channel.anomaliesAtCheck = now;
    }
    if (missed.length === 0) {
      this.setHealth('ok', '');
      return;
    }
    this.setHealth(
      'degraded',
      `edges missed in the last ${CHECK_PERIOD_US / US_PER_MS} ms (${missed.join(', ')}): the counts may be off; ` +
        'the edges come faster than the GPIO events can follow, or the lines pick up noise',
    );
  }

  private publish(): void {
    if (this.state !== 'open') return;
    const counts: Record<string, number> = {};
    const travelM: Record<string, number> = {};
    for (const channel of this.channels) {
      const count = channel.sign * channel.decoder.position();
      counts[channel.name] = count;
      travelM[channel.name] = count * this.metresPerCount;
    }
    const reading: EncoderReading = { counts, travelM, stampUs: this.context.clock.nowUs() };
    this.last = reading;
    for (const listener of this.readingListeners) listener(reading);
  }

  /** Marks the device failed, closes the lines and schedules a reopen with backoff. */
  private fail(reason: string): void {
    if (!this.running) return;
    this.generation++;
    this.state = 'waiting';
    this.setHealth('failed', reason);
    void closeAll(this.takeLines());
    const delayMs = this.backoff.nextDelayMs();
    log('%s: %s; reopening in %d ms', this.id, reason, Math.round(delayMs));
    this.reopenTimer?.();
    this.reopenTimer = this.context.clock.after(delayMs * US_PER_MS, () => {
      this.reopenTimer = undefined;
      this.reopenAttempts++;
      void this.open().then(() => {
        if (this.state === 'open') this.backoff.reset();
      });
    });
  }

  private takeLines(): GpioLine[] {
    const lines = this.lines;
    this.lines = [];
    return lines;
  }

  private setHealth(state: HealthState, reason: string): void {
    const previous = this.tracker.get();
    this.tracker.set(state, reason, this.context.clock.nowUs());
    if (previous.state !== state) log('%s: health %s -> %s %s', this.id, previous.state, state, reason);
  }
}

function anomalies(decoder: QuadratureDecoder): number {
  const { repeatedLevels, invalidTransitions } = decoder.counters();
  return repeatedLevels + invalidTransitions;
}

async function closeAll(lines: GpioLine[]): Promise<void> {
  for (const line of lines) {
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
}

/**
 * The registry declares `paramsSchema` as `ZodType<TParams>`, whose input type is its output type;
 * a schema with defaults accepts a looser input (fields may be missing), so it is widened here.
 */
const paramsSchema = quadratureEncoderParamsSchema as ZodType<
  QuadratureEncoderParams,
  ZodTypeDef,
  unknown
> as ZodType<QuadratureEncoderParams>;

/** Two lines per channel: `<channel>A` and `<channel>B`, as `quadratureChannelsFromPins` reads them. */
const QUADRATURE_PINS: PinDeclaration = { kind: 'paired', suffixes: ['A', 'B'], example: '{ leftA: 17, leftB: 18 }' };

/**
 * Quadrature wheel encoders on GPIO: two lines per wheel (`<channel>A`, `<channel>B` in `pins`),
 * both edges of both lines reported by the GPIO transport, counted ×4 (every edge is a count,
 * A leading B counts up). Readings (counts and wheel travel in metres, per channel) go to
 * listeners at `publishHz`. A line that cannot be opened or read makes the device `failed`; it
 * closes the lines and reopens them with backoff (500 ms growing to 5 s), keeping the counts
 * (edges during the outage are lost). Edge reports that show a missed edge make it `degraded`
 * for the next check (every second). A software decoder on Linux GPIO events follows a few
 * thousand edges a second; faster encoders belong on a hardware counter.
 * Board config: `compatible: generic,quadrature-encoder` on a `gpio` bus.
 */
export const quadratureEncoderModel: DeviceModel<QuadratureEncoderParams, EncoderDevice> = {
  compatible: COMPATIBLE,
  kind: 'encoder',
  description: 'Quadrature wheel encoders on GPIO lines (A/B per wheel, ×4 decoding)',
  busKind: 'gpio',
  address: 'none',
  pins: QUADRATURE_PINS,
  paramsSchema,
  create: (context) => new QuadratureEncoder(context),
};
