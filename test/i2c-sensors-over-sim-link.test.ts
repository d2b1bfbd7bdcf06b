import { afterEach, describe, expect, it } from 'vitest';
import type { BusConfig } from '../config/board-schema.js';
import type { BatteryReading } from '../messages/battery-reading.js';
import { ina219Model, type Ina219BatteryMonitor } from '../hal/battery/ina219/driver.js';
import { ina219ParamsSchema } from '../hal/battery/ina219/params.js';
import type { DeviceHealth } from '../hal/device-health.js';
import type { ImuSample } from '../messages/imu-sample.js';
import { STANDARD_GRAVITY_MPS2 } from '../hal/imu/mpu6050/codec.js';
import { mpu6050Model, type Mpu6050Imu } from '../hal/imu/mpu6050/driver.js';
import { mpu6050ParamsSchema } from '../hal/imu/mpu6050/params.js';
import { createIna219SimDevice, type Ina219SimDevice } from '../simulator/devices/ina219-model.js';
import { createMpu6050SimDevice, type Mpu6050SimDevice } from '../simulator/devices/mpu6050-model.js';
import type { SimWorldView } from '../simulator/devices/sim-device.js';
import { fakeWorldView } from './harness/fake-world-view.js';
import { SimLinkPair, seededRandom } from './harness/sim-link-pair.js';

const I2C_BUS = '/dev/i2c-1';
const BUS: BusConfig = { id: 'i2c-1', kind: 'i2c', path: I2C_BUS };
/** MPU-6050 breakout with AD0 low. */
const IMU_ADDRESS = 0x68;
/** INA219 with A0 bridged: 0x41, clear of a Waveshare motor HAT's 0x40. */
const BATTERY_ADDRESS = 0x41;
const MS = 1_000;
const G = STANDARD_GRAVITY_MPS2;

const pairs: SimLinkPair[] = [];

afterEach(() => {
  for (const pair of pairs.splice(0)) pair.close();
});

/** The robot driving forward, speeding up gently and turning left, its motors drawing 1.5 A. */
function cruising(): SimWorldView {
  return fakeWorldView({
    random: seededRandom(3),
    bodyVelocity: () => ({ vMps: 0.3, wRadps: 0.5 }),
    bodyAccelMps2: () => ({ xMps2: 0.2, yMps2: 0.15 }),
    motorCurrentA: () => 1.5,
  });
}

interface Rig {
  pair: SimLinkPair;
  imuChip: Mpu6050SimDevice;
  batteryChip: Ina219SimDevice;
  imu: Mpu6050Imu;
  battery: Ina219BatteryMonitor;
  world: SimWorldView;
  /** Runs the world in 5 ms quanta up to `toUs`: chip time first (as the physics step does), then the lock-step tick. */
  runUntil(toUs: number): Promise<void>;
}

/** The real MPU-6050 and INA219 drivers on the robot side; the simulated chips on one bus on the world side. */
function setUp(options: { whoAmI?: number; batteryAddress?: number } = {}): Rig {
  const imuParams = mpu6050ParamsSchema.parse({});
  const batteryParams = ina219ParamsSchema.parse({});
  const imuChip = createMpu6050SimDevice(I2C_BUS, IMU_ADDRESS, imuParams, { whoAmI: options.whoAmI ?? 0x68 });
  const batteryChip = createIna219SimDevice(I2C_BUS, BATTERY_ADDRESS, batteryParams);
  const pair = new SimLinkPair([imuChip, batteryChip]);
  pairs.push(pair);
  const common = { bus: BUS, pins: {}, clock: pair.clock, backends: pair.backends };
  const imu = mpu6050Model.create({ ...common, id: 'imu', address: IMU_ADDRESS, params: imuParams });
  const battery = ina219Model.create({
    ...common,
    id: 'battery',
    address: options.batteryAddress ?? BATTERY_ADDRESS,
    params: batteryParams,
  });
  const world = cruising();
  const runUntil = async (toUs: number): Promise<void> => {
    while (pair.nowUs() < toUs) {
      const stepTo = Math.min(toUs, pair.nowUs() + 5 * MS);
      imuChip.advance(stepTo, world);
      batteryChip.advance(stepTo, world);
      await pair.step(stepTo, world);
    }
  };
  return { pair, imuChip, batteryChip, imu, battery, world, runUntil };
}

