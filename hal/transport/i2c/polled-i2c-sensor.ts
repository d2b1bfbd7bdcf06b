import createDebug from 'debug';
import { Backoff } from '../../../time/backoff.js';
import type { BackoffOptions } from '../../../time/backoff.js';
import type { Cancel, Clock } from '../../../time/clock.js';
import { US_PER_MS, US_PER_S } from '../../../time/clock.js';
import { HealthTracker } from '../../device-health.js';
import type { DeviceHealth } from '../../device-health.js';
import { TransportError, isDeviceGone } from '../transport-error.js';
import type { I2cBackend } from './api.js';
import { I2cChipLink } from './i2c-chip-link.js';
import type { RetryingI2cDevice } from './retrying-i2c-device.js';
import type { I2cDeviceCounters, I2cLinkHealth } from './retrying-i2c-device.js';
import type { Unsubscribe } from '../../listener-list.js';

const log = createDebug('spinal:hal:i2c:polled-sensor');

/** Default of {@link PolledI2cSensorOptions.setupCheckPeriodUs}: once a second, microseconds. */
const DEFAULT_SETUP_CHECK_PERIOD_US = US_PER_S;

/**
 * Something answers at the address, but it is not the expected chip, or it does not keep its
 * setup. Thrown by {@link PolledI2cChip.init}; its message becomes the health reason as it is.
 */
export class ChipMismatchError extends Error {}

/** A start attempt was ended (by `stop()`) while it waited on the clock. */
class AttemptEnded extends Error {}

/** The chip-specific part of a {@link PolledI2cSensor}: how to set the chip up, read it and check it. */
export interface PolledI2cChip<TRaw> {
  /**
   * Sets the chip up: identify, reset, configure, read the setup back. Throws a
   * {@link ChipMismatchError} when what answers is not the chip or does not keep its setup, a
   * TransportError when the bus fails. `wait` waits on the sensor's clock; it rejects when
   * `stop()` ends the attempt meanwhile (let the rejection through).
   */
  init(device: RetryingI2cDevice, wait: (delayUs: number) => Promise<void>): Promise<void>;
  /** Called once `init` succeeded, before polling starts and the health is worked out again. */
  ready?(): void;
  /** One poll's transactions; `null` when what came back is malformed (counted as `badReads`). */
  read(device: RetryingI2cDevice): Promise<TRaw | null>;
  /** A good poll's result, stamped with the clock time at which the poll began, microseconds. */
  deliver(raw: TRaw, stampUs: number): void;
  /**
   * Reads whether the chip still holds its setup (a power cycle loses it). Returns what is wrong in
   * plain words (`the chip lost its setup (PWR_MGMT_1 0x40)`), or undefined when the setup holds.
   */
  checkSetup(device: RetryingI2cDevice): Promise<string | undefined>;
  /**
   * While polling with a healthy bus link: why the device is `degraded` all the same (an
   * arithmetic overflow, say), or undefined when it is not. Tell the sensor when this changes
   * with {@link PolledI2cSensor.refreshHealth}.
   */
  degradedReason?(): string | undefined;
}

/** Where the chip is and how often it is polled. */
export interface PolledI2cSensorOptions<TRaw> {
  /** The device id, in logs and error contexts. */
  id: string;
  clock: Clock;
  backend: I2cBackend;
  /** Bus path, e.g. `/dev/i2c-1`. */
  busPath: string;
  /** 7-bit address of the chip. */
  address: number;
  /** Time between polls, microseconds. */
  periodUs: number;
  /** How often a polled chip is asked whether it still holds its setup, microseconds. Default 1 s. */
  setupCheckPeriodUs?: number;
  /** What a poll does, in health reasons: `reading samples` gives `reading samples: <link reason>`. */
  pollingWhat: string;
  /** Delays between start attempts. Default: {@link Backoff}'s (1 s, x1.6, 20 % jitter, 30 s at most). */
  backoff?: BackoffOptions;
  chip: PolledI2cChip<TRaw>;
}

/** A polled sensor's own counters, the I2C ones summed over every bus handle it has had. */
export interface PolledI2cSensorCounters extends I2cDeviceCounters {
  /** Polls whose result was malformed. */
  badReads: number;
  /** Polls skipped because the previous one was still on the bus. */
  overruns: number;
  initAttempts: number;
  /** Times the chip was found to have lost its setup, and set up again. */
  setupLost: number;
}

