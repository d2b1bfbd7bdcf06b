import { describe, expect, it } from 'vitest';
import { runClockFor, settle } from '../../../test/harness/clock-steps.js';
import { deviceContext } from '../../../test/harness/device-context.js';
import { RecordingI2cBackend } from '../../../test/harness/recording-i2c-backend.js';
import { VirtualClock } from '../../../time/virtual-clock.js';
import type { DeviceHealth } from '../../device-health.js';
import type { DeviceCreateContext } from '../../registry.js';
import type { I2cBackend } from '../../transport/i2c/api.js';
import type { ImuSample } from '../../../messages/imu-sample.js';
import { Mpu6050Registers, STANDARD_GRAVITY_MPS2, rawFromSample } from './codec.js';
import type { Mpu6050RawSample } from './codec.js';
import { MPU6050_COMPATIBLE, mpu6050Model } from './driver.js';
import type { Mpu6050Imu } from './driver.js';
import { mpu6050ParamsSchema } from './params.js';

type BenchBackend = RecordingI2cBackend<Mpu6050Registers>;

/** A recording bus at /dev/i2c-1 with an MPU-6050 register file behind it, like a breakout on the bench. */
function benchBackend(clock: VirtualClock): BenchBackend {
  return new RecordingI2cBackend(clock, new Mpu6050Registers());
}

function context(backend: I2cBackend, clock: VirtualClock, params: unknown = {}): DeviceCreateContext<never> {
  return deviceContext({
    id: 'imu',
    bus: { id: 'i2c-1', kind: 'i2c', path: '/dev/i2c-1' },
    address: 0x68,
    params: mpu6050ParamsSchema.parse(params) as never,
    clock,
    backends: { i2c: backend },
  });
}

/** Advances the clock in steps, letting the bus answer between them. */
function run(clock: VirtualClock, deltaUs: number, stepUs = 1_000): Promise<void> {
  return runClockFor(clock, deltaUs, stepUs);
}

/** A started IMU (start sequence done, transactions cleared). */
async function startedImu(
  params: unknown = {},
): Promise<{ clock: VirtualClock; backend: BenchBackend; imu: Mpu6050Imu }> {
  const clock = new VirtualClock(1_000_000);
  const backend = benchBackend(clock);
  const imu = mpu6050Model.create(context(backend, clock, params));
  const started = imu.start();
  await settle();
  clock.advanceBy(100_000);
  await started;
  expect(imu.health().state).toBe('ok');
  backend.bus.transactions.length = 0;
  return { clock, backend, imu };
}

/** The chip at rest, flat, chip up, turning left at 1 rad/s, in the ranges of the default params (±4 g, ±500 °/s). */
function restingTurnLeft(): Mpu6050RawSample {
  return rawFromSample(
    { accelMps2: { x: 0.5, y: 0, z: STANDARD_GRAVITY_MPS2 }, gyroRadps: { x: 0, y: 0, z: 1 }, temperatureC: 31 },
    4,
    500,
  );
}

describe('MPU-6050 driver: start-up', () => {
  it('checks WHO_AM_I, resets, waits 100 ms on the clock, wakes on the PLL, writes and verifies its setup', async () => {
    const clock = new VirtualClock(1_000_000);
    const backend = benchBackend(clock);
    const imu = mpu6050Model.create(context(backend, clock));
    let done = false;
    const started = imu.start().then(() => (done = true));
    await settle();
    expect(backend.bus.ops()).toEqual([
      ['writeRead', 0x75], // WHO_AM_I
      ['write', 0x6b, 0x80], // DEVICE_RESET
    ]);
    await run(clock, 99_000);
    expect(backend.bus.transactions).toHaveLength(2);
    expect(done).toBe(false);
    expect(imu.health().state).toBe('starting');

    clock.advanceBy(1_000);
    await started;
    expect(backend.bus.ops().slice(2)).toEqual([
      ['write', 0x6b, 0x01], // awake, CLKSEL 1: PLL with X gyro
      ['write', 0x19, 9, 3, 0x08, 0x08], // 100 Hz: SMPLRT_DIV 9, DLPF_CFG 3, ±500 °/s, ±4 g
      ['writeRead', 0x19], // read back 25..28
    ]);
    expect(backend.bus.transactions[2]?.atUs).toBe(1_100_000);
    expect(backend.bus.transactions.every((t) => t.address === 0x68)).toBe(true);
    expect(imu.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(backend.bus.chip.sleeping).toBe(false);
    expect(backend.bus.chip.sampleRateHz).toBe(100);
    expect(imu.counters()).toMatchObject({ initAttempts: 1, transactions: 5, errors: 0 });
  });

  it('is failed with a plain reason when WHO_AM_I is not 0x68, and keeps checking with backoff', async () => {
    const clock = new VirtualClock();
    const backend = benchBackend(clock);
    backend.bus.chip = new Mpu6050Registers(0x98);
    const imu = mpu6050Model.create(context(backend, clock));
    await imu.start();
    expect(imu.health().state).toBe('failed');
    expect(imu.health().reason).toMatch(/^found 0x98 at 0x68 on \/dev\/i2c-1, expected an MPU6050 \(0x68\)/);
    expect(backend.bus.ops()).toEqual([['writeRead', 0x75]]);

    backend.bus.chip = new Mpu6050Registers();
    await run(clock, 1_300_000, 10_000);
    expect(imu.health().state).toBe('ok');
    expect(imu.counters().initAttempts).toBe(2);
  });

  it('never rejects when the bus cannot be opened; reopens it with backoff', async () => {
    const clock = new VirtualClock();
    const backend = benchBackend(clock);
    backend.openFailures = ['ENOENT', 'EACCES'];
    const imu = mpu6050Model.create(context(backend, clock));
    await imu.start();
    expect(imu.health()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/start failed: ENOENT/) });
    await run(clock, 1_200_000, 10_000);
    expect(backend.opens).toBe(2);
    expect(imu.health().reason).toMatch(/EACCES/);
    await run(clock, 2_100_000, 10_000);
    expect(backend.opens).toBe(3);
    expect(imu.health().state).toBe('ok');
  });

  it('is failed when the chip does not keep its setup (registers 25..28 read back wrong)', async () => {
    const clock = new VirtualClock();
    const backend = benchBackend(clock);
    const chip = backend.bus.chip;
    const write = chip.write.bind(chip);
    chip.write = (bytes) => write(bytes[0] === 0x19 ? bytes.subarray(0, 1) : bytes);
    const imu = mpu6050Model.create(context(backend, clock));
    const started = imu.start();
    await settle();
    await run(clock, 100_000);
    await started;
    expect(imu.health().state).toBe('failed');
    expect(imu.health().reason).toMatch(/did not keep its setup: registers 0x19..0x1c read 0x00 0x00 0x00 0x00/);
  });
});

