import createDebug from 'debug';
import type { ZodType, ZodTypeDef } from 'zod';
import type { Cancel, Clock } from '../../../time/clock.js';
import { US_PER_MS } from '../../../time/clock.js';
import { Backoff } from '../../../time/backoff.js';
import { HealthTracker, type DeviceHealth, type HealthState } from '../../device-health.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import { NO_PINS } from '../../device-wiring.js';
import { checkI2cAddress, type I2cBus } from '../../transport/i2c/api.js';
import { RetryingI2cDevice, type I2cLinkHealth } from '../../transport/i2c/retrying-i2c-device.js';
import { ResilientSerialPort } from '../../transport/serial/resilient-serial-port.js';
import { TransportError } from '../../transport/transport-error.js';
import type { RangeDevice, RangeMount, RangeReading, RangeStatus } from '../api.js';
import {
  TFMINI_S_COMMAND,
  TFMINI_S_DEFAULT_I2C_ADDRESS,
  TFMINI_S_FRAME_LENGTH,
  TFMINI_S_OUTPUT_FORMAT,
  TfminiSDecoder,
  decodeTfminiSFrame,
  frameRateCommand,
  obtainDataFrameCommand,
  outputEnableCommand,
  outputFormatCommand,
  payloadValue,
  type TfminiSCommandFrame,
  type TfminiSFrame,
} from './codec.js';
import {
  tfminiSI2cParamsSchema,
  tfminiSSerialParamsSchema,
  type TfminiSI2cParams,
  type TfminiSSerialParams,
} from './params.js';

const log = createDebug('spinal:hal:tfmini-s');

const SERIAL_COMPATIBLE = 'benewake,tfmini-s';
const I2C_COMPATIBLE = 'benewake,tfmini-s-i2c';

/**
 * How long the serial driver waits for the answer to a command, milliseconds. The manual gives
 * 100 ms for a command to be processed (§5.6); on the UART the answer then follows at once.
 */
const COMMAND_REPLY_TIMEOUT_MS = 100;
/** Times a configuration command is sent before it counts as unconfirmed. */
const COMMAND_ATTEMPTS = 3;
/** I2C: wait between a configuration command and the read of its answer, microseconds (§5.6: 100 ms). */
const CONFIG_REPLY_WAIT_US = 100_000;
/**
 * I2C: wait between the obtain-data-frame command and the read of the frame, microseconds. The
 * manual (§5.6) has the master let a command be processed before it reads; this one is answered
 * from the last measurement, so 1 ms is enough.
 */
const DATA_FRAME_READ_DELAY_US = 1_000;
/** Bytes of the answer to a frame rate command, `5A 06 03 LL HH SU` (Table 12). */
const FRAME_RATE_REPLY_LENGTH = 6;
/** No valid frame for this long marks the device failed, at least, milliseconds; or 5 frame periods when longer. */
const NO_DATA_MIN_TIMEOUT_MS = 500;
const NO_DATA_TIMEOUT_PERIODS = 5;
/** How often the no-data watchdog looks, microseconds. */
const WATCHDOG_PERIOD_US = 100_000;
/** I2C bus reopen delays, milliseconds. */
const REOPEN_INITIAL_MS = 500;
const REOPEN_MAX_MS = 5_000;
/** I2C errors after which the bus handle itself is suspect and is reopened. */
const REOPEN_ON: ReadonlySet<string> = new Set(['ENXIO', 'EBADF', 'ECLOSED', 'ENOENT']);

/** How long without a valid frame counts as "no data" at `frameRateHz`, microseconds. */
function noDataTimeoutUs(frameRateHz: number): number {
  return Math.max(NO_DATA_MIN_TIMEOUT_MS * US_PER_MS, (NO_DATA_TIMEOUT_PERIODS * 1e6) / frameRateHz);
}

/**
 * A frame as a range reading: the sensor's codes become statuses (−1 weak signal, −2 and −4
 * saturated, any other negative code out-of-range), a distance weaker than `minStrength` is a
 * weak signal, and only an `ok` reading has a distance (centimetres to metres).
 */