/** Starts both drivers; the IMU's reset wait takes 100 ms of sim time. */
async function startBoth(rig: Rig): Promise<void> {
  const started = Promise.all([rig.imu.start(), rig.battery.start()]);
  await rig.pair.client.settled();
  await rig.runUntil(rig.pair.nowUs() + 120 * MS);
  await started;
}

function collect(rig: Rig): { samples: ImuSample[]; readings: BatteryReading[] } {
  const samples: ImuSample[] = [];
  const readings: BatteryReading[] = [];
  rig.imu.onSample((sample) => samples.push(sample));
  rig.battery.onReading((reading) => readings.push(reading));
  return { samples, readings };
}

describe('MPU-6050 and INA219 drivers over the sim link, against the simulated chips', () => {
  it('GIVEN both on one bus WHEN started THEN the IMU sees the motion and the monitor the battery under load', async () => {
    const rig = setUp();
    await startBoth(rig);
    expect(rig.imu.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(rig.battery.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(rig.imuChip.registers.sleeping).toBe(false);
    expect(rig.imuChip.registers.sampleRateHz).toBe(100);
    expect(rig.batteryChip.registers.calibration).toBe(4194);

    const { samples, readings } = collect(rig);
    await rig.runUntil(rig.pair.nowUs() + 1_000 * MS);

    expect(samples.length).toBeGreaterThanOrEqual(99);
    expect(samples.length).toBeLessThanOrEqual(101);
    const mean = (pick: (s: ImuSample) => number): number => samples.reduce((a, s) => a + pick(s), 0) / samples.length;
    expect(mean((s) => s.accelMps2.x)).toBeCloseTo(0.2, 1);
    expect(mean((s) => s.accelMps2.y)).toBeCloseTo(0.15, 1);
    expect(mean((s) => s.accelMps2.z)).toBeCloseTo(G, 1);
    expect(mean((s) => s.gyroRadps.z)).toBeCloseTo(0.5, 2);
    expect(mean((s) => s.temperatureC)).toBeCloseTo(30, 1);

    expect(readings.length).toBe(10);
    const last = readings.at(-1);
    if (!last) throw new Error('no reading');
    // 1.5 A motors + 0.3 A electronics through 0.1 Ω internal resistance: 12.6 − 0.18 = 12.42 V.
    expect(last.currentA).toBeCloseTo(1.8, 3);
    expect(last.voltageV).toBeCloseTo(12.42, 2);
    expect(last.powerW).toBeCloseTo(1.8 * (12.42 - 0.18), 1);
    expect(rig.battery.counters()).toMatchObject({ errors: 0, overflows: 0, badReads: 0 });
  });

  it('shows a tilt and an impact the scenario injects, for reflex tests', async () => {
    const rig = setUp();
    await startBoth(rig);
    const { samples } = collect(rig);
    rig.imuChip.setTiltDeg(0, 20);
    await rig.runUntil(rig.pair.nowUs() + 100 * MS);
    const tiltedX = samples.slice(-5).reduce((sum, s) => sum + s.accelMps2.x, 0) / 5;
    expect(tiltedX).toBeCloseTo(0.2 - G * Math.sin((20 * Math.PI) / 180), 1);

    rig.imuChip.setTiltDeg(0, 0);
    rig.imuChip.impact(3);
    const before = samples.length;
    await rig.runUntil(rig.pair.nowUs() + 100 * MS);
    const minX = Math.min(...samples.slice(before).map((s) => s.accelMps2.x));
    expect(minX).toBeLessThan(-2.5 * G);
    expect(samples.at(-1)?.accelMps2.x).toBeCloseTo(0.2, 0);
  });

  it('reports the battery sagging as the scenario drains it', async () => {
    const rig = setUp();
    await startBoth(rig);
    const { readings } = collect(rig);
    await rig.runUntil(rig.pair.nowUs() + 200 * MS);
    const startV = readings.at(-1)?.voltageV ?? NaN;
    rig.batteryChip.setSagPerSecond(0.5);
    await rig.runUntil(rig.pair.nowUs() + 2_000 * MS);
    expect(startV - (readings.at(-1)?.voltageV ?? NaN)).toBeCloseTo(1.0, 1);
    rig.batteryChip.setBatteryVoltage(10.5);
    rig.batteryChip.setSagPerSecond(0);
    await rig.runUntil(rig.pair.nowUs() + 200 * MS);
    expect(readings.at(-1)?.voltageV).toBeCloseTo(10.5 - 1.8 * 0.1, 2);
  });

  it('GIVEN the IMU stops answering WHEN it answers again THEN it recovers by itself and the monitor never noticed', async () => {
    const rig = setUp();
    await startBoth(rig);
    const { samples } = collect(rig);
    const states: string[] = [];
    rig.imu.onHealthChange((health: DeviceHealth) => {
      if (states.at(-1) !== health.state) states.push(health.state);
    });

    rig.imuChip.setResponding(false);
    await rig.runUntil(rig.pair.nowUs() + 100 * MS);
    expect(rig.imu.health().state).toBe('failed');
    expect(rig.imu.health().reason).toMatch(/EREMOTEIO/);
    const failedAtUs = rig.pair.nowUs();
    const samplesWhileFailed = samples.length;

    rig.imuChip.setResponding(true);
    rig.imuChip.powerCycle();
    await rig.runUntil(failedAtUs + 600 * MS);
    expect(rig.imu.health().state).toBe('failed'); // the restart comes 1 s ± 20 % after the failure
    await rig.runUntil(failedAtUs + 1_500 * MS);
    expect(rig.imu.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(states).toEqual(['degraded', 'failed', 'ok']);
    expect(samples.length).toBeGreaterThan(samplesWhileFailed + 10);
    expect(samples.at(-1)?.accelMps2.z).toBeCloseTo(G, 0);
    expect(rig.imu.counters()).toMatchObject({ initAttempts: 2, errors: 3 });
    expect(rig.battery.health().state).toBe('ok');
    expect(rig.battery.counters().errors).toBe(0);
  });

  it('GIVEN the monitor browns out WHEN it is back THEN it is calibrated again and reads right', async () => {
    const rig = setUp();
    await startBoth(rig);
    rig.batteryChip.setResponding(false);
    await rig.runUntil(rig.pair.nowUs() + 400 * MS);
    expect(rig.battery.health()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/EREMOTEIO/) });

    rig.batteryChip.powerCycle();
    rig.batteryChip.setResponding(true);
    expect(rig.batteryChip.registers.calibration).toBe(0);
    await rig.runUntil(rig.pair.nowUs() + 1_500 * MS);
    expect(rig.battery.health().state).toBe('ok');
    expect(rig.batteryChip.registers.calibration).toBe(4194);
    expect(rig.battery.lastReading()?.currentA).toBeCloseTo(1.8, 3);
    expect(rig.imu.health().state).toBe('ok');
  });

  it('is failed with a plain reason for a clone IMU and for a monitor at the wrong address', async () => {
    const rig = setUp({ whoAmI: 0x98, batteryAddress: 0x45 });
    await startBoth(rig);
    expect(rig.imu.health()).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/^found 0x98 at 0x68 on \/dev\/i2c-1, expected an MPU6050 \(0x68\)/),
    });
    expect(rig.battery.health()).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/EREMOTEIO.*no device acknowledged at 0x45/),
    });
  });
});