describe('MPU-6050 driver: samples', () => {
  it('polls the 14 measurement registers at sampleRateHz and delivers SI units in the robot frame', async () => {
    const { clock, backend, imu } = await startedImu();
    backend.bus.chip.latch(restingTurnLeft());
    const samples: ImuSample[] = [];
    imu.onSample((sample) => samples.push(sample));

    await run(clock, 50_000);
    expect(samples).toHaveLength(5);
    expect(backend.bus.ops()[0]).toEqual(['writeRead', 0x3b]);
    expect(backend.bus.transactions[0]?.readLength).toBe(14);
    const sample = samples[0];
    if (!sample) throw new Error('no sample');
    expect(sample.accelMps2.x).toBeCloseTo(0.5, 2);
    expect(sample.accelMps2.y).toBeCloseTo(0, 3);
    expect(sample.accelMps2.z).toBeCloseTo(STANDARD_GRAVITY_MPS2, 2);
    expect(sample.gyroRadps.z).toBeCloseTo(1, 3);
    expect(sample.temperatureC).toBeCloseTo(31, 2);
    expect(samples.map((s) => s.stampUs)).toEqual([1_110_000, 1_120_000, 1_130_000, 1_140_000, 1_150_000]);
    expect(imu.lastSample()).toEqual(samples[4]);
    expect(imu.counters()).toMatchObject({ samples: 5, badReads: 0, overruns: 0 });
  });

  it('rotates through the mount: a board yawed 90° and upside down', async () => {
    const { clock, backend, imu } = await startedImu({ mount: { yawDeg: 90, upsideDown: true } });
    // Chip down, X pointing left: gravity and a left turn both show on sensor −Z, sensor +X is robot +y.
    backend.bus.chip.latch(
      rawFromSample(
        { accelMps2: { x: 0.5, y: 0, z: -STANDARD_GRAVITY_MPS2 }, gyroRadps: { x: 0, y: 0, z: -1 }, temperatureC: 30 },
        4,
        500,
      ),
    );
    await run(clock, 10_000);
    const sample = imu.lastSample();
    if (!sample) throw new Error('no sample');
    expect(sample.accelMps2.x).toBeCloseTo(0, 3);
    expect(sample.accelMps2.y).toBeCloseTo(0.5, 2);
    expect(sample.accelMps2.z).toBeCloseTo(STANDARD_GRAVITY_MPS2, 2);
    expect(sample.gyroRadps.z).toBeCloseTo(1, 3);
  });

  it('counts a poll as an overrun while the previous one is still on the bus', async () => {
    const { clock, backend, imu } = await startedImu();
    backend.bus.hold();
    await run(clock, 30_000);
    expect(imu.counters().overruns).toBe(2);
    backend.bus.letGo();
    await settle();
    expect(imu.counters().samples).toBe(1);
  });

  it('a listener that throws does not stop the others or the polling', async () => {
    const { clock, imu } = await startedImu();
    const seen: number[] = [];
    imu.onSample(() => {
      throw new Error('listener bug');
    });
    imu.onSample((sample) => seen.push(sample.stampUs));
    await run(clock, 20_000);
    expect(seen).toHaveLength(2);
    expect(imu.health().state).toBe('ok');
  });
});

