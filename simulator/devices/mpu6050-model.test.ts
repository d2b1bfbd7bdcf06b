import { describe, expect, it } from 'vitest';
import {
  CLKSEL_PLL_X_GYRO,
  MPU6050_BURST_LENGTH,
  REG_ACCEL_XOUT_H,
  REG_PWR_MGMT_1,
  REG_WHO_AM_I,
  STANDARD_GRAVITY_MPS2,
  decodeBurst,
  pointerWrite,
  registerWrite,
  scaleSample,
  setupForPollRate,
  setupWrite,
} from '../../hal/imu/mpu6050/codec.js';
import type { Mpu6050Sample } from '../../hal/imu/mpu6050/codec.js';
import { mpu6050ParamsSchema } from '../../hal/imu/mpu6050/params.js';
import { fakeWorldView } from '../../test/harness/fake-world-view.js';
import { seededRandom } from '../world/seeded-random.js';
import { createMpu6050SimDevice } from './mpu6050-model.js';
import type { Mpu6050SimDevice, Mpu6050SimOptions } from './mpu6050-model.js';
import { SimBusError } from './sim-device.js';
import type { SimWorldView } from './sim-device.js';

const G = STANDARD_GRAVITY_MPS2;
const QUIET: Mpu6050SimOptions = { accelNoiseMps2: 0, gyroNoiseRadps: 0 };

function device(params: unknown = {}, options: Mpu6050SimOptions = QUIET): Mpu6050SimDevice {
  return createMpu6050SimDevice('/dev/i2c-1', 0x68, mpu6050ParamsSchema.parse(params), options);
}

/** What the driver does at start, through transfers: reset, wake on the PLL, 100 Hz, ±4 g, ±500 °/s. */
function bringUp(imu: Mpu6050SimDevice, pollHz = 100, accelRangeG = 4, gyroRangeDps = 500): void {
  imu.transfer(registerWrite(REG_PWR_MGMT_1, 0x80), 0, 0);
  imu.transfer(registerWrite(REG_PWR_MGMT_1, CLKSEL_PLL_X_GYRO), 0, 0);
  imu.transfer(setupWrite(setupForPollRate(pollHz, accelRangeG, gyroRangeDps)), 0, 0);
}

/** A burst read through the bus, scaled with the ranges the chip was set to. */
function readSample(imu: Mpu6050SimDevice): Mpu6050Sample {
  const raw = decodeBurst(imu.transfer(pointerWrite(REG_ACCEL_XOUT_H), MPU6050_BURST_LENGTH, 0));
  if (!raw) throw new Error('short burst');
  return scaleSample(raw, imu.registers.accelRangeG, imu.registers.gyroRangeDps);
}

function moving(xMps2: number, yMps2: number, wRadps: number): SimWorldView {
  return fakeWorldView({
    bodyAccelMps2: () => ({ xMps2, yMps2 }),
    bodyVelocity: () => ({ vMps: 0.3, wRadps }),
  });
}

/** Half a count of the ±4 g / ±500 °/s ranges, in SI units. */
const ACCEL_TOL = (0.5 / 8192) * G;
const GYRO_TOL = ((0.5 / 65.5) * Math.PI) / 180;

