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
import type { ImuDevice, ImuSample } from '../api.js';
import {
  CLKSEL_PLL_X_GYRO,
  MPU6050_ADDRESS_AD0_LOW,
  MPU6050_BURST_LENGTH,
  MPU6050_RESET_WAIT_US,
  MPU6050_WHO_AM_I,
  PWR_MGMT_1_CLKSEL_MASK,
  PWR_MGMT_1_DEVICE_RESET,
  PWR_MGMT_1_SLEEP,
  REG_ACCEL_XOUT_H,
  REG_PWR_MGMT_1,
  REG_SMPLRT_DIV,
  REG_WHO_AM_I,
  decodeBurst,
  pointerWrite,
  registerWrite,
  robotFromSensor,
  scaleSample,
  setupForPollRate,
  setupReadback,
  setupWrite,
} from './codec.js';
import type { Mpu6050RawSample, Mpu6050Setup } from './codec.js';
import { mpu6050ParamsSchema } from './params.js';
import type { Mpu6050Params } from './params.js';

const log = createDebug('spinal:hal:mpu6050');

/** The board-config `compatible` string of this model. */
export const MPU6050_COMPATIBLE = 'invensense,mpu6050';

/** How often a running chip is asked whether it is still awake and on its clock, microseconds. */
const SETUP_CHECK_PERIOD_US = US_PER_S;
/** Errors after which the bus handle itself is suspect and is reopened. */
const REOPEN_ON: ReadonlySet<string> = new Set(['ENXIO', 'EBADF', 'ECLOSED']);

/** Something answers at the address, but it is not an MPU-6050 (or not one that works). */
class ChipMismatch extends Error {}

const hex = (value: number): string => `0x${value.toString(16).padStart(2, '0')}`;

/**
 * An MPU-6050 on I2C, polled at `sampleRateHz`. `start()` checks WHO_AM_I, resets the chip, waits
 * 100 ms on the clock, wakes it on the X-gyro PLL, writes the sample-rate divider, low-pass filter
 * and both ranges in one burst and reads them back; then each poll reads the 14 measurement
 * registers in one burst (one sampling instant, RM §4.17), scales them and rotates them through
 * the mount into the robot frame. A failed transaction is retried at once (twice) by
 * {@link RetryingI2cDevice}; a poll that still fails makes the device `degraded`, three in a row
 * `failed`, and then polling stops and the whole start sequence is retried with {@link Backoff}
 * until the chip answers. Once a second it checks the chip is still awake, and sets it up again
 * if it is not (a brown-out puts it back to sleep).
 */
export class Mpu6050Imu implements ImuDevice {
  readonly kind = 'imu' as const;
  readonly compatible = MPU6050_COMPATIBLE;
  readonly id: string;

  private readonly context: DeviceCreateContext<Mpu6050Params>;
  private readonly clock: Clock;
  private readonly busPath: string;
  private readonly address: number;
  private readonly setup: Mpu6050Setup;
  private readonly periodUs: number;
  private readonly tracker: HealthTracker;
  private readonly backoff = new Backoff();
  private readonly listeners: Array<(sample: ImuSample) => void> = [];
  private readonly count = { samples: 0, badReads: 0, overruns: 0, initAttempts: 0, setupLost: 0 };
  /** I2C counters of the devices of buses already closed. */
  private readonly closedI2c: I2cDeviceCounters = { transactions: 0, retries: 0, errors: 0 };

  private bus: I2cBus | undefined;
  private device: RetryingI2cDevice | undefined;
  private last: ImuSample | null = null;
  private started: Promise<void> | undefined;
  private stopped = false;
  private running = false;
  private busy = false;
  /** Bumped by every start attempt and by stop(); async work of an older generation drops its result. */
  private generation = 0;
  private pollTimer: Cancel | undefined;
  private retryTimer: Cancel | undefined;
  private waitTimer: { cancel: Cancel; resolve: () => void } | undefined;
  private nextCheckUs = 0;

  constructor(context: DeviceCreateContext<Mpu6050Params>) {
    const bus = context.bus;
    if (bus.kind !== 'i2c') {
      throw new Error(`device "${context.id}" (${MPU6050_COMPATIBLE}): needs an i2c bus, "${bus.id}" is ${bus.kind}`);
    }
    this.address = context.address ?? MPU6050_ADDRESS_AD0_LOW;
    checkI2cAddress(this.address);
    this.id = context.id;
    this.context = context;
    this.clock = context.clock;
    this.busPath = bus.path;
    const { sampleRateHz, accelRangeG, gyroRangeDps } = context.params;
    this.setup = setupForPollRate(sampleRateHz, accelRangeG, gyroRangeDps);
    this.periodUs = Math.max(1, Math.round(US_PER_S / sampleRateHz));
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
   * `samples` (delivered), `badReads` (bursts of the wrong length), `overruns` (polls skipped
   * because the previous one was still on the bus), `initAttempts`, `setupLost` (times the chip was
   * found asleep and set up again), and the I2C `transactions`, `retries` and `errors`.
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

  onSample(listener: (sample: ImuSample) => void): void {
    this.listeners.push(listener);
  }

  lastSample(): ImuSample | null {
    return this.last;
  }

  /** Resolves once the first start attempt is over (after the 100 ms reset wait), whatever its outcome. Never rejects. */
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
    this.endWait();
    this.started = undefined;
    await this.dropBus();
    this.tracker.set('stopped', '', this.clock.nowUs());
  }