describe('MPU-6050 driver: faults and recovery', () => {
  it('degraded, then failed while the chip NACKs; stops polling; starts it again after its backoff', async () => {
    const { clock, backend, imu } = await startedImu();
    const states: string[] = [];
    imu.onHealthChange((health: DeviceHealth) => {
      if (states.at(-1) !== health.state) states.push(health.state);
    });
    backend.bus.nack = 'EREMOTEIO';

    await run(clock, 10_000);
    expect(imu.health()).toMatchObject({ state: 'degraded', reason: expect.stringMatching(/EREMOTEIO/) });
    expect(backend.bus.transactions).toHaveLength(3); // one poll, two immediate retries
    await run(clock, 20_000);
    expect(imu.health().state).toBe('failed');
    expect(imu.health().reason).toMatch(/3 transaction\(s\) failed in a row/);
    const failedAtUs = clock.nowUs();
    const attempts = backend.bus.transactions.length;
    await run(clock, 700_000, 10_000);
    expect(backend.bus.transactions).toHaveLength(attempts);

    backend.bus.nack = undefined;
    backend.bus.chip.powerOn();
    await run(clock, 1_400_000, 10_000);
    expect(imu.health().state).toBe('ok');
    expect(states).toEqual(['degraded', 'failed', 'ok']);
    expect(clock.nowUs() - failedAtUs).toBeGreaterThan(800_000);
    expect(backend.bus.chip.sleeping).toBe(false);
    expect(imu.counters()).toMatchObject({ initAttempts: 2, errors: 3, retries: 6 });
    const before = imu.counters().samples ?? 0;
    await run(clock, 30_000);
    expect(imu.counters().samples).toBe(before + 3);
  });

  it('sets the chip up again when it is found asleep after a brown-out', async () => {
    const { clock, backend, imu } = await startedImu();
    backend.bus.chip.powerOn();
    expect(backend.bus.chip.sleeping).toBe(true);
    await run(clock, 1_000_000, 10_000);
    await run(clock, 110_000, 10_000);
    expect(imu.counters().setupLost).toBe(1);
    expect(imu.counters().initAttempts).toBe(2);
    expect(backend.bus.chip.sleeping).toBe(false);
    expect(backend.bus.chip.accelRangeG).toBe(4);
    expect(imu.health().state).toBe('ok');
  });

  it('reopens the bus when its handle goes bad', async () => {
    const { clock, backend, imu } = await startedImu();
    backend.bus.nack = 'ENXIO';
    await run(clock, 10_000);
    expect(imu.health()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/lost the bus: ENXIO/) });
    expect(backend.bus.closes).toBe(1);
    backend.bus.nack = undefined;
    await run(clock, 1_400_000, 10_000);
    expect(backend.opens).toBe(2);
    expect(imu.health().state).toBe('ok');
  });

  it('stop() closes the bus, stops polling and retrying, and says stopped', async () => {
    const { clock, backend, imu } = await startedImu();
    await imu.stop();
    expect(imu.health().state).toBe('stopped');
    expect(backend.bus.closes).toBe(1);
    await run(clock, 2_000_000, 10_000);
    expect(backend.bus.transactions).toHaveLength(0);
  });

  it('stop() during the reset wait ends start() and leaves the chip alone', async () => {
    const clock = new VirtualClock();
    const backend = benchBackend(clock);
    const imu = mpu6050Model.create(context(backend, clock));
    const started = imu.start();
    await settle();
    await imu.stop();
    await started;
    await run(clock, 200_000, 10_000);
    expect(backend.bus.ops()).toEqual([
      ['writeRead', 0x75],
      ['write', 0x6b, 0x80],
    ]);
    expect(imu.health().state).toBe('stopped');
  });
});

describe('MPU-6050 model', () => {
  it('is registered as an I2C IMU with validated params', () => {
    expect(mpu6050Model).toMatchObject({ compatible: MPU6050_COMPATIBLE, kind: 'imu', busKind: 'i2c' });
    expect(MPU6050_COMPATIBLE).toBe('invensense,mpu6050');
    expect(mpu6050ParamsSchema.parse({})).toEqual({
      sampleRateHz: 100,
      accelRangeG: 4,
      gyroRangeDps: 500,
      mount: { yawDeg: 0, upsideDown: false },
    });
    expect(mpu6050ParamsSchema.safeParse({ accelRangeG: 3 }).success).toBe(false);
    expect(mpu6050ParamsSchema.safeParse({ sampleRateHz: 2000 }).success).toBe(false);
    expect(mpu6050ParamsSchema.safeParse({ address: 0x68 }).success).toBe(false);
  });

  it('refuses a bus that is not I2C, and defaults the address to 0x68', () => {
    const clock = new VirtualClock();
    const backend = benchBackend(clock);
    expect(() =>
      mpu6050Model.create({ ...context(backend, clock), bus: { id: 'uart0', kind: 'serial', path: '/dev/ttyS0' } }),
    ).toThrow(/needs an i2c bus/);
    const imu = mpu6050Model.create({ ...context(backend, clock), address: undefined });
    void imu.start();
    return settle().then(() => expect(backend.bus.transactions[0]?.address).toBe(0x68));
  });
});