export function readingFromFrame(frame: TfminiSFrame, minStrength: number, stampUs: number): RangeReading {
  let status: RangeStatus;
  switch (frame.status) {
    case 'ok':
      status = frame.strength < minStrength ? 'weak-signal' : 'ok';
      break;
    case 'weak-signal':
      status = 'weak-signal';
      break;
    case 'signal-saturated':
    case 'ambient-saturated':
      status = 'saturated';
      break;
    case 'unknown-code':
      status = 'out-of-range';
      break;
  }
  return { distanceM: status === 'ok' ? frame.distance / 100 : NaN, strength: frame.strength, status, stampUs };
}

/** What both TFmini-S drivers share: health, readings and their listeners, the mount. */
abstract class TfminiSRangeSensor implements RangeDevice {
  readonly kind = 'range' as const;
  readonly id: string;
  abstract readonly compatible: string;

  protected readonly clock: Clock;
  protected readonly tracker: HealthTracker;
  protected readonly readingCounts = { readingsOk: 0, weakSignal: 0, saturated: 0, outOfRange: 0 };
  private readonly listeners: Array<(reading: RangeReading) => void> = [];
  private readonly mountPose: RangeMount;
  private readonly minStrength: number;
  private last: RangeReading | null = null;

  protected constructor(context: DeviceCreateContext<{ mount: RangeMount; minStrength: number }>) {
    this.id = context.id;
    this.clock = context.clock;
    this.mountPose = { ...context.params.mount };
    this.minStrength = context.params.minStrength;
    this.tracker = new HealthTracker(context.clock.nowUs());
  }

  abstract counters(): Record<string, number>;
  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  health(): DeviceHealth {
    return this.tracker.get();
  }

  onHealthChange(listener: (health: DeviceHealth, previous: DeviceHealth) => void): void {
    this.tracker.onChange(listener);
  }

  onReading(listener: (reading: RangeReading) => void): void {
    this.listeners.push(listener);
  }

  lastReading(): RangeReading | null {
    return this.last;
  }

  mount(): RangeMount {
    return { ...this.mountPose };
  }

  protected emitFrame(frame: TfminiSFrame): void {
    const reading = readingFromFrame(frame, this.minStrength, this.clock.nowUs());
    switch (reading.status) {
      case 'ok':
        this.readingCounts.readingsOk++;
        break;
      case 'weak-signal':
        this.readingCounts.weakSignal++;
        break;
      case 'saturated':
        this.readingCounts.saturated++;
        break;
      case 'out-of-range':
        this.readingCounts.outOfRange++;
        break;
    }
    this.last = reading;
    for (const listener of this.listeners) listener(reading);
  }

  protected setHealth(state: HealthState, reason: string): void {
    const previous = this.tracker.get();
    this.tracker.set(state, reason, this.clock.nowUs());
    if (previous.state !== state) log('%s: health %s -> %s %s', this.id, previous.state, state, reason);
  }
}

/** One configuration command, what it sets in plain words, and how its answer confirms it. */
interface ConfigStep {
  what: string;
  id: number;
  bytes: Uint8Array;
  confirms(answer: TfminiSCommandFrame): boolean;
}

function serialConfigSteps(frameRateHz: number): ConfigStep[] {
  return [
    {
      what: 'standard frames in cm',
      id: TFMINI_S_COMMAND.outputFormat,
      bytes: outputFormatCommand(TFMINI_S_OUTPUT_FORMAT.standardCm),
      confirms: (answer) => answer.payload[0] === TFMINI_S_OUTPUT_FORMAT.standardCm,
    },
    {
      what: `frame rate ${frameRateHz} Hz`,
      id: TFMINI_S_COMMAND.frameRate,
      bytes: frameRateCommand(frameRateHz),
      confirms: (answer) => payloadValue(answer.payload) === frameRateHz,
    },
    {
      what: 'output on',
      id: TFMINI_S_COMMAND.outputEnable,
      bytes: outputEnableCommand(true),
      confirms: (answer) => answer.payload[0] === 1,
    },
  ];
}