describe('simulated MPU-6050', () => {
  it('sits at its bus and address, asleep, answering WHO_AM_I 0x68', () => {
    const imu = device();
    expect(imu).toMatchObject({ kind: 'i2c', busPath: '/dev/i2c-1', address: 0x68 });
    expect(imu.transfer(pointerWrite(REG_WHO_AM_I), 1, 0)).toEqual(Uint8Array.of(0x68));
    expect(imu.transfer(pointerWrite(REG_PWR_MGMT_1), 1, 0)).toEqual(Uint8Array.of(0x40));
    imu.advance(10_000, moving(1, 0, 1));
    expect(imu.transfer(pointerWrite(REG_ACCEL_XOUT_H), 14, 0)).toEqual(new Uint8Array(14));
  });

  it('once awake, measures body acceleration plus 1 g up, and the turn rate on z', () => {
    const imu = device();
    bringUp(imu);
    imu.advance(1_000, moving(0.5, -0.2, 0.8));
    const sample = readSample(imu);
    expect(Math.abs(sample.accelMps2.x - 0.5)).toBeLessThanOrEqual(ACCEL_TOL);
    expect(Math.abs(sample.accelMps2.y + 0.2)).toBeLessThanOrEqual(ACCEL_TOL);
    expect(Math.abs(sample.accelMps2.z - G)).toBeLessThanOrEqual(ACCEL_TOL);
    expect(Math.abs(sample.gyroRadps.z - 0.8)).toBeLessThanOrEqual(GYRO_TOL);
    expect(sample.gyroRadps.x).toBe(0);
    expect(sample.temperatureC).toBeCloseTo(30, 2);
  });

  it('measures in its own axes: yawed 90° and upside down', () => {
    const imu = device({ mount: { yawDeg: 90, upsideDown: true } });
    bringUp(imu);
    imu.advance(1_000, moving(0.5, 0, 0.8));
    const sample = readSample(imu);
    // Robot forward is sensor +Y; robot up is sensor −Z.
    expect(Math.abs(sample.accelMps2.y - 0.5)).toBeLessThanOrEqual(ACCEL_TOL);
    expect(Math.abs(sample.accelMps2.x)).toBeLessThanOrEqual(ACCEL_TOL);
    expect(Math.abs(sample.accelMps2.z + G)).toBeLessThanOrEqual(ACCEL_TOL);
    expect(Math.abs(sample.gyroRadps.z + 0.8)).toBeLessThanOrEqual(GYRO_TOL);
  });

  it('updates its output registers at the chip sample rate only', () => {
    const imu = device();
    bringUp(imu, 100);
    let wRadps = 0;
    const world = fakeWorldView({ bodyVelocity: () => ({ vMps: 0, wRadps }) });
    const seen: number[] = [];
    for (let t = 1_000; t <= 30_000; t += 1_000) {
      wRadps = t / 10_000;
      imu.advance(t, world);
      seen.push(Math.round(readSample(imu).gyroRadps.z * 10));
    }
    // Samples at 1, 11 and 21 ms (0.1, 1.1, 2.1 rad/s); the steps between them read the last one.
    expect(new Set(seen)).toEqual(new Set([1, 11, 21]));
    expect(seen.indexOf(11)).toBe(10);
    expect(seen.indexOf(21)).toBe(20);
  });

  it('uses the ranges it is set to, saturating beyond them', () => {
    const imu = device();
    bringUp(imu, 100, 2, 250);
    imu.impact(3);
    imu.advance(1_000, moving(0, 0, 10));
    const sample = readSample(imu);
    expect(sample.accelMps2.x).toBeCloseTo((-32768 / 16384) * G, 6);
    expect(sample.gyroRadps.z).toBeCloseTo(((32767 / 131) * Math.PI) / 180, 6);
  });

  it('tilt puts gravity on x (pitch, nose down) and y (roll, left side up)', () => {
    const imu = device();
    bringUp(imu);
    imu.setTiltDeg(0, 30);
    imu.advance(1_000, moving(0, 0, 0));
    let sample = readSample(imu);
    expect(Math.abs(sample.accelMps2.x + G * 0.5)).toBeLessThanOrEqual(ACCEL_TOL);
    expect(Math.abs(sample.accelMps2.z - G * Math.cos(Math.PI / 6))).toBeLessThanOrEqual(ACCEL_TOL);
    imu.setTiltDeg(10, 0);
    imu.advance(20_000, moving(0, 0, 0));
    sample = readSample(imu);
    expect(Math.abs(sample.accelMps2.y - G * Math.sin(Math.PI / 18))).toBeLessThanOrEqual(ACCEL_TOL);
    expect(Math.abs(sample.accelMps2.x)).toBeLessThanOrEqual(ACCEL_TOL);
  });

  it('an impact shows on −x for its duration, then goes away', () => {
    const imu = device();
    bringUp(imu);
    imu.advance(1_000, moving(0, 0, 0));
    imu.impact(2.5, 20);
    const xs: number[] = [];
    for (let t = 11_000; t <= 51_000; t += 10_000) {
      imu.advance(t, moving(0, 0, 0));
      xs.push(Math.round((readSample(imu).accelMps2.x / G) * 10) / 10);
    }
    expect(xs).toEqual([-2.5, -2.5, 0, 0, 0]);
  });

  it('keeps reporting its last value while stuck', () => {
    const imu = device();
    bringUp(imu);
    imu.advance(1_000, moving(1, 0, 0.5));
    imu.setStuck(true);
    imu.advance(50_000, moving(-1, 0, -0.5));
    expect(readSample(imu).accelMps2.x).toBeCloseTo(1, 3);
    imu.setStuck(false);
    imu.advance(60_000, moving(-1, 0, -0.5));
    expect(readSample(imu).accelMps2.x).toBeCloseTo(-1, 3);
  });

  it('adds gaussian noise of the set size from the world’s random numbers', () => {
    const imu = device({}, {});
    bringUp(imu);
    const world = fakeWorldView({ random: seededRandom(7) });
    const zs: number[] = [];
    for (let t = 10_000; t <= 4_000_000; t += 10_000) {
      imu.advance(t, world);
      zs.push(readSample(imu).accelMps2.z);
    }
    const mean = zs.reduce((a, b) => a + b, 0) / zs.length;
    const sd = Math.sqrt(zs.reduce((a, b) => a + (b - mean) ** 2, 0) / zs.length);
    expect(Math.abs(mean - G)).toBeLessThan(0.01);
    expect(sd).toBeGreaterThan(0.02);
    expect(sd).toBeLessThan(0.04);
  });

  it('can stop acknowledging and lose power, for fault scenarios', () => {
    const imu = device();
    bringUp(imu);
    imu.setResponding(false);
    expect(() => imu.transfer(pointerWrite(REG_WHO_AM_I), 1, 0)).toThrow(SimBusError);
    expect(() => imu.transfer(pointerWrite(REG_WHO_AM_I), 1, 0)).toThrow(/EREMOTEIO/);
    imu.setResponding(true);
    imu.powerCycle();
    expect(imu.registers.sleeping).toBe(true);
    imu.advance(10_000, moving(1, 0, 1));
    expect(imu.transfer(pointerWrite(REG_ACCEL_XOUT_H), 2, 0)).toEqual(Uint8Array.of(0, 0));
  });

  it('can pose as a clone with another WHO_AM_I', () => {
    const imu = createMpu6050SimDevice('/dev/i2c-1', 0x69, mpu6050ParamsSchema.parse({}), { whoAmI: 0x72 });
    expect(imu.transfer(pointerWrite(REG_WHO_AM_I), 1, 0)).toEqual(Uint8Array.of(0x72));
  });

  it('rejects nonsense hooks and options', () => {
    expect(() => device({}, { accelNoiseMps2: -1 })).toThrow(RangeError);
    expect(() => device().setTiltDeg(Number.NaN, 0)).toThrow(RangeError);
    expect(() => device().impact(2, 0)).toThrow(RangeError);
  });
});
