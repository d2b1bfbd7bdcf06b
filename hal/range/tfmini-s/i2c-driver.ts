import createDebug from 'debug';
import type { Cancel } from '../../../time/clock.js';
import { US_PER_MS } from '../../../time/clock.js';
import { Backoff } from '../../../time/backoff.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import { NO_PINS } from '../../device-wiring.js';
import { checkI2cAddress } from '../../transport/i2c/api.js';
import { I2cChipLink } from '../../transport/i2c/i2c-chip-link.js';
import type { I2cLinkHealth } from '../../transport/i2c/retrying-i2c-device.js';
import { TransportError, isDeviceGone } from '../../transport/transport-error.js';
import type { RangeDevice } from '../api.js';
import {
  TFMINI_S_COMMAND,
  TFMINI_S_DEFAULT_I2C_ADDRESS,
  TFMINI_S_FRAME_LENGTH,
  TfminiSDecoder,
  decodeTfminiSFrame,
  frameRateCommand,
  obtainDataFrameCommand,
  payloadValue,
} from './codec.js';
import { tfminiSI2cParamsSchema, type TfminiSI2cParams } from './params.js';
import { TfminiSRangeSensor, WATCHDOG_PERIOD_US, noDataTimeoutUs } from './range-sensor.js';

const log = createDebug('spinal:hal:tfmini-s');

const I2C_COMPATIBLE = 'benewake,tfmini-s-i2c';

/** Wait between a configuration command and the read of its answer, microseconds (§5.6: 100 ms). */
const CONFIG_REPLY_WAIT_US = 100_000;
/**
 * Wait between the obtain-data-frame command and the read of the frame, microseconds. The
 * manual (§5.6) has the master let a command be processed before it reads; this one is answered
 * from the last measurement, so 1 ms is enough.
 */
const DATA_FRAME_READ_DELAY_US = 1_000;
/** Bytes of the answer to a frame rate command, `5A 06 03 LL HH SU` (Table 12). */
const FRAME_RATE_REPLY_LENGTH = 6;
/** Bus reopen delays, milliseconds. */
const REOPEN_INITIAL_MS = 500;
const REOPEN_MAX_MS = 5_000;

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
  /** The sensor on the bus, and the bus counters summed over reopens. */
  private readonly chip: I2cChipLink;
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
    this.chip = new I2cChipLink({
      backend: context.backends.i2c,
      busPath: this.path,
      address,
      onHealth: (health) => this.handleLinkHealth(health),
    });
  }

  /**
   * `frames`, `badFrames` (checksum or header wrong), `polls`, `pollsCoalesced`,
   * `failedTransactions`, `configAttempts`, `busOpenFailures`, `busReopens`; `transactions`,
   * `retries`, `errors` (the bus, summed over reopens of it); `readingsOk`, `weakSignal`,
   * `saturated`, `outOfRange` (readings by status).
   */
  counters(): Record<string, number> {
    return { ...this.counts, ...this.chip.counters(), ...this.readingCounts };
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

  private async connect(generation: number): Promise<void> {
    try {
      await this.chip.open();
    } catch (cause) {
      if (generation !== this.generation) return;
      this.counts.busOpenFailures++;
      this.busDown(`cannot open ${this.path}: ${TransportError.from(cause, 'open').message}`);
      return;
    }
    if (generation !== this.generation) {
      await this.chip.close().catch(() => undefined);
      return;
    }
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
    await this.chip.close().catch((cause: unknown) => log('%s: close: %o', this.id, cause));
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
    const link = this.chip.device;
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
    const link = this.chip.device;
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
    if (isDeviceGone(error)) this.busDown(`${this.path} went away: ${error.message}`);
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
  paramsSchema: tfminiSI2cParamsSchema,
  create: (context) => new TfminiSI2cSensor(context),
};