interface ReplyWaiter {
  id: number;
  settle(answer: TfminiSCommandFrame | undefined): void;
}

/**
 * A TFmini-S on a UART. At every (re)open it sends three commands, each up to three times until
 * the sensor echoes it: standard frames in cm, the configured frame rate, output on. Nothing is
 * saved to the sensor's flash: the settings are sent again after every reopen instead. Every data
 * frame becomes a {@link RangeReading}.
 *
 * Health: `starting` until the first valid frame after an open; `ok` while valid frames arrive;
 * `degraded` when frames arrive but the sensor did not confirm a setting; `failed` when the port
 * cannot be opened or goes away (the port reopens by itself with backoff) or when no valid frame
 * has come for 5 frame periods (at least 500 ms).
 */
class TfminiSSerialSensor extends TfminiSRangeSensor {
  readonly compatible = SERIAL_COMPATIBLE;

  private readonly params: TfminiSSerialParams;
  private readonly path: string;
  private readonly port: ResilientSerialPort;
  private readonly decoder = new TfminiSDecoder();
  private readonly timeoutUs: number;

  private running = false;
  private portState: 'opening' | 'up' | 'down' = 'opening';
  private downReason = '';
  /** Bumped on every open, outage and stop, so a configuration from an older connection stops. */
  private generation = 0;
  private configuring = false;
  private unconfirmed: string[] = [];
  private framesSinceOpen = 0;
  private lastGoodOrOpenUs = 0;
  private bytesReceived = 0;
  /** Bytes of valid answers to commands, which say nothing about the data frames. */
  private replyBytes = 0;
  /** Bytes received, answers left out, at the last good frame or open. */
  private bytesAtLastGoodOrOpen = 0;
  private noDataReason = '';
  private waiter: ReplyWaiter | undefined;
  private watchdog: Cancel | undefined;
  private readonly commandCounts = { commandsSent: 0, commandTimeouts: 0, unexpectedReplies: 0 };

  constructor(context: DeviceCreateContext<TfminiSSerialParams>) {
    super(context);
    if (context.bus.kind !== 'serial') {
      throw new Error(
        `device "${context.id}" (${SERIAL_COMPATIBLE}) needs a serial bus, got a ${context.bus.kind} bus`,
      );
    }
    this.params = context.params;
    this.path = context.bus.path;
    this.timeoutUs = noDataTimeoutUs(context.params.frameRateHz);
    this.port = new ResilientSerialPort({
      backend: context.backends.serial,
      path: this.path,
      baudRate: context.params.baudRate,
      clock: context.clock,
      onData: (bytes) => this.handleData(bytes),
      onOpen: () => this.handleOpen(),
      onDown: (reason) => this.handleDown(reason),
    });
  }