  /** One start attempt: identify, reset, wake, set up, verify; then poll. Never throws. */
  private async runInit(): Promise<void> {
    const generation = ++this.generation;
    this.stopPolling();
    this.running = false;
    this.count.initAttempts++;
    try {
      const device = await this.openDevice();
      const [whoAmI] = await device.writeRead(pointerWrite(REG_WHO_AM_I), 1);
      if (whoAmI !== MPU6050_WHO_AM_I) {
        throw new ChipMismatch(
          `found ${whoAmI === undefined ? 'nothing' : hex(whoAmI)} at ${hex(this.address)} on ${this.busPath}, expected an MPU6050 ` +
            `(${hex(MPU6050_WHO_AM_I)}): WHO_AM_I (register 0x75) does not match`,
        );
      }
      await device.write(registerWrite(REG_PWR_MGMT_1, PWR_MGMT_1_DEVICE_RESET));
      await this.wait(MPU6050_RESET_WAIT_US);
      if (generation !== this.generation) return;
      await device.write(registerWrite(REG_PWR_MGMT_1, CLKSEL_PLL_X_GYRO));
      await device.write(setupWrite(this.setup));
      const readback = await device.writeRead(pointerWrite(REG_SMPLRT_DIV), 4);
      const expected = setupReadback(this.setup);
      if (!sameBytes(readback, expected)) {
        throw new ChipMismatch(
          `the chip at ${hex(this.address)} did not keep its setup: registers 0x19..0x1c read ` +
            `${[...readback].map(hex).join(' ')}, expected ${[...expected].map(hex).join(' ')}`,
        );
      }
    } catch (cause) {
      if (generation === this.generation) this.failStart(cause);
      return;
    }
    if (generation !== this.generation) return;
    log(
      '%s: ready, DLPF_CFG %d, SMPLRT_DIV %d, ±%d g, ±%d °/s',
      this.id,
      this.setup.dlpfCfg,
      this.setup.sampleRateDivider,
      this.setup.accelRangeG,
      this.setup.gyroRangeDps,
    );
    this.backoff.reset();
    this.running = true;
    this.tracker.set('ok', '', this.clock.nowUs());
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
    void this.readSample(device, this.generation).finally(() => {
      this.busy = false;
    });
  }

  private async readSample(device: RetryingI2cDevice, generation: number): Promise<void> {
    const stampUs = this.clock.nowUs();
    try {
      const bytes = await device.writeRead(pointerWrite(REG_ACCEL_XOUT_H), MPU6050_BURST_LENGTH);
      if (generation !== this.generation) return;
      const raw = decodeBurst(bytes);
      if (raw) this.deliver(raw, stampUs);
      else this.count.badReads++;
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

  /** A chip that lost power comes back asleep on its internal oscillator: set it up again. */
  private async checkSetup(device: RetryingI2cDevice, generation: number): Promise<void> {
    const [pwrMgmt1 = 0] = await device.writeRead(pointerWrite(REG_PWR_MGMT_1), 1);
    if (generation !== this.generation) return;
    const awake = (pwrMgmt1 & PWR_MGMT_1_SLEEP) === 0 && (pwrMgmt1 & PWR_MGMT_1_CLKSEL_MASK) === CLKSEL_PLL_X_GYRO;
    if (awake) return;
    this.count.setupLost++;
    log('%s: PWR_MGMT_1 reads %s: the chip lost its setup, starting it again', this.id, hex(pwrMgmt1));
    this.tracker.set(
      'degraded',
      `the chip lost its setup (PWR_MGMT_1 ${hex(pwrMgmt1)}): setting it up again`,
      this.clock.nowUs(),
    );
    void this.runInit();
  }

  private deliver(raw: Mpu6050RawSample, stampUs: number): void {
    const scaled = scaleSample(raw, this.setup.accelRangeG, this.setup.gyroRangeDps);
    const mount = this.context.params.mount;
    const sample: ImuSample = {
      accelMps2: robotFromSensor(scaled.accelMps2, mount),
      gyroRadps: robotFromSensor(scaled.gyroRadps, mount),
      temperatureC: scaled.temperatureC,
      stampUs,
    };
    this.last = sample;
    this.count.samples++;
    for (const listener of this.listeners) {
      try {
        listener(sample);
      } catch (error) {
        log('%s: a sample listener threw: %O', this.id, error);
      }
    }
  }

  /** Health from the retrying device, while running; during start the start sequence reports its own. */
  private onLinkHealth(health: I2cLinkHealth): void {
    if (!this.running) return;
    const nowUs = this.clock.nowUs();
    if (health.state === 'ok') {
      this.tracker.set('ok', '', nowUs);
      return;
    }
    this.tracker.set(health.state, `reading samples: ${health.reason}`, nowUs);
    if (health.state === 'failed') {
      this.running = false;
      this.stopPolling();
      this.scheduleRestart();
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

  /** Waits on the clock; stop() ends the wait early. */
  private wait(delayUs: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.clock.after(delayUs, () => {
        this.waitTimer = undefined;
        resolve();
      });
      this.waitTimer = { cancel, resolve };
    });
  }

  private endWait(): void {
    const pending = this.waitTimer;
    this.waitTimer = undefined;
    pending?.cancel();
    pending?.resolve();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** InvenSense MPU-6050 six-axis IMU on I2C (0x68, or 0x69 with AD0 high). */
export const mpu6050Model: DeviceModel<Mpu6050Params, Mpu6050Imu> = {
  compatible: MPU6050_COMPATIBLE,
  kind: 'imu',
  description: 'InvenSense MPU-6050 accelerometer and gyro (I2C, 0x68 or 0x69)',
  busKind: 'i2c',
  paramsSchema: mpu6050ParamsSchema,
  create: (context) => new Mpu6050Imu(context),
};
