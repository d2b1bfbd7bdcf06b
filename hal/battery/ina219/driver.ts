import createDebug from 'debug';
import type { Cancel, Clock } from '../../../time/clock.js';
import { US_PER_MS, US_PER_S } from '../../../time/clock.js';
import { Backoff } from '../../../time/backoff.js';
import type { DeviceHealth } from '../../device-health.js';
import { HealthTracker } from '../../device-health.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import { checkI2cAddress } from '../../transport/i2c/api.js';
import type { I2cBus } from '../../transport/i2c/api.js';
import { RetryingI2cDevice } from '../../transport/i2c/retrying-i2c-device.js';
import type { I2cDeviceCounters, I2cLinkHealth } from '../../transport/i2c/retrying-i2c-device.js';
import { TransportError } from '../../transport/transport-error.js';
import type { BatteryDevice, BatteryReading } from '../api.js';
import {
  BATTERY_MONITOR_CONFIG,
  CONFIG_RESET,
  INA219_DEFAULT_ADDRESS,
  REG_BUS_VOLTAGE,
  REG_CALIBRATION,
  REG_CONFIG,
  REG_CURRENT,
  REG_POWER,
  calibrationFor,
  decodeBusVoltage,
  decodeCurrentA,
  decodePowerW,
  decodeRegister,
  encodeConfig,
  pointerWrite,
  registerWrite,
} from './codec.js';
import type { Ina219Calibration } from './codec.js';
import { ina219ParamsSchema } from './params.js';
import type { Ina219Params } from './params.js';

const log = createDebug('spinal:hal:ina219');

/** The board-config `compatible` string of this model. */
export const INA219_COMPATIBLE = 'ti,ina219';

/** How often a running chip's calibration is read back (a power cycle clears it), microseconds. */
const SETUP_CHECK_PERIOD_US = US_PER_S;
/** Errors after which the bus handle itself is suspect and is reopened. */
const REOPEN_ON: ReadonlySet<string> = new Set(['ENXIO', 'EBADF', 'ECLOSED']);

/** Something answers at the address, but it does not keep an INA219's setup. */
class ChipMismatch extends Error {}

const hex = (value: number, digits = 2): string => `0x${value.toString(16).padStart(digits, '0')}`;

/**
 * An INA219 measuring a battery on its high side, polled at `pollHz`. `start()` resets the chip,
 * writes the configuration (32 V, ±320 mV, 12-bit, continuous) and the calibration worked out from
 * `shuntOhms` and `maxCurrentA`, and reads both back (the INA219 has no ID register; this is how a
 * wrong chip at the address shows). Each poll reads the bus voltage, current and power registers.
 * The reported voltage is the battery side of the shunt (IN+): the bus register measures IN−, so
 * the shunt drop is added back. OVF makes the device `degraded` until a reading without it. Bus
 * errors are retried at once (twice) by {@link RetryingI2cDevice}; a poll that still fails makes
 * the device `degraded`, three in a row `failed`, and then polling stops and the start sequence is
 * retried with {@link Backoff}. Once a second the calibration is read back, and the chip set up
 * again if it lost it.
 */
export class Ina219BatteryMonitor implements BatteryDevice {
  readonly kind = 'battery' as const;
  readonly compatible = INA219_COMPATIBLE;
  readonly id: string;

  private readonly context: DeviceCreateContext<Ina219Params>;
  private readonly clock: Clock;
  private readonly busPath: string;
  private readonly address: number;
  private readonly config: number;
  private readonly calibration: Ina219Calibration;
  private readonly periodUs: number;
  private readonly tracker: HealthTracker;
  private readonly backoff = new Backoff();
  private readonly listeners: Array<(reading: BatteryReading) => void> = [];
  private readonly count = { readings: 0, badReads: 0, overflows: 0, overruns: 0, initAttempts: 0, setupLost: 0 };
  private readonly closedI2c: I2cDeviceCounters = { transactions: 0, retries: 0, errors: 0 };

  private bus: I2cBus | undefined;
  private device: RetryingI2cDevice | undefined;
  private last: BatteryReading | null = null;
  private started: Promise<void> | undefined;
  private stopped = false;
  private running = false;
  private busy = false;
  private generation = 0;
  private pollTimer: Cancel | undefined;
  private retryTimer: Cancel | undefined;
  private nextCheckUs = 0;
  /** Health of the bus link while running, from the retrying device. */
  private link: I2cLinkHealth = { state: 'ok' };
  private overflow = false;

