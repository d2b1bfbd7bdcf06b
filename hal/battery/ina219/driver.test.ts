import { describe, expect, it } from 'vitest';
import { runClockFor } from '../../../test/harness/clock-steps.js';
import { deviceContext } from '../../../test/harness/device-context.js';
import { RecordingI2cBackend } from '../../../test/harness/recording-i2c-backend.js';
import type { I2cRegisterChip } from '../../../test/harness/recording-i2c-backend.js';
import { VirtualClock } from '../../../time/virtual-clock.js';
import type { DeviceCreateContext } from '../../registry.js';
import type { I2cBackend } from '../../transport/i2c/api.js';
import type { BatteryReading } from '../../../messages/battery-reading.js';
import { Ina219Registers } from './codec.js';
import { INA219_COMPATIBLE, ina219Model } from './driver.js';
import type { Ina219BatteryMonitor } from './driver.js';
import { ina219ParamsSchema } from './params.js';
import type { Ina219Params } from './params.js';

/** A recording bus at /dev/i2c-1 with an INA219 behind it; a test may put something else there. */
function benchBackend(clock: VirtualClock): RecordingI2cBackend {
  return new RecordingI2cBackend<I2cRegisterChip>(clock, new Ina219Registers());
}

/** The INA219 behind the bus. */
function registers(backend: RecordingI2cBackend): Ina219Registers {
  const chip = backend.bus.chip;
  if (!(chip instanceof Ina219Registers)) throw new Error('not an INA219');
  return chip;
}

function context(backend: I2cBackend, clock: VirtualClock, params: unknown = {}): DeviceCreateContext<Ina219Params> {
  return deviceContext({
    id: 'battery',
    bus: { id: 'i2c-1', kind: 'i2c', path: '/dev/i2c-1' },
    address: 0x41,
    params: ina219ParamsSchema.parse(params),
    clock,
    backends: { i2c: backend },
  });
}

/** Advances the clock in 10 ms steps, letting the bus answer between them. */
function run(clock: VirtualClock, deltaUs: number): Promise<void> {
  return runClockFor(clock, deltaUs, 10_000);
}

async function startedMonitor(
  params: unknown = {},
): Promise<{ clock: VirtualClock; backend: RecordingI2cBackend; monitor: Ina219BatteryMonitor }> {
  const clock = new VirtualClock(5_000_000);
  const backend = benchBackend(clock);
  const monitor = ina219Model.create(context(backend, clock, params));
  await monitor.start();
  expect(monitor.health().state).toBe('ok');
  backend.bus.transactions.length = 0;
  return { clock, backend, monitor };
}

