import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../time/virtual-clock.js';
import type { DeviceCreateContext, TransportBackends } from '../../registry.js';
import type { I2cBackend, I2cBus } from '../../transport/i2c/api.js';
import { TransportError } from '../../transport/transport-error.js';
import type { TransportErrorCode } from '../../transport/transport-error.js';
import type { BatteryReading } from '../api.js';
import { Ina219Registers } from './codec.js';
import { INA219_COMPATIBLE, ina219Model } from './driver.js';
import type { Ina219BatteryMonitor } from './driver.js';
import { ina219ParamsSchema } from './params.js';
import type { Ina219Params } from './params.js';

/** What sits at the address: an INA219 register file, or something else that answers. */
interface Chip {
  write(bytes: Uint8Array): void;
  readFromPointer(length: number): Uint8Array;
}

interface Transaction {
  op: 'write' | 'writeRead' | 'read';
  address: number;
  bytes: number[];
  atUs: number;
}

/** A recording I2C bus with one chip behind it; it can stop acknowledging. */
class BenchBus implements I2cBus {
  readonly path = '/dev/i2c-1';
  readonly transactions: Transaction[] = [];
  chip: Chip = new Ina219Registers();
  nack: TransportErrorCode | undefined;
  closed = false;

  constructor(private readonly clock: VirtualClock) {}

  get registers(): Ina219Registers {
    if (!(this.chip instanceof Ina219Registers)) throw new Error('not an INA219');
    return this.chip;
  }

  ops(): Array<[string, ...number[]]> {
    return this.transactions.map((t) => [t.op, ...t.bytes]);
  }

  async write(address: number, bytes: Uint8Array): Promise<void> {
    this.transfer('write', address, bytes);
    this.chip.write(bytes);
  }

  async read(address: number, length: number): Promise<Uint8Array> {
    this.transfer('read', address, new Uint8Array(0));
    return this.chip.readFromPointer(length);
  }

  async writeRead(address: number, bytes: Uint8Array, readLength: number): Promise<Uint8Array> {
    this.transfer('writeRead', address, bytes);
    this.chip.write(bytes);
    return this.chip.readFromPointer(readLength);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private transfer(op: Transaction['op'], address: number, bytes: Uint8Array): void {
    this.transactions.push({ op, address, bytes: [...bytes], atUs: this.clock.nowUs() });
    if (this.closed) throw new TransportError('ECLOSED', `${this.path} is closed`);
    if (this.nack) throw new TransportError(this.nack, `no acknowledge from 0x${address.toString(16)}`);
  }
}

class BenchBackend implements I2cBackend {
  readonly kind = 'bench';
  readonly bus: BenchBus;
  opens = 0;

  constructor(clock: VirtualClock) {
    this.bus = new BenchBus(clock);
  }

  async open(): Promise<I2cBus> {
    this.opens++;
    this.bus.closed = false;
    return this.bus;
  }
}

const unused = (): Promise<never> => Promise.reject(new Error('not used by this device'));
const otherBackends: Omit<TransportBackends, 'i2c'> = {
  serial: { kind: 'unused', open: unused, list: unused },
  gpio: { kind: 'unused', open: unused },
  pwm: { kind: 'unused', open: unused },
};

function context(backend: I2cBackend, clock: VirtualClock, params: unknown = {}): DeviceCreateContext<Ina219Params> {
  return {
    id: 'battery',
    bus: { id: 'i2c-1', kind: 'i2c', path: '/dev/i2c-1' },
    address: 0x41,
    pins: {},
    params: ina219ParamsSchema.parse(params),
    clock,
    backends: { ...otherBackends, i2c: backend },
  };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

async function run(clock: VirtualClock, deltaUs: number, stepUs = 10_000): Promise<void> {
  const end = clock.nowUs() + deltaUs;
  while (clock.nowUs() < end) {
    clock.advanceTo(Math.min(end, clock.nowUs() + stepUs));
    await flush();
  }
}

async function startedMonitor(
  params: unknown = {},
): Promise<{ clock: VirtualClock; backend: BenchBackend; monitor: Ina219BatteryMonitor }> {
  const clock = new VirtualClock(5_000_000);
  const backend = new BenchBackend(clock);
  const monitor = ina219Model.create(context(backend, clock, params));
  await monitor.start();
  expect(monitor.health().state).toBe('ok');
  backend.bus.transactions.length = 0;
  return { clock, backend, monitor };
}

describe('INA219 driver: start-up', () => {
  it('resets, writes 32 V / ±320 mV / 12-bit continuous and the calibration, and reads both back', async () => {
    const clock = new VirtualClock();
    const backend = new BenchBackend(clock);
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
    expect(backend.bus.registers.calibration).toBe(4194);
  });

  it('is failed when what answers at the address does not keep an INA219 setup, and retries with backoff', async () => {
    const clock = new VirtualClock();
    const backend = new BenchBackend(clock);
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
    backend.bus.registers.convert(0.15, 11.85);
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
    backend.bus.registers.convert(0.2, 12); // 2 A with a 1 A calibration: the current register overflows
    await run(clock, 100_000);
    expect(monitor.health().state).toBe('degraded');
    expect(monitor.health().reason).toMatch(/OVF.*maxCurrentA \(1 A\)/);
    expect(monitor.counters().overflows).toBe(1);
    backend.bus.registers.convert(0.05, 12);
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
    backend.bus.registers.powerOn();
    await run(clock, 1_300_000);
    expect(monitor.health().state).toBe('ok');
    expect(backend.bus.registers.calibration).toBe(4194);
    expect(monitor.counters()).toMatchObject({ initAttempts: 2, errors: 3, retries: 6 });
  });

  it('writes the calibration again when the chip comes back from a power cycle with none', async () => {
    const { clock, backend, monitor } = await startedMonitor();
    backend.bus.registers.powerOn();
    await run(clock, 1_100_000);
    expect(monitor.counters().setupLost).toBe(1);
    expect(backend.bus.registers.calibration).toBe(4194);
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