/**
 * The life of a polled I2C sensor, whatever the chip. `start()` opens the bus and runs the chip's
 * `init`; when that fails the device is `failed` (the reason says why) and the start is tried again
 * with {@link Backoff} on the clock. Once set up, the chip is read every `periodUs` (a poll that
 * falls due while the last one is still on the bus is skipped and counted as an overrun), and
 * every `setupCheckPeriodUs` it is asked whether it still holds its setup; when it does not, it is
 * set up again. Transactions go through a {@link RetryingI2cDevice}: its `degraded` and `failed`
 * become the device's health, and `failed` stops polling and restarts with backoff. An error that
 * {@link isDeviceGone} means the bus handle went bad: it is closed and opened again at the next start. Every
 * start attempt and `stop()` begins a new generation; async work of an older one drops its result.
 */
export class PolledI2cSensor<TRaw> {
  private readonly id: string;
  private readonly clock: Clock;
  private readonly chip: PolledI2cChip<TRaw>;
  private readonly setupCheckPeriodUs: number;
  private readonly tracker: HealthTracker;
  private readonly backoff: Backoff;
  private readonly count = { badReads: 0, overruns: 0, initAttempts: 0, setupLost: 0 };
  private readonly chipLink: I2cChipLink;
  private started: Promise<void> | undefined;
  private stopped = false;
  private running = false;
  private busy = false;
  private generation = 0;
  private pollTimer: Cancel | undefined;
  private retryTimer: Cancel | undefined;
  private waitTimer: { cancel: Cancel; resolve: () => void } | undefined;
  private nextCheckUs = 0;
  /** Health of the bus link while polling, from the retrying device. */
  private link: I2cLinkHealth = { state: 'ok' };

  constructor(private readonly options: PolledI2cSensorOptions<TRaw>) {
    this.id = options.id;
    this.clock = options.clock;
    this.chip = options.chip;
    this.setupCheckPeriodUs = options.setupCheckPeriodUs ?? DEFAULT_SETUP_CHECK_PERIOD_US;
    this.backoff = new Backoff(options.backoff);
    this.chipLink = new I2cChipLink({
      backend: options.backend,
      busPath: options.busPath,
      address: options.address,
      onHealth: (health) => this.onLinkHealth(health),
    });
    this.tracker = new HealthTracker(this.clock.nowUs());
    this.tracker.onChange((health, previous) => {
      log('%s: %s -> %s %s', this.id, previous.state, health.state, health.reason);
    });
  }

  health(): DeviceHealth {
    return this.tracker.get();
  }

  onHealthChange(listener: (health: DeviceHealth, previous: DeviceHealth) => void): Unsubscribe {
    return this.tracker.onChange(listener);
  }

  counters(): PolledI2cSensorCounters {
    return { ...this.count, ...this.chipLink.counters() };
  }

  /** Resolves once the first start attempt is over (waits included), whatever its outcome. Never rejects. */
  start(): Promise<void> {
    if (!this.started) {
      this.stopped = false;
      this.started = this.runInit();
    }
    return this.started;
  }

  /** Stops polling and retrying, ends a wait of `init`, closes the bus; the health is `stopped`. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    this.stopPolling();
    this.retryTimer?.();
    this.retryTimer = undefined;
    this.endWait();
    this.started = undefined;
    await this.dropBus();
    this.tracker.set('stopped', '', this.clock.nowUs());
  }

  /**
   * Works the health out again while polling: the bus link when it is not ok, else the chip's
   * `degradedReason()`, else `ok`. The chip calls this when its degraded reason changes.
   */
  refreshHealth(): void {
    const nowUs = this.clock.nowUs();
    if (this.link.state !== 'ok') {
      this.tracker.set(this.link.state, `${this.options.pollingWhat}: ${this.link.reason}`, nowUs);
      return;
    }
    const degraded = this.chip.degradedReason?.();
    if (degraded) this.tracker.set('degraded', degraded, nowUs);
    else this.tracker.set('ok', '', nowUs);
  }