  constructor(context: DeviceCreateContext<Ina219Params>) {
    const bus = context.bus;
    if (bus.kind !== 'i2c') {
      throw new Error(`device "${context.id}" (${INA219_COMPATIBLE}): needs an i2c bus, "${bus.id}" is ${bus.kind}`);
    }
    this.address = context.address ?? INA219_DEFAULT_ADDRESS;
    checkI2cAddress(this.address);
    this.id = context.id;
    this.context = context;
    this.clock = context.clock;
    this.busPath = bus.path;
    this.config = encodeConfig(BATTERY_MONITOR_CONFIG);
    this.calibration = calibrationFor(context.params.shuntOhms, context.params.maxCurrentA);
    this.periodUs = Math.max(1, Math.round(US_PER_S / context.params.pollHz));
    this.tracker = new HealthTracker(this.clock.nowUs());
    this.tracker.onChange((health, previous) => {
      log('%s: %s -> %s %s', this.id, previous.state, health.state, health.reason);
    });
  }

  health(): DeviceHealth {
    return this.tracker.get();
  }

  onHealthChange(listener: (health: DeviceHealth, previous: DeviceHealth) => void): void {
    this.tracker.onChange(listener);
  }

  /**
   * `readings` (delivered), `badReads` (register reads of the wrong length), `overflows` (readings
   * with OVF set), `overruns` (polls skipped because the previous one was still on the bus),
   * `initAttempts`, `setupLost` (times the calibration was found lost and written again), and the
   * I2C `transactions`, `retries` and `errors`.
   */
  counters(): Record<string, number> {
    const i2c = this.device?.counters() ?? { transactions: 0, retries: 0, errors: 0 };
    return {
      ...this.count,
      transactions: this.closedI2c.transactions + i2c.transactions,
      retries: this.closedI2c.retries + i2c.retries,
      errors: this.closedI2c.errors + i2c.errors,
    };
  }

  onReading(listener: (reading: BatteryReading) => void): void {
    this.listeners.push(listener);
  }

  lastReading(): BatteryReading | null {
    return this.last;
  }

  /** The calibration register value and LSBs in use. */
  calibrationInUse(): Ina219Calibration {
    return { ...this.calibration };
  }

  /** Resolves once the first start attempt is over, whatever its outcome. Never rejects. */
  start(): Promise<void> {
    if (!this.started) {
      this.stopped = false;
      this.started = this.runInit();
    }
    return this.started;
  }

  /** Stops polling and retrying and closes the bus. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    this.stopPolling();
    this.retryTimer?.();
    this.retryTimer = undefined;
    this.started = undefined;
    await this.dropBus();
    this.tracker.set('stopped', '', this.clock.nowUs());
  }

  /** One start attempt: reset, configure, calibrate, verify; then poll. Never throws. */
  private async runInit(): Promise<void> {
    const generation = ++this.generation;
    this.stopPolling();
    this.running = false;
    this.count.initAttempts++;
    try {
      const device = await this.openDevice();
      await device.write(registerWrite(REG_CONFIG, CONFIG_RESET));
      await device.write(registerWrite(REG_CONFIG, this.config));
      await device.write(registerWrite(REG_CALIBRATION, this.calibration.calibration));
      const config = decodeRegister(await device.writeRead(pointerWrite(REG_CONFIG), 2));
      const calibration = decodeRegister(await device.writeRead(pointerWrite(REG_CALIBRATION), 2));
      if (config !== this.config || calibration !== this.calibration.calibration) {
        throw new ChipMismatch(
          `the device at ${hex(this.address)} on ${this.busPath} does not keep an INA219's setup: ` +
            `configuration reads ${show(config)} (wrote ${hex(this.config, 4)}), calibration reads ` +
            `${show(calibration)} (wrote ${hex(this.calibration.calibration, 4)})`,
        );
      }
    } catch (cause) {
      if (generation === this.generation) this.failStart(cause);
      return;
    }
    if (generation !== this.generation) return;
    log(
      '%s: ready, calibration %d, current LSB %s µA',
      this.id,
      this.calibration.calibration,
      (this.calibration.currentLsbA * 1e6).toFixed(3),
    );
    this.backoff.reset();
    this.running = true;
    this.link = { state: 'ok' };
    this.overflow = false;
    this.refreshHealth();
    this.nextCheckUs = this.clock.nowUs() + SETUP_CHECK_PERIOD_US;
    this.pollTimer = this.clock.every(this.periodUs, () => this.poll());
  }