  /**
   * `frames`, `commandReplies`, `badChecksums`, `droppedBytes`, `bytesReceived` (decoding);
   * `commandsSent`, `commandTimeouts`, `unexpectedReplies` (configuration); `opens`,
   * `openFailures`, `unexpectedCloses`, `writeErrors` (the port); `readingsOk`, `weakSignal`,
   * `saturated`, `outOfRange` (readings by status).
   */
  counters(): Record<string, number> {
    const decoded = this.decoder.counters();
    return {
      frames: decoded.frames,
      commandReplies: decoded.commands,
      badChecksums: decoded.badChecksums,
      droppedBytes: decoded.droppedBytes,
      bytesReceived: this.bytesReceived,
      ...this.commandCounts,
      ...this.port.counters(),
      ...this.readingCounts,
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.portState = 'opening';
    this.refreshHealth();
    this.watchdog = this.clock.every(WATCHDOG_PERIOD_US, () => this.checkDataFlow());
    await this.port.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.watchdog?.();
    this.watchdog = undefined;
    this.settleWaiter(undefined);
    this.configuring = false;
    await this.port.stop();
    this.refreshHealth();
  }

  private handleOpen(): void {
    const generation = ++this.generation;
    this.portState = 'up';
    this.downReason = '';
    this.decoder.reset();
    this.framesSinceOpen = 0;
    this.noDataReason = '';
    this.unconfirmed = [];
    this.lastGoodOrOpenUs = this.clock.nowUs();
    this.bytesAtLastGoodOrOpen = this.bytesReceived - this.replyBytes;
    this.refreshHealth();
    void this.configure(generation);
  }

  private handleDown(reason: string): void {
    this.generation++;
    this.portState = 'down';
    this.downReason = reason;
    this.configuring = false;
    this.settleWaiter(undefined);
    this.refreshHealth();
  }

  private handleData(bytes: Uint8Array): void {
    if (!this.running) return;
    this.bytesReceived += bytes.length;
    for (const message of this.decoder.push(bytes)) {
      if (message.kind === 'frame') {
        this.handleFrame(message.frame);
        continue;
      }
      this.replyBytes += message.command.payload.length + 4;
      if (this.waiter && this.waiter.id === message.command.id) this.settleWaiter(message.command);
      else this.commandCounts.unexpectedReplies++;
    }
  }

  private handleFrame(frame: TfminiSFrame): void {
    this.framesSinceOpen++;
    this.lastGoodOrOpenUs = this.clock.nowUs();
    this.bytesAtLastGoodOrOpen = this.bytesReceived - this.replyBytes;
    this.noDataReason = '';
    this.refreshHealth();
    this.emitFrame(frame);
  }

  /** Sends the configuration; settings the sensor does not confirm make the device degraded. */
  private async configure(generation: number): Promise<void> {
    this.configuring = true;
    const unconfirmed: string[] = [];
    for (const step of serialConfigSteps(this.params.frameRateHz)) {
      const confirmed = await this.exchange(step, generation);
      if (generation !== this.generation) return;
      if (!confirmed) unconfirmed.push(step.what);
    }
    this.configuring = false;
    this.unconfirmed = unconfirmed;
    if (unconfirmed.length > 0) log('%s: the sensor did not confirm %s', this.id, unconfirmed.join(', '));
    else log('%s: configured: frame rate %d Hz', this.id, this.params.frameRateHz);
    this.refreshHealth();
  }

  /** Sends one command until its answer arrives (at most {@link COMMAND_ATTEMPTS} times); true when it confirms. */
  private async exchange(step: ConfigStep, generation: number): Promise<boolean> {
    for (let attempt = 1; attempt <= COMMAND_ATTEMPTS; attempt++) {
      const answer = this.awaitReply(step.id);
      try {
        await this.port.write(step.bytes);
        this.commandCounts.commandsSent++;
      } catch (cause) {
        log('%s: %s: %s', this.id, step.what, TransportError.from(cause, 'write').message);
        this.settleWaiter(undefined);
        return false;
      }
      const reply = await answer;
      if (generation !== this.generation) return false;
      if (reply) return step.confirms(reply);
      this.commandCounts.commandTimeouts++;
    }
    return false;
  }

  /** Resolves with the next command frame of identifier `id`, or undefined after the reply timeout. */
  private awaitReply(id: number): Promise<TfminiSCommandFrame | undefined> {
    this.settleWaiter(undefined);
    return new Promise((resolve) => {
      let cancelTimer: Cancel = () => undefined;
      const waiter: ReplyWaiter = {
        id,
        settle: (answer) => {
          cancelTimer();
          if (this.waiter === waiter) this.waiter = undefined;
          resolve(answer);
        },
      };
      this.waiter = waiter;
      cancelTimer = this.clock.after(COMMAND_REPLY_TIMEOUT_MS * US_PER_MS, () => waiter.settle(undefined));
    });
  }

  private settleWaiter(answer: TfminiSCommandFrame | undefined): void {
    this.waiter?.settle(answer);
  }

  /** With the port open but no valid frame for a while, says so (and what may be wrong) without closing it. */
  private checkDataFlow(): void {
    if (this.portState !== 'up') return;
    const silentUs = this.clock.nowUs() - this.lastGoodOrOpenUs;
    if (silentUs < this.timeoutUs) return;
    const hint =
      this.bytesReceived - this.replyBytes > this.bytesAtLastGoodOrOpen
        ? `bytes arrive but none form a valid frame (is ${this.params.baudRate} baud right?)`
        : 'nothing arrives (is the sensor powered, and its TX wired to our RX?)';
    this.noDataReason = `no valid frame from ${this.path} for over ${Math.round(this.timeoutUs / US_PER_MS)} ms: ${hint}`;
    this.refreshHealth();
  }

  private refreshHealth(): void {
    if (!this.running) return this.setHealth('stopped', '');
    if (this.portState === 'opening') return this.setHealth('starting', `opening ${this.path}`);
    if (this.portState === 'down') return this.setHealth('failed', this.downReason);
    if (this.noDataReason) return this.setHealth('failed', this.noDataReason);
    if (this.framesSinceOpen === 0) return this.setHealth('starting', `${this.path} open, waiting for frames`);
    if (!this.configuring && this.unconfirmed.length > 0) {
      return this.setHealth('degraded', `the sensor did not confirm: ${this.unconfirmed.join(', ')}`);
    }
    this.setHealth('ok', '');
  }
}

/**
 * A TFmini-S switched to I2C mode. At start, and again after the sensor has stopped answering
 * for a while (it may have lost power), it sets the frame rate (`5A 06 03 …`, answer read 100 ms
 * later, §5.6); then, every 1/`frameRateHz` s, it writes the obtain-data-frame command
 * `5A 05 00 01 60` and reads the 9-byte frame 1 ms later. A poll that falls due while the
 * previous one is still on the bus runs as soon as it ends, so none are lost to lock-step timing.
 *
 * Health: `starting` until the first valid frame; `ok` while they come; `degraded` after failed
 * transactions (each retried twice at once) or when the sensor did not confirm the frame rate;
 * `failed` after 3 failed transactions in a row, when the bus cannot be opened (it is reopened
 * with backoff, 500 ms growing to 5 s) or when no valid frame has come for 5 frame periods (at
 * least 500 ms). The next good transaction brings it back by itself.
 */
class TfminiSI2cSensor extends TfminiSRangeSensor {
  readonly compatible = I2C_COMPATIBLE;

