import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../time/virtual-clock.js';
import type { DeviceHealth } from '../../device-health.js';
import { TransportError } from '../transport-error.js';
import type { TransportErrorCode } from '../transport-error.js';
import type { I2cBackend, I2cBus } from './api.js';
import { ChipMismatchError, PolledI2cSensor } from './polled-i2c-sensor.js';
import type { PolledI2cChip } from './polled-i2c-sensor.js';
import type { RetryingI2cDevice } from './retrying-i2c-device.js';

const ADDRESS = 0x42;
/** The test chip's setup register and the value it must hold. */
const REG_SETUP = 0x01;
const SETUP = 0x5a;
/** The test chip's 16-bit measurement register. */
const REG_VALUE = 0x10;
const PERIOD_US = 10_000;
/** With `random` at 0.5 the jitter is zero: the first restart comes exactly 1 s after the failure. */
const FIRST_RESTART_US = 1_000_000;

/** A register file behind a recording bus; it can fail every transaction, answer short, or hold. */
class TestBus implements I2cBus {
  readonly path = '/dev/i2c-9';
  readonly registers = new Uint8Array(256);
  readonly ops: string[] = [];
  fail: TransportErrorCode | undefined;
  shortReads = false;
  closes = 0;
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  letGo(): void {
    this.release?.();
    this.gate = undefined;
  }

  async write(address: number, bytes: Uint8Array): Promise<void> {
    await this.transfer(`write ${[...bytes].join(' ')}`, address);
    const [register = 0, ...values] = bytes;
    this.registers.set(values, register);
  }

  async read(): Promise<Uint8Array> {
    throw new Error('not used by the test chip');
  }

  async writeRead(address: number, bytes: Uint8Array, readLength: number): Promise<Uint8Array> {
    await this.transfer(`read ${bytes[0] ?? 0}`, address);
    const register = bytes[0] ?? 0;
    return this.registers.slice(register, register + (this.shortReads ? readLength - 1 : readLength));
  }

  async close(): Promise<void> {
    this.closes++;
  }

  private async transfer(op: string, address: number): Promise<void> {
    if (this.gate) await this.gate;
    this.ops.push(op);
    if (this.fail) throw new TransportError(this.fail, `0x${address.toString(16)}`);
  }
}

class TestBackend implements I2cBackend {
  readonly kind = 'test';
  readonly bus = new TestBus();
  opens = 0;

  async open(): Promise<I2cBus> {
    this.opens++;
    return this.bus;
  }
}

/** A made-up chip: one setup register, one 16-bit value, and a wait after the setup write when asked. */
class TestChip implements PolledI2cChip<number> {
  readonly values: Array<[value: number, stampUs: number]> = [];
  readies = 0;
  overflowing = false;

  constructor(private readonly settleUs = 0) {}

  async init(device: RetryingI2cDevice, wait: (delayUs: number) => Promise<void>): Promise<void> {
    await device.write(Uint8Array.of(REG_SETUP, SETUP));
    if (this.settleUs > 0) await wait(this.settleUs);
    const [setup] = await device.writeRead(Uint8Array.of(REG_SETUP), 1);
    if (setup !== SETUP) throw new ChipMismatchError(`register 1 reads ${setup}, expected ${SETUP}`);
  }

  ready(): void {
    this.readies++;
  }