  private failStart(cause: unknown): void {
    let reason: string;
    if (cause instanceof ChipMismatch) {
      reason = cause.message;
    } else {
      const error = TransportError.from(cause, `${this.id} start`);
      if (REOPEN_ON.has(error.code)) void this.dropBus();
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
    const device = this.device;
    if (!device || !this.running) return;
    this.busy = true;
    void this.readOnce(device, this.generation).finally(() => {
      this.busy = false;
    });
  }

  private async readOnce(device: RetryingI2cDevice, generation: number): Promise<void> {
    const stampUs = this.clock.nowUs();
    try {
      const bus = decodeRegister(await device.writeRead(pointerWrite(REG_BUS_VOLTAGE), 2));
      const current = decodeRegister(await device.writeRead(pointerWrite(REG_CURRENT), 2));
      const power = decodeRegister(await device.writeRead(pointerWrite(REG_POWER), 2));
      if (generation !== this.generation) return;
      if (bus === null || current === null || power === null) this.count.badReads++;
      else this.deliver(bus, current, power, stampUs);
      if (stampUs >= this.nextCheckUs) {
        this.nextCheckUs = stampUs + SETUP_CHECK_PERIOD_US;
        await this.checkSetup(device, generation);
      }
    } catch (cause) {
      if (generation !== this.generation) return;
      const error = TransportError.from(cause, `${this.id} read`);
      if (REOPEN_ON.has(error.code)) {
        this.running = false;
        this.tracker.set('failed', `lost the bus: ${error.message}`, this.clock.nowUs());
        this.stopPolling();
        void this.dropBus();
        this.scheduleRestart();
      }
    }
  }

  /** A chip that lost power comes back uncalibrated (current and power read 0): set it up again. */
  private async checkSetup(device: RetryingI2cDevice, generation: number): Promise<void> {
    const calibration = decodeRegister(await device.writeRead(pointerWrite(REG_CALIBRATION), 2));
    if (generation !== this.generation || calibration === this.calibration.calibration) return;
    this.count.setupLost++;
    log('%s: calibration reads %s: the chip lost its setup, starting it again', this.id, show(calibration));
    this.tracker.set(
      'degraded',
      `the chip lost its calibration (reads ${show(calibration)}): setting it up again`,
      this.clock.nowUs(),
    );
    void this.runInit();
  }

  private deliver(busValue: number, currentValue: number, powerValue: number, stampUs: number): void {
    const bus = decodeBusVoltage(busValue);
    const currentA = decodeCurrentA(currentValue, this.calibration.currentLsbA);
    const reading: BatteryReading = {
      voltageV: bus.voltageV + currentA * this.context.params.shuntOhms,
      currentA,
      powerW: decodePowerW(powerValue, this.calibration.currentLsbA),
      stampUs,
    };
    if (bus.overflow) this.count.overflows++;
    if (bus.overflow !== this.overflow) {
      this.overflow = bus.overflow;
      this.refreshHealth();
    }
    this.last = reading;
    this.count.readings++;
    for (const listener of this.listeners) {
      try {
        listener(reading);
      } catch (error) {
        log('%s: a reading listener threw: %O', this.id, error);
      }
    }
  }

  /** Health from the retrying device, while running; during start the start sequence reports its own. */
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

  /** The worse of the bus link and the arithmetic overflow flag. */
  private refreshHealth(): void {
    const nowUs = this.clock.nowUs();
    if (this.link.state !== 'ok') {
      this.tracker.set(this.link.state, `reading the chip: ${this.link.reason}`, nowUs);
    } else if (this.overflow) {
      this.tracker.set(
        'degraded',
        `current or power out of range (OVF): more than maxCurrentA ` +
          `(${this.context.params.maxCurrentA} A) flows, or shuntOhms is wrong`,
        nowUs,
      );
    } else {
      this.tracker.set('ok', '', nowUs);
    }
  }

  private async openDevice(): Promise<RetryingI2cDevice> {
    if (this.device) return this.device;
    const bus = await this.context.backends.i2c.open(this.busPath);
    if (this.stopped) {
      await bus.close().catch(() => undefined);
      throw new TransportError('ECLOSED', `${this.id} was stopped`);
    }
    this.bus = bus;
    this.device = new RetryingI2cDevice(bus, this.address, (health) => this.onLinkHealth(health));
    return this.device;
  }

  private async dropBus(): Promise<void> {
    const bus = this.bus;
    const device = this.device;
    this.bus = undefined;
    this.device = undefined;
    if (device) {
      const counters = device.counters();
      this.closedI2c.transactions += counters.transactions;
      this.closedI2c.retries += counters.retries;
      this.closedI2c.errors += counters.errors;
    }
    if (bus) await bus.close().catch((error: unknown) => log('%s: close: %o', this.id, error));
  }

  private stopPolling(): void {
    this.pollTimer?.();
    this.pollTimer = undefined;
  }
}

function show(value: number | null): string {
  return value === null ? 'nothing' : hex(value, 4);
}

/** Texas Instruments INA219 current, voltage and power monitor on I2C (0x40..0x4F). */
export const ina219Model: DeviceModel<Ina219Params, Ina219BatteryMonitor> = {
  compatible: INA219_COMPATIBLE,
  kind: 'battery',
  description: 'TI INA219 battery voltage, current and power monitor (I2C, 0x40..0x4F)',
  busKind: 'i2c',
  paramsSchema: ina219ParamsSchema,
  create: (context) => new Ina219BatteryMonitor(context),
};