  private readonly context: DeviceCreateContext<TfminiSI2cParams>;
  private readonly path: string;
  private readonly address: number;
  private readonly timeoutUs: number;
  private readonly backoff = new Backoff({ initialMs: REOPEN_INITIAL_MS, maxMs: REOPEN_MAX_MS });

  private running = false;
  private generation = 0;
  private busState: 'opening' | 'open' | 'down' = 'opening';
  private downReason = '';
  private bus: I2cBus | undefined;
  private link: RetryingI2cDevice | undefined;
  /** What the retrying link said after the last transaction. */
  private linkState: I2cLinkHealth['state'] = 'ok';
  /** The last transaction error, in plain words. */
  private lastError = '';
  private needsConfigure = true;
  private frameRateConfirmed: boolean | undefined;
  private busy = false;
  private cycleRequested = false;
  private framesSinceConnect = 0;
  private lastGoodOrConnectUs = 0;
  private badFramesAtLastGood = 0;
  private pollTimer: Cancel | undefined;
  private watchdog: Cancel | undefined;
  private reconnectTimer: Cancel | undefined;
  private readonly counts = {
    frames: 0,
    badFrames: 0,
    polls: 0,
    pollsCoalesced: 0,
    failedTransactions: 0,
    configAttempts: 0,
    busOpenFailures: 0,
    busReopens: 0,
  };
  /** Bus counters of the links dropped at reopens. */
  private readonly pastLinkCounts = { transactions: 0, retries: 0, errors: 0 };