  async read(device: RetryingI2cDevice): Promise<number | null> {
    const bytes = await device.writeRead(Uint8Array.of(REG_VALUE), 2);
    return bytes.length === 2 ? ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0) : null;
  }

  deliver(value: number, stampUs: number): void {
    this.values.push([value, stampUs]);
  }

  async checkSetup(device: RetryingI2cDevice): Promise<string | undefined> {
    const [setup] = await device.writeRead(Uint8Array.of(REG_SETUP), 1);
    return setup === SETUP ? undefined : `register 1 reads ${setup}`;
  }

  degradedReason(): string | undefined {
    return this.overflowing ? 'the value overflows' : undefined;
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Advances the clock in steps, letting the bus answer between them. */
async function run(clock: VirtualClock, deltaUs: number, stepUs = 1_000): Promise<void> {
  const end = clock.nowUs() + deltaUs;
  while (clock.nowUs() < end) {
    clock.advanceTo(Math.min(end, clock.nowUs() + stepUs));
    await flush();
  }
}

function rig(chip = new TestChip()): {
  clock: VirtualClock;
  backend: TestBackend;
  chip: TestChip;
  sensor: PolledI2cSensor<number>;
} {
  const clock = new VirtualClock(1_000_000);
  const backend = new TestBackend();
  const sensor = new PolledI2cSensor({
    id: 'probe',
    clock,
    backend,
    busPath: backend.bus.path,
    address: ADDRESS,
    periodUs: PERIOD_US,
    pollingWhat: 'reading the probe',
    backoff: { random: () => 0.5 },
    chip,
  });
  return { clock, backend, chip, sensor };
}

async function started(chip?: TestChip): Promise<ReturnType<typeof rig>> {
  const parts = rig(chip);
  await parts.sensor.start();
  expect(parts.sensor.health().state).toBe('ok');
  parts.backend.bus.ops.length = 0;
  return parts;
}

describe('PolledI2cSensor: start', () => {
  it('opens the bus, runs the chip setup, then polls every period and delivers values stamped at the poll', async () => {
    const { clock, backend, chip, sensor } = rig();
    backend.bus.registers.set([0x12, 0x34], REG_VALUE);
    expect(sensor.health().state).toBe('starting');
    await sensor.start();
    expect(backend.bus.ops).toEqual(['write 1 90', 'read 1']);
    expect(sensor.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(chip.readies).toBe(1);

    await run(clock, 30_000);
    expect(chip.values).toEqual([
      [0x1234, 1_010_000],
      [0x1234, 1_020_000],
      [0x1234, 1_030_000],
    ]);
    expect(sensor.counters()).toEqual({
      badReads: 0,
      overruns: 0,
      initAttempts: 1,
      setupLost: 0,
      transactions: 5,
      retries: 0,
      errors: 0,
    });
  });

  it('is failed with the mismatch as its reason, and starts again after the backoff', async () => {
    const chip = new TestChip();
    const { clock, backend, sensor } = rig(chip);
    backend.bus.registers[REG_SETUP] = 0;
    const write = backend.bus.write.bind(backend.bus);
    backend.bus.write = async (address, bytes) => write(address, bytes.subarray(0, 1));
    await sensor.start();
    expect(sensor.health()).toMatchObject({ state: 'failed', reason: 'register 1 reads 0, expected 90' });

    backend.bus.write = write;
    await run(clock, FIRST_RESTART_US - 1_000, 10_000);
    expect(sensor.counters().initAttempts).toBe(1);
    await run(clock, 1_000);
    expect(sensor.counters().initAttempts).toBe(2);
    expect(sensor.health().state).toBe('ok');
    expect(backend.opens).toBe(1);
  });

  it('never rejects when the bus cannot be opened; says why and opens it again later', async () => {
    const { clock, backend, sensor } = rig();
    const open = backend.open.bind(backend);
    backend.open = () => Promise.reject(new TransportError('ENOENT', 'no /dev/i2c-9'));
    await sensor.start();
    expect(sensor.health()).toMatchObject({ state: 'failed', reason: 'start failed: ENOENT: no /dev/i2c-9' });
    backend.open = open;
    await run(clock, FIRST_RESTART_US, 10_000);
    expect(sensor.health().state).toBe('ok');
  });
});

describe('PolledI2cSensor: polling', () => {
  it('counts a malformed read as a bad read and delivers nothing for it', async () => {
    const { clock, backend, chip, sensor } = await started();
    backend.bus.shortReads = true;
    await run(clock, 20_000);
    expect(chip.values).toHaveLength(0);
    expect(sensor.counters().badReads).toBe(2);
    expect(sensor.health().state).toBe('ok');
  });

  it('skips a poll that falls due while the last one is still on the bus, and counts it', async () => {
    const { clock, backend, chip, sensor } = await started();
    backend.bus.hold();
    await run(clock, 30_000);
    expect(sensor.counters().overruns).toBe(2);
    backend.bus.letGo();
    await flush();
    expect(chip.values).toHaveLength(1);
  });

  it("is degraded for the chip's own reason while it gives one, ok once refreshed without it", async () => {
    const { sensor, chip } = await started();
    chip.overflowing = true;
    sensor.refreshHealth();
    expect(sensor.health()).toMatchObject({ state: 'degraded', reason: 'the value overflows' });
    chip.overflowing = false;
    sensor.refreshHealth();
    expect(sensor.health()).toMatchObject({ state: 'ok', reason: '' });
  });

  it('sets the chip up again when the periodic check finds its setup lost', async () => {
    const { clock, backend, chip, sensor } = await started();
    const health: DeviceHealth[] = [];
    sensor.onHealthChange((now) => health.push(now));
    backend.bus.registers[REG_SETUP] = 0;
    await run(clock, 990_000, 10_000);
    expect(sensor.counters().setupLost).toBe(0);
    await run(clock, 10_000);
    expect(sensor.counters()).toMatchObject({ setupLost: 1, initAttempts: 2 });
    expect(health[0]).toMatchObject({ state: 'degraded', reason: 'register 1 reads 0: setting it up again' });
    expect(backend.bus.registers[REG_SETUP]).toBe(SETUP);
    expect(sensor.health().state).toBe('ok');
    expect(chip.readies).toBe(2);
  });
});

describe('PolledI2cSensor: faults', () => {
  it('degraded, then failed while the chip NACKs; polling stops until the restart after the backoff', async () => {
    const { clock, backend, sensor } = await started();
    backend.bus.fail = 'EREMOTEIO';
    await run(clock, 10_000);
    expect(sensor.health()).toMatchObject({ state: 'degraded', reason: expect.stringMatching(/^reading the probe: /) });
    await run(clock, 20_000);
    expect(sensor.health()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/3 transaction/) });
    const transactions = backend.bus.ops.length;
    await run(clock, 500_000, 10_000);
    expect(backend.bus.ops).toHaveLength(transactions);

    backend.bus.fail = undefined;
    await run(clock, 500_000, 10_000);
    expect(sensor.health().state).toBe('ok');
    expect(sensor.counters()).toMatchObject({ initAttempts: 2, errors: 3, retries: 6 });
  });

  it('closes a bus whose handle went bad and opens it again at the restart, keeping its counters', async () => {
    const { clock, backend, sensor } = await started();
    backend.bus.fail = 'ENXIO';
    await run(clock, 10_000);
    expect(sensor.health()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/^lost the bus: ENXIO/) });
    expect(backend.bus.closes).toBe(1);
    const before = sensor.counters().transactions;

    backend.bus.fail = undefined;
    await run(clock, FIRST_RESTART_US, 10_000);
    expect(backend.opens).toBe(2);
    expect(sensor.health().state).toBe('ok');
    expect(sensor.counters().transactions).toBeGreaterThan(before);
    expect(sensor.counters().errors).toBe(1);
  });

  it('stop() during a wait of the setup ends start(), leaves the chip alone and stays stopped', async () => {
    const { clock, backend, sensor } = rig(new TestChip(100_000));
    const starting = sensor.start();
    await flush();
    await sensor.stop();
    await starting;
    await run(clock, 2_000_000, 10_000);
    expect(backend.bus.ops).toEqual(['write 1 90']);
    expect(sensor.health().state).toBe('stopped');
    expect(backend.bus.closes).toBe(1);
  });

  it('start() after stop() starts again', async () => {
    const { clock, chip, sensor } = await started();
    await sensor.stop();
    await sensor.start();
    expect(sensor.health().state).toBe('ok');
    await run(clock, 10_000);
    expect(chip.values).toHaveLength(1);
    expect(sensor.counters().initAttempts).toBe(2);
  });
});