describe('INA219 driver: start-up', () => {
  it('resets, writes 32 V / ±320 mV / 12-bit continuous and the calibration, and reads both back', async () => {
    const clock = new VirtualClock();
    const backend = benchBackend(clock);
    const monitor = ina219Model.create(context(backend, clock));
    await monitor.start();
    expect(backend.bus.ops()).toEqual([
      ['write', 0x00, 0x80, 0x00], // RST
      ['write', 0x00, 0x39, 0x9f], // BRNG 32 V, PG /8, BADC/SADC 12-bit, shunt and bus continuous
      ['write', 0x05, 0x10, 0x62], // calibration 4194 for 0.1 Ω, 3.2 A
      ['writeRead', 0x00],
      ['writeRead', 0x05],
    ]);
    expect(backend.bus.transactions.every((t) => t.address === 0x41)).toBe(true);
    expect(monitor.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(monitor.calibrationInUse().calibration).toBe(4194);
    expect(registers(backend).calibration).toBe(4194);
  });

  it('is failed when what answers at the address does not keep an INA219 setup, and retries with backoff', async () => {
    const clock = new VirtualClock();
    const backend = benchBackend(clock);
    backend.bus.chip = { write: () => undefined, readFromPointer: (n) => new Uint8Array(n).fill(0xff) };
    const monitor = ina219Model.create(context(backend, clock));
    await monitor.start();
    expect(monitor.health().state).toBe('failed');
    expect(monitor.health().reason).toBe(
      "the device at 0x41 on /dev/i2c-1 does not keep an INA219's setup: configuration reads 0xffff " +
        '(wrote 0x399f), calibration reads 0xffff (wrote 0x1062)',
    );
    backend.bus.chip = new Ina219Registers();
    await run(clock, 1_300_000);
    expect(monitor.health().state).toBe('ok');
    expect(monitor.counters().initAttempts).toBe(2);
  });
});

describe('INA219 driver: readings', () => {
  it('polls bus voltage, current and power at pollHz and reports the battery side of the shunt', async () => {
    const { clock, backend, monitor } = await startedMonitor();
    // 1.5 A through 0.1 Ω: 150 mV across the shunt, 11.85 V at IN−, so 12.0 V at the battery.
    registers(backend).convert(0.15, 11.85);
    const readings: BatteryReading[] = [];
    monitor.onReading((reading) => readings.push(reading));
    await run(clock, 200_000);
    expect(readings).toHaveLength(2);
    expect(backend.bus.ops().slice(0, 3)).toEqual([
      ['writeRead', 0x02],
      ['writeRead', 0x04],
      ['writeRead', 0x03],
    ]);
    const reading = readings[0];
    if (!reading) throw new Error('no reading');
    const lsbA = monitor.calibrationInUse().currentLsbA;
    expect(Math.abs(reading.currentA - 1.5)).toBeLessThanOrEqual(lsbA);
    expect(Math.abs(reading.voltageV - 12.0)).toBeLessThanOrEqual(0.004 + 0.1 * lsbA); // one bus LSB + one current LSB
    expect(Math.abs(reading.powerW - 1.5 * 11.85)).toBeLessThanOrEqual(20 * lsbA * 2);
    expect(reading.stampUs).toBe(5_100_000);
    expect(monitor.lastReading()).toEqual(readings[1]);
    expect(monitor.counters()).toMatchObject({ readings: 2, badReads: 0, overflows: 0 });
  });

  it('is degraded while OVF is set, ok again once a reading comes without it', async () => {
    const { clock, backend, monitor } = await startedMonitor({ maxCurrentA: 1 });
    registers(backend).convert(0.2, 12); // 2 A with a 1 A calibration: the current register overflows
    await run(clock, 100_000);
    expect(monitor.health().state).toBe('degraded');
    expect(monitor.health().reason).toMatch(/OVF.*maxCurrentA \(1 A\)/);
    expect(monitor.counters().overflows).toBe(1);
    registers(backend).convert(0.05, 12);
    await run(clock, 100_000);
    expect(monitor.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(monitor.lastReading()?.currentA).toBeCloseTo(0.5, 3);
  });
});

describe('INA219 driver: faults and recovery', () => {
  it('degraded, then failed while the chip NACKs; sets it up again after its backoff', async () => {
    const { clock, backend, monitor } = await startedMonitor();
    backend.bus.nack = 'EREMOTEIO';
    await run(clock, 100_000);
    expect(monitor.health()).toMatchObject({ state: 'degraded', reason: expect.stringMatching(/EREMOTEIO/) });
    await run(clock, 200_000);
    expect(monitor.health().state).toBe('failed');
    const attempts = backend.bus.transactions.length;
    await run(clock, 500_000);
    expect(backend.bus.transactions).toHaveLength(attempts);

    backend.bus.nack = undefined;
    registers(backend).powerOn();
    await run(clock, 1_300_000);
    expect(monitor.health().state).toBe('ok');
    expect(registers(backend).calibration).toBe(4194);
    expect(monitor.counters()).toMatchObject({ initAttempts: 2, errors: 3, retries: 6 });
  });

  it('writes the calibration again when the chip comes back from a power cycle with none', async () => {
    const { clock, backend, monitor } = await startedMonitor();
    registers(backend).powerOn();
    await run(clock, 1_100_000);
    expect(monitor.counters().setupLost).toBe(1);
    expect(registers(backend).calibration).toBe(4194);
    expect(monitor.health().state).toBe('ok');
  });

  it('stop() closes the bus and stops polling', async () => {
    const { clock, backend, monitor } = await startedMonitor();
    await monitor.stop();
    await run(clock, 3_000_000);
    expect(backend.bus.transactions).toHaveLength(0);
    expect(backend.bus.closed).toBe(true);
    expect(monitor.health().state).toBe('stopped');
  });
});

describe('INA219 model and params', () => {
  it('is registered as an I2C battery monitor', () => {
    expect(ina219Model).toMatchObject({ compatible: INA219_COMPATIBLE, kind: 'battery', busKind: 'i2c' });
    expect(INA219_COMPATIBLE).toBe('ti,ina219');
  });

  it('defaults to a 0.1 Ω shunt, 3.2 A and 10 Hz', () => {
    expect(ina219ParamsSchema.parse({})).toEqual({ shuntOhms: 0.1, maxCurrentA: 3.2, pollHz: 10 });
  });

  it('refuses a maximum current the shunt ADC cannot measure, naming the field', () => {
    const result = ina219ParamsSchema.safeParse({ shuntOhms: 0.1, maxCurrentA: 5 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['maxCurrentA'],
      message: expect.stringMatching(/at most 3\.2 A with a 0\.1 Ω shunt/),
    });
    expect(ina219ParamsSchema.safeParse({ shuntOhms: 0.01, maxCurrentA: 20 }).success).toBe(true);
    expect(ina219ParamsSchema.safeParse({ pollHz: 0 }).success).toBe(false);
    expect(ina219ParamsSchema.safeParse({ address: 0x40 }).success).toBe(false);
  });
});