  constructor(context: DeviceCreateContext<TfminiSI2cParams>) {
    super(context);
    if (context.bus.kind !== 'i2c') {
      throw new Error(`device "${context.id}" (${I2C_COMPATIBLE}) needs an i2c bus, got a ${context.bus.kind} bus`);
    }
    const address = context.address ?? TFMINI_S_DEFAULT_I2C_ADDRESS;
    checkI2cAddress(address);
    this.context = context;
    this.path = context.bus.path;
    this.address = address;
    this.timeoutUs = noDataTimeoutUs(context.params.frameRateHz);
  }

  /**
   * `frames`, `badFrames` (checksum or header wrong), `polls`, `pollsCoalesced`,
   * `failedTransactions`, `configAttempts`, `busOpenFailures`, `busReopens`; `transactions`,
   * `retries`, `errors` (the bus, summed over reopens of it); `readingsOk`, `weakSignal`,
   * `saturated`, `outOfRange` (readings by status).
   */
  counters(): Record<string, number> {
    return { ...this.counts, ...this.linkCounts(), ...this.readingCounts };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const generation = ++this.generation;
    this.busState = 'opening';
    this.refreshHealth();
    this.watchdog = this.clock.every(WATCHDOG_PERIOD_US, () => this.refreshHealth());
    this.pollTimer = this.clock.every(1e6 / this.context.params.frameRateHz, () => this.requestCycle());
    await this.connect(generation);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    for (const cancel of [this.pollTimer, this.watchdog, this.reconnectTimer]) cancel?.();
    this.pollTimer = this.watchdog = this.reconnectTimer = undefined;
    await this.dropBus();
    this.refreshHealth();
  }

  private linkCounts(): { transactions: number; retries: number; errors: number } {
    const now = this.link?.counters() ?? { transactions: 0, retries: 0, errors: 0 };
    return {
      transactions: this.pastLinkCounts.transactions + now.transactions,
      retries: this.pastLinkCounts.retries + now.retries,
      errors: this.pastLinkCounts.errors + now.errors,
    };
  }

  private async connect(generation: number): Promise<void> {
    let bus: I2cBus;
    try {
      bus = await this.context.backends.i2c.open(this.path);
    } catch (cause) {
      if (generation !== this.generation) return;
      this.counts.busOpenFailures++;
      this.busDown(`cannot open ${this.path}: ${TransportError.from(cause, 'open').message}`);
      return;
    }
    if (generation !== this.generation) {
      await bus.close().catch(() => undefined);
      return;
    }
    this.bus = bus;
    this.link = new RetryingI2cDevice(bus, this.address, (health) => this.handleLinkHealth(health));
    this.linkState = 'ok';
    this.busState = 'open';
    this.needsConfigure = true;
    this.framesSinceConnect = 0;
    this.lastGoodOrConnectUs = this.clock.nowUs();
    this.badFramesAtLastGood = this.counts.badFrames;
    log('%s: %s open, sensor at 0x%s', this.id, this.path, this.address.toString(16));
    this.refreshHealth();
    this.requestCycle();
  }

  /** The bus is unusable: says why, closes it and schedules a reopen with backoff. */
  private busDown(reason: string): void {
    const generation = ++this.generation;
    this.busState = 'down';
    this.downReason = reason;
    void this.dropBus();
    this.refreshHealth();
    const delayMs = this.backoff.nextDelayMs();
    log('%s: %s; reopening in %d ms', this.id, reason, Math.round(delayMs));
    this.reconnectTimer?.();
    this.reconnectTimer = this.clock.after(delayMs * US_PER_MS, () => {
      this.reconnectTimer = undefined;
      this.counts.busReopens++;
      void this.connect(generation);
    });
  }