  /** One start attempt: open, the chip's `init`, then poll. Never throws. */
  private async runInit(): Promise<void> {
    const generation = ++this.generation;
    this.stopPolling();
    this.running = false;
    this.count.initAttempts++;
    try {
      const device = await this.openDevice();
      await this.chip.init(device, (delayUs) => this.wait(delayUs, generation));
    } catch (cause) {
      if (generation === this.generation) this.failStart(cause);
      return;
    }
    if (generation !== this.generation) return;
    this.chip.ready?.();
    this.backoff.reset();
    this.running = true;
    this.link = { state: 'ok' };
    this.refreshHealth();
    this.nextCheckUs = this.clock.nowUs() + this.setupCheckPeriodUs;
    this.pollTimer = this.clock.every(this.options.periodUs, () => this.poll());
  }

  private failStart(cause: unknown): void {
    let reason: string;
    if (cause instanceof ChipMismatchError) {
      reason = cause.message;
    } else {
      const error = TransportError.from(cause, `${this.id} start`);
      if (isDeviceGone(error)) void this.dropBus();
      reason = `start failed: ${error.message}`;
    }
    this.tracker.set('failed', reason, this.clock.nowUs());
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.stopped || this.retryTimer) return;
    const delayUs = this.backoff.nextDelayMs() * US_PER_MS;
    log('%s: next start attempt in %d ms', this.id, Math.round(delayUs / US_PER_MS));
    this.retryTimer = this.clock.after(delayUs, () => {
      this.retryTimer = undefined;
      void this.runInit();
    });
  }

  private poll(): void {
    if (this.busy) {
      this.count.overruns++;
      return;
    }
    const device = this.chipLink.device;
    if (!device || !this.running) return;
    this.busy = true;
    void this.pollOnce(device, this.generation).finally(() => {
      this.busy = false;
    });
  }

  private async pollOnce(device: RetryingI2cDevice, generation: number): Promise<void> {
    const stampUs = this.clock.nowUs();
    try {
      const raw = await this.chip.read(device);
      if (generation !== this.generation) return;
      if (raw === null) this.count.badReads++;
      else this.chip.deliver(raw, stampUs);
      if (stampUs >= this.nextCheckUs) {
        this.nextCheckUs = stampUs + this.setupCheckPeriodUs;
        await this.checkSetup(device, generation);
      }
    } catch (cause) {
      if (generation !== this.generation) return;
      const error = TransportError.from(cause, `${this.id} read`);
      if (isDeviceGone(error)) {
        this.running = false;
        this.tracker.set('failed', `lost the bus: ${error.message}`, this.clock.nowUs());
        this.stopPolling();
        void this.dropBus();
        this.scheduleRestart();
      }
    }
  }

  /** A chip that lost power comes back without its setup: set it up again. */
  private async checkSetup(device: RetryingI2cDevice, generation: number): Promise<void> {
    const lost = await this.chip.checkSetup(device);
    if (generation !== this.generation || lost === undefined) return;
    this.count.setupLost++;
    log('%s: %s: starting it again', this.id, lost);
    this.tracker.set('degraded', `${lost}: setting it up again`, this.clock.nowUs());
    void this.runInit();
  }

  /** Health from the retrying device while polling; during start the start attempt reports its own. */
  private onLinkHealth(health: I2cLinkHealth): void {
    if (!this.running) return;
    this.link = health;
    this.refreshHealth();
    if (health.state === 'failed') {
      this.running = false;
      this.stopPolling();
      this.scheduleRestart();
    }
  }

  private async openDevice(): Promise<RetryingI2cDevice> {
    const device = await this.chipLink.open();
    if (this.stopped) {
      await this.chipLink.close().catch(() => undefined);
      throw new TransportError('ECLOSED', `${this.id} was stopped`);
    }
    return device;
  }

  private async dropBus(): Promise<void> {
    await this.chipLink.close().catch((error: unknown) => log('%s: close: %o', this.id, error));
  }

  private stopPolling(): void {
    this.pollTimer?.();
    this.pollTimer = undefined;
  }

  /** Waits on the clock for the start attempt of `generation`; rejects when stop() ends the wait or the attempt. */
  private async wait(delayUs: number, generation: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const cancel = this.clock.after(delayUs, () => {
        this.waitTimer = undefined;
        resolve();
      });
      this.waitTimer = { cancel, resolve };
    });
    if (generation !== this.generation) throw new AttemptEnded(`${this.id}: start attempt ended`);
  }

  private endWait(): void {
    const pending = this.waitTimer;
    this.waitTimer = undefined;
    pending?.cancel();
    pending?.resolve();
  }
}
