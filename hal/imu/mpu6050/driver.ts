import createDebug from 'debug';
import { US_PER_S } from '../../../time/clock.js';
import type { DeviceHealth } from '../../device-health.js';
import type { DeviceCreateContext, DeviceModel } from '../../registry.js';
import { NO_PINS } from '../../device-wiring.js';
import { checkI2cAddress } from '../../transport/i2c/api.js';
import { ChipMismatchError, PolledI2cSensor } from '../../transport/i2c/polled-i2c-sensor.js';
import type { RetryingI2cDevice } from '../../transport/i2c/retrying-i2c-device.js';
import type { ImuDevice } from '../api.js';
import type { ImuSample } from '../../../messages/imu-sample.js';
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
import type { Unsubscribe } from '../../listener-list.js';
import { ListenerList } from '../../listener-list.js';

const log = createDebug('spinal:hal:mpu6050');

/** The board-config `compatible` string of this model. */
export const MPU6050_COMPATIBLE = 'invensense,mpu6050';

const hex = (value: number): string => `0x${value.toString(16).padStart(2, '0')}`;

/**
 * An MPU-6050 on I2C, polled at `sampleRateHz`. `start()` checks WHO_AM_I, resets the chip, waits
 * 100 ms on the clock, wakes it on the X-gyro PLL, writes the sample-rate divider, low-pass filter
 * and both ranges in one burst and reads them back; then each poll reads the 14 measurement
 * registers in one burst (one sampling instant, RM §4.17), scales them and rotates them through
 * the mount into the robot frame. Once a second it checks the chip is still awake on its PLL, and
 * sets it up again if it is not (a brown-out puts it back to sleep). Bus errors and restarts with
 * backoff are those of {@link PolledI2cSensor}.
 */
export class Mpu6050Imu implements ImuDevice {
  readonly kind = 'imu' as const;
  readonly compatible = MPU6050_COMPATIBLE;
  readonly id: string;

  private readonly context: DeviceCreateContext<Mpu6050Params>;
  private readonly busPath: string;
  private readonly address: number;
  private readonly setup: Mpu6050Setup;
  private readonly sensor: PolledI2cSensor<Mpu6050RawSample>;
  private readonly listeners = new ListenerList<(sample: ImuSample) => void>();
  private readonly count = { samples: 0 };

  private last: ImuSample | null = null;

  constructor(context: DeviceCreateContext<Mpu6050Params>) {
    const bus = context.bus;
    if (bus.kind !== 'i2c') {
      throw new Error(`device "${context.id}" (${MPU6050_COMPATIBLE}): needs an i2c bus, "${bus.id}" is ${bus.kind}`);
    }
    this.address = context.address ?? MPU6050_ADDRESS_AD0_LOW;
    checkI2cAddress(this.address);
    this.id = context.id;
    this.context = context;
    this.busPath = bus.path;
    const { sampleRateHz, accelRangeG, gyroRangeDps } = context.params;
    this.setup = setupForPollRate(sampleRateHz, accelRangeG, gyroRangeDps);
    this.sensor = new PolledI2cSensor({
      id: context.id,
      clock: context.clock,
      backend: context.backends.i2c,
      busPath: bus.path,
      address: this.address,
      periodUs: Math.max(1, Math.round(US_PER_S / sampleRateHz)),
      pollingWhat: 'reading samples',
      chip: {
        init: (device, wait) => this.init(device, wait),
        ready: () => this.ready(),
        read: async (device) =>
          decodeBurst(await device.writeRead(pointerWrite(REG_ACCEL_XOUT_H), MPU6050_BURST_LENGTH)),
        deliver: (raw, stampUs) => this.deliver(raw, stampUs),
        checkSetup: (device) => this.checkSetup(device),
      },
    });
  }

  health(): DeviceHealth {
    return this.sensor.health();
  }

  onHealthChange(listener: (health: DeviceHealth, previous: DeviceHealth) => void): Unsubscribe {
    return this.sensor.onHealthChange(listener);
  }

  /**
   * `samples` (delivered), `badReads` (bursts of the wrong length), `overruns` (polls skipped
   * because the previous one was still on the bus), `initAttempts`, `setupLost` (times the chip was
   * found asleep and set up again), and the I2C `transactions`, `retries` and `errors`.
   */
  counters(): Record<string, number> {
    return { ...this.count, ...this.sensor.counters() };
  }

  onSample(listener: (sample: ImuSample) => void): Unsubscribe {
    return this.listeners.add(listener);
  }

  lastSample(): ImuSample | null {
    return this.last;
  }

  /** Resolves once the first start attempt is over (after the 100 ms reset wait), whatever its outcome. Never rejects. */
  start(): Promise<void> {
    return this.sensor.start();
  }

  /** Stops polling and retrying and closes the bus. */
  stop(): Promise<void> {
    return this.sensor.stop();
  }

  /** Identify, reset, wake, set up, verify. */
  private async init(device: RetryingI2cDevice, wait: (delayUs: number) => Promise<void>): Promise<void> {
    const [whoAmI] = await device.writeRead(pointerWrite(REG_WHO_AM_I), 1);
    if (whoAmI !== MPU6050_WHO_AM_I) {
      throw new ChipMismatchError(
        `found ${whoAmI === undefined ? 'nothing' : hex(whoAmI)} at ${hex(this.address)} on ${this.busPath}, expected an MPU6050 ` +
          `(${hex(MPU6050_WHO_AM_I)}): WHO_AM_I (register 0x75) does not match`,
      );
    }
    await device.write(registerWrite(REG_PWR_MGMT_1, PWR_MGMT_1_DEVICE_RESET));
    await wait(MPU6050_RESET_WAIT_US);
    await device.write(registerWrite(REG_PWR_MGMT_1, CLKSEL_PLL_X_GYRO));
    await device.write(setupWrite(this.setup));
    const readback = await device.writeRead(pointerWrite(REG_SMPLRT_DIV), 4);
    const expected = setupReadback(this.setup);
    if (!sameBytes(readback, expected)) {
      throw new ChipMismatchError(
        `the chip at ${hex(this.address)} did not keep its setup: registers 0x19..0x1c read ` +
          `${[...readback].map(hex).join(' ')}, expected ${[...expected].map(hex).join(' ')}`,
      );
    }
  }

  private ready(): void {
    log(
      '%s: ready, DLPF_CFG %d, SMPLRT_DIV %d, ±%d g, ±%d °/s',
      this.id,
      this.setup.dlpfCfg,
      this.setup.sampleRateDivider,
      this.setup.accelRangeG,
      this.setup.gyroRangeDps,
    );
  }

  /** A chip that lost power comes back asleep on its internal oscillator. */
  private async checkSetup(device: RetryingI2cDevice): Promise<string | undefined> {
    const [pwrMgmt1 = 0] = await device.writeRead(pointerWrite(REG_PWR_MGMT_1), 1);
    const awake = (pwrMgmt1 & PWR_MGMT_1_SLEEP) === 0 && (pwrMgmt1 & PWR_MGMT_1_CLKSEL_MASK) === CLKSEL_PLL_X_GYRO;
    if (awake) return undefined;
    return `the chip lost its setup (PWR_MGMT_1 ${hex(pwrMgmt1)})`;
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
  address: 'required',
  pins: NO_PINS,
  paramsSchema: mpu6050ParamsSchema,
  create: (context) => new Mpu6050Imu(context),
};