  private async dropBus(): Promise<void> {
    const bus = this.bus;
    const link = this.link;
    this.bus = undefined;
    this.link = undefined;
    if (link) {
      const counts = link.counters();
      this.pastLinkCounts.transactions += counts.transactions;
      this.pastLinkCounts.retries += counts.retries;
      this.pastLinkCounts.errors += counts.errors;
    }
    if (bus) await bus.close().catch((cause: unknown) => log('%s: close: %o', this.id, cause));
  }

  /**
   * A failure is followed at once by {@link transactionFailed}, which refreshes the health with
   * the error; the reason leaves out the link's running count, so that a sensor that stays
   * silent changes its health once, not at every poll.
   */
  private handleLinkHealth(health: I2cLinkHealth): void {
    const wasOk = this.linkState === 'ok';
    this.linkState = health.state;
    if (health.state === 'failed') this.needsConfigure = true;
    if (health.state !== 'ok') return;
    // Answering again: the silence before was the link's, already reported; frames follow.
    if (!wasOk) this.lastGoodOrConnectUs = this.clock.nowUs();
    this.refreshHealth();
  }

  /** A poll (or the configuration) is due: runs it now, or right after the one still on the bus. */
  private requestCycle(): void {
    if (!this.running || this.busState !== 'open') return;
    if (this.busy) {
      if (!this.cycleRequested) this.counts.pollsCoalesced++;
      this.cycleRequested = true;
      return;
    }
    void this.runCycles(this.generation);
  }

  private async runCycles(generation: number): Promise<void> {
    this.busy = true;
    try {
      do {
        this.cycleRequested = false;
        if (this.needsConfigure) await this.configure(generation);
        else await this.pollOnce(generation);
      } while (this.cycleRequested && generation === this.generation && this.busState === 'open');
    } finally {
      this.busy = false;
    }
  }

  private async configure(generation: number): Promise<void> {
    const link = this.link;
    if (!link) return;
    const hz = this.context.params.frameRateHz;
    this.counts.configAttempts++;
    try {
      await link.write(frameRateCommand(hz));
      await this.wait(CONFIG_REPLY_WAIT_US);
      if (generation !== this.generation) return;
      const answer = new TfminiSDecoder()
        .push(await link.read(FRAME_RATE_REPLY_LENGTH))
        .find((message) => message.kind === 'command');
      if (generation !== this.generation) return;
      const echoed = answer?.kind === 'command' ? answer.command : undefined;
      this.frameRateConfirmed = echoed?.id === TFMINI_S_COMMAND.frameRate && payloadValue(echoed.payload) === hz;
      this.needsConfigure = false;
      if (this.frameRateConfirmed) log('%s: frame rate %d Hz', this.id, hz);
      else log('%s: the sensor did not confirm frame rate %d Hz', this.id, hz);
    } catch (cause) {
      if (generation === this.generation) this.transactionFailed(cause);
    }
    this.refreshHealth();
  }

  private async pollOnce(generation: number): Promise<void> {
    const link = this.link;
    if (!link) return;
    this.counts.polls++;
    try {
      await link.write(obtainDataFrameCommand('cm'));
      await this.wait(DATA_FRAME_READ_DELAY_US);
      if (generation !== this.generation) return;
      const bytes = await link.read(TFMINI_S_FRAME_LENGTH);
      if (generation !== this.generation) return;
      const frame = decodeTfminiSFrame(bytes);
      if (!frame) {
        this.counts.badFrames++;
        this.refreshHealth();
        return;
      }
      this.counts.frames++;
      this.framesSinceConnect++;
      this.lastGoodOrConnectUs = this.clock.nowUs();
      this.badFramesAtLastGood = this.counts.badFrames;
      this.backoff.reset();
      this.refreshHealth();
      this.emitFrame(frame);
    } catch (cause) {
      if (generation === this.generation) this.transactionFailed(cause);
    }
  }

  /** Health after a failed transaction (the retrying link has set its state); a broken bus handle is reopened. */
  private transactionFailed(cause: unknown): void {
    this.counts.failedTransactions++;
    const error = TransportError.from(cause, `0x${this.address.toString(16)} on ${this.path}`);
    this.lastError = error.message;
    if (REOPEN_ON.has(error.code)) this.busDown(`${this.path} went away: ${error.message}`);
    else this.refreshHealth();
  }

  private wait(delayUs: number): Promise<void> {
    return new Promise((resolve) => this.clock.after(delayUs, resolve));
  }

  private refreshHealth(): void {
    if (!this.running) return this.setHealth('stopped', '');
    if (this.busState === 'opening') return this.setHealth('starting', `opening ${this.path}`);
    if (this.busState === 'down') return this.setHealth('failed', this.downReason);
    const where = `TFmini-S at 0x${this.address.toString(16)} on ${this.path}`;
    if (this.linkState === 'failed') return this.setHealth('failed', `${where} is not answering: ${this.lastError}`);
    if (this.linkState === 'degraded')
      return this.setHealth('degraded', `${where}: a transaction failed: ${this.lastError}`);
    if (this.clock.nowUs() - this.lastGoodOrConnectUs >= this.timeoutUs) {
      const hint =
        this.counts.badFrames > this.badFramesAtLastGood
          ? 'its frames fail their checksum'
          : 'it answers, but no frame came back';
      return this.setHealth(
        'failed',
        `${where}: no valid frame for over ${Math.round(this.timeoutUs / US_PER_MS)} ms: ${hint}`,
      );
    }
    if (this.framesSinceConnect === 0) return this.setHealth('starting', `${where}: waiting for the first frame`);
    if (this.frameRateConfirmed === false) {
      return this.setHealth(
        'degraded',
        `${where}: the sensor did not confirm frame rate ${this.context.params.frameRateHz} Hz`,
      );
    }
    this.setHealth('ok', '');
  }
}

/**
 * The registry declares `paramsSchema` as `ZodType<TParams>`, whose input type is its output type;
 * a schema with defaults accepts a looser input (fields may be missing), so it is widened here.
 */
const serialParamsSchema = tfminiSSerialParamsSchema as ZodType<
  TfminiSSerialParams,
  ZodTypeDef,
  unknown
> as ZodType<TfminiSSerialParams>;
const i2cParamsSchema = tfminiSI2cParamsSchema as ZodType<
  TfminiSI2cParams,
  ZodTypeDef,
  unknown
> as ZodType<TfminiSI2cParams>;

/**
 * The Benewake TFmini-S single-beam lidar on a UART (115200 baud by default): streams 9-byte
 * frames at `frameRateHz`, each one a {@link RangeReading}. Board config: `compatible:
 * benewake,tfmini-s` on a `serial` bus.
 */
export const tfminiSSerialModel: DeviceModel<TfminiSSerialParams, RangeDevice> = {
  compatible: SERIAL_COMPATIBLE,
  kind: 'range',
  description: 'Benewake TFmini-S single-beam lidar, 0.1-12 m, UART 115200 baud, 9-byte frames at up to 1000 Hz',
  busKind: 'serial',
  address: 'none',
  pins: NO_PINS,
  paramsSchema: serialParamsSchema,
  create: (context) => new TfminiSSerialSensor(context),
};

/**
 * The Benewake TFmini-S switched to I2C mode (default address 0x10, used when the node gives
 * none), polled at `frameRateHz`. Board config: `compatible: benewake,tfmini-s-i2c` on an `i2c` bus.
 */
export const tfminiSI2cModel: DeviceModel<TfminiSI2cParams, RangeDevice> = {
  compatible: I2C_COMPATIBLE,
  kind: 'range',
  description: 'Benewake TFmini-S single-beam lidar, 0.1-12 m, I2C (default address 0x10), polled',
  busKind: 'i2c',
  address: 'required',
  pins: NO_PINS,
  paramsSchema: i2cParamsSchema,
  create: (context) => new TfminiSI2cSensor(context),
};
