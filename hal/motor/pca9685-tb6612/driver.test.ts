import { describe, expect, it } from 'vitest';
import { settle } from '../../../test/harness/clock-steps.js';
import { deviceContext } from '../../../test/harness/device-context.js';
import { RecordingI2cBackend } from '../../../test/harness/recording-i2c-backend.js';
import { VirtualClock } from '../../../time/virtual-clock.js';
import type { DeviceCreateContext } from '../../registry.js';
import type { I2cBackend } from '../../transport/i2c/api.js';
import { TransportError } from '../../transport/transport-error.js';
import type { MotorDriverDevice } from '../api.js';
import {
  ADAFRUIT_DC_MOTOR_HAT_PINS,
  Pca9685Registers,
  WAVESHARE_MOTOR_DRIVER_HAT_PINS,
  decodeTb6612,
  tb6612Writes,
} from './codec.js';
import type { Tb6612PinMap } from './codec.js';
import { adafruitMotorHatModel, waveshareMotorHatModel } from './driver.js';
import { motorHatParamsSchema } from './params.js';
import type { MotorHatParams } from './params.js';

/**
 * A recording bus at /dev/i2c-1 with a PCA9685 register file behind it, like a HAT on the bench.
 */
function benchBackend(clock: VirtualClock): RecordingI2cBackend<Pca9685Registers> {
  return new RecordingI2cBackend(clock, new Pca9685Registers());
}

function context(
  backend: I2cBackend,
  clock: VirtualClock,
  params: Partial<MotorHatParams> = {},
  address = 0x60,
): DeviceCreateContext<MotorHatParams> {
  return deviceContext({
    id: 'motors',
    bus: { id: 'i2c-1', kind: 'i2c', path: '/dev/i2c-1' },
    address,
    params: motorHatParamsSchema.parse(params),
    clock,
    backends: { i2c: backend },
  });
}

/** A started Adafruit HAT, init finished. */
async function startedHat(
  params: Partial<MotorHatParams> = {},
): Promise<{ clock: VirtualClock; backend: RecordingI2cBackend<Pca9685Registers>; hat: MotorDriverDevice }> {
  const clock = new VirtualClock(1_000_000);
  const backend = benchBackend(clock);
  const hat = adafruitMotorHatModel.create(context(backend, clock, params));
  const started = hat.start();
  await settle();
  clock.advanceBy(500);
  await started;
  expect(hat.health().state).toBe('ok');
  backend.bus.transactions.length = 0;
  return { clock, backend, hat };
}

const hex = (...values: number[]): number[] => values;
const bytesOf = (writes: Uint8Array[]): number[][] => writes.map((w) => [...w]);

function outputs(chip: Pca9685Registers, pins: Tb6612PinMap): Record<string, string> {
  const result: Record<string, string> = {};
  for (const motor of Object.keys(pins)) {
    const { mode, duty } = decodeTb6612(chip, pins, motor);
    result[motor] = mode === 'drive' ? `drive ${duty}` : mode;
  }
  return result;
}

describe('PCA9685 + TB6612 motor HAT driver: start-up', () => {
  it('sends the datasheet restart sequence, waits 500 µs on the clock, then brakes every motor', async () => {
    const clock = new VirtualClock(1_000_000);
    const backend = benchBackend(clock);
    const hat = adafruitMotorHatModel.create(context(backend, clock));
    let startDone = false;
    const started = hat.start().then(() => (startDone = true));
    await settle();

    const bus = backend.bus;
    expect(bus.transactions.map((t) => [t.op, ...t.bytes])).toEqual([
      ['writeRead', 0x00], // read MODE1: 0x11 at power-on
      ['write', 0x00, 0x11], // SLEEP (already asleep), RESTART written 0
      ['write', 0xfe, 0x03], // PRE_SCALE for 1526 Hz
      ['write', 0x01, 0x04], // MODE2 OUTDRV
      ['write', 0x00, 0x01], // wake: SLEEP cleared
    ]);
    expect(bus.transactions.every((t) => t.address === 0x60)).toBe(true);

    clock.advanceBy(499);
    await settle();
    expect(bus.transactions).toHaveLength(5);
    expect(startDone).toBe(false);
    expect(hat.health().state).toBe('starting');

    clock.advanceBy(1);
    await started;
    const rest = bus.transactions.slice(5);
    expect(rest[0]).toMatchObject({ op: 'write', bytes: hex(0x00, 0xa1), atUs: 1_000_500 }); // RESTART | AI | ALLCALL
    expect(rest.slice(1).map((t) => t.bytes)).toEqual(
      ['M1', 'M2', 'M3', 'M4'].flatMap((m) => bytesOf(tb6612Writes(ADAFRUIT_DC_MOTOR_HAT_PINS, m, { mode: 'brake' }))),
    );
    expect(hat.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(hat.counters()).toEqual({ writes: 9, writeErrors: 0, retries: 0, initAttempts: 1 });
    expect(bus.chip.frequencyHz).toBeCloseTo(1525.9, 1);
    expect(outputs(bus.chip, ADAFRUIT_DC_MOTOR_HAT_PINS)).toEqual({
      M1: 'brake',
      M2: 'brake',
      M3: 'brake',
      M4: 'brake',
    });
  });

  it('puts a running chip to sleep before PRE_SCALE and coasts when stopMode is coast', async () => {
    const clock = new VirtualClock();
    const backend = benchBackend(clock);
    const chip = backend.bus.chip;
    chip.write(Uint8Array.of(0x00, 0x21)); // left awake with AI by an earlier run
    chip.write(
      tb6612Writes(WAVESHARE_MOTOR_DRIVER_HAT_PINS, 'MA', { mode: 'drive', duty: 0.8 })[0] ?? new Uint8Array(),
    );
    expect(outputs(chip, WAVESHARE_MOTOR_DRIVER_HAT_PINS).MA).toBe('drive 0.800048828125');

    const hat = waveshareMotorHatModel.create(context(backend, clock, { pwmFrequencyHz: 50, stopMode: 'coast' }, 0x40));
    const started = hat.start();
    await settle();
    expect(backend.bus.writes().slice(0, 4)).toEqual([
      hex(0x00, 0x31),
      hex(0xfe, 121),
      hex(0x01, 0x04),
      hex(0x00, 0x21),
    ]);
    expect(outputs(chip, WAVESHARE_MOTOR_DRIVER_HAT_PINS).MA).toBe('coast'); // asleep: outputs off
    clock.advanceBy(500);
    await started;
    expect(backend.bus.writes()[4]).toEqual(hex(0x00, 0xa1));
    expect(chip.frequencyHz).toBeCloseTo(50.03, 2);
    expect(outputs(chip, WAVESHARE_MOTOR_DRIVER_HAT_PINS)).toEqual({ MA: 'coast', MB: 'coast' });
    expect(hat.channelNames()).toEqual(['MA', 'MB']);
  });

  it('never rejects when the bus cannot be opened: failed, then retried with backoff until it works', async () => {
    const clock = new VirtualClock();
    const backend = benchBackend(clock);
    backend.openFailures = ['ENOENT', 'EACCES'];
    const hat = adafruitMotorHatModel.create(context(backend, clock));
    await hat.start();
    expect(hat.health().state).toBe('failed');
    expect(hat.health().reason).toMatch(/init failed: ENOENT/);
    await expect(hat.channel('M1').setDuty(0.5)).rejects.toMatchObject({ code: 'ENOENT' });

    clock.advanceBy(1_200_000); // first backoff step: 1 s +/- 20 %
    await settle();
    expect(backend.opens).toBe(2);
    expect(hat.health().reason).toMatch(/EACCES/);

    clock.advanceBy(1_920_000); // second step: 1.6 s +/- 20 %
    await settle();
    clock.advanceBy(500);
    await settle();
    expect(backend.opens).toBe(3);
    expect(hat.health().state).toBe('ok');
    expect(hat.counters().initAttempts).toBe(3);
    expect(outputs(backend.bus.chip, ADAFRUIT_DC_MOTOR_HAT_PINS).M1).toBe('brake');
  });

  it('retries the whole sequence when the chip does not answer during init', async () => {
    const clock = new VirtualClock();
    const backend = benchBackend(clock);
    backend.bus.nack = 'EREMOTEIO';
    const hat = adafruitMotorHatModel.create(context(backend, clock));
    await hat.start();
    expect(hat.health()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/EREMOTEIO/) });

    backend.bus.nack = undefined;
    clock.advanceBy(1_200_000);
    await settle();
    clock.advanceBy(500);
    await settle();
    expect(hat.health().state).toBe('ok');
    expect(hat.counters().initAttempts).toBe(2);
    expect(backend.bus.writes().filter((w) => w[0] === 0xfe)).toEqual([hex(0xfe, 0x03)]);
  });
});

describe('PCA9685 + TB6612 motor HAT driver: motor commands', () => {
  it('setDuty(0.5) on M1 writes PWM 8 = 2048/4096, IN2 9 = off, IN1 10 = on, in one block write', async () => {
    const { backend, hat } = await startedHat();
    await hat.channel('M1').setDuty(0.5);
    expect(backend.bus.writes()).toEqual([
      hex(0x26, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00, 0x00),
    ]);
    expect(decodeTb6612(backend.bus.chip, ADAFRUIT_DC_MOTOR_HAT_PINS, 'M1')).toEqual({ mode: 'drive', duty: 0.5 });

    await hat.channel('M4').setDuty(-1);
    await hat.channel('M2').coast();
    expect(outputs(backend.bus.chip, ADAFRUIT_DC_MOTOR_HAT_PINS)).toEqual({
      M1: 'drive 0.5',
      M2: 'coast',
      M3: 'brake',
      M4: 'drive -1',
    });
    await hat.stopAll();
    expect(outputs(backend.bus.chip, ADAFRUIT_DC_MOTOR_HAT_PINS)).toEqual({
      M1: 'brake',
      M2: 'brake',
      M3: 'brake',
      M4: 'brake',
    });
  });

  it('rejects a duty outside -1..1 and an unknown channel without touching the bus', async () => {
    const { backend, hat } = await startedHat();
    await expect(hat.channel('M1').setDuty(1.2)).rejects.toBeInstanceOf(RangeError);
    await expect(hat.channel('M1').setDuty(Number.NaN)).rejects.toBeInstanceOf(RangeError);
    expect(() => hat.channel('MA')).toThrow(RangeError);
    expect(hat.channelNames()).toEqual(['M1', 'M2', 'M3', 'M4']);
    expect(backend.bus.transactions).toHaveLength(0);
  });

  it('a NACK is retried twice at once; three failed commands in a row turn degraded into failed; a good write is ok again', async () => {
    const { backend, hat } = await startedHat();
    const bus = backend.bus;
    bus.nack = 'EREMOTEIO';

    const first = hat.channel('M1').setDuty(0.3);
    await expect(first).rejects.toBeInstanceOf(TransportError);
    await expect(first).rejects.toMatchObject({ code: 'EREMOTEIO' });
    expect(bus.transactions).toHaveLength(3);
    expect(hat.counters()).toMatchObject({ writeErrors: 1, retries: 2 });
    expect(hat.health()).toMatchObject({ state: 'degraded', reason: expect.stringMatching(/EREMOTEIO/) });

    await expect(hat.channel('M2').setDuty(0.3)).rejects.toMatchObject({ code: 'EREMOTEIO' });
    expect(hat.health().state).toBe('degraded');
    await expect(hat.channel('M3').brake()).rejects.toMatchObject({ code: 'EREMOTEIO' });
    expect(hat.health().state).toBe('failed');
    expect(hat.health().reason).toMatch(/3 motor commands failed in a row/);
    expect(hat.counters()).toMatchObject({ writeErrors: 3, retries: 6 });

    bus.nack = undefined;
    await hat.channel('M1').setDuty(0.3);
    expect(hat.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(decodeTb6612(bus.chip, ADAFRUIT_DC_MOTOR_HAT_PINS, 'M1').duty).toBeCloseTo(0.3, 3);
  });

  it('a write that goes through on a retry is a success', async () => {
    const { backend, hat } = await startedHat();
    backend.bus.failNext = 2;
    await hat.channel('M1').setDuty(0.5);
    expect(hat.counters()).toMatchObject({ retries: 2, writeErrors: 0 });
    expect(hat.health().state).toBe('ok');
  });

  it('does not retry errors other than EREMOTEIO and EIO', async () => {
    const { backend, hat } = await startedHat();
    backend.bus.nack = 'ETIMEDOUT';
    await expect(hat.channel('M1').setDuty(0.5)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(backend.bus.transactions).toHaveLength(1);
    expect(hat.counters().retries).toBe(0);
  });

  it('once failed, checks the chip with backoff and restarts it if it lost power', async () => {
    const { clock, backend, hat } = await startedHat();
    const bus = backend.bus;
    bus.nack = 'EREMOTEIO';
    for (const motor of ['M1', 'M2', 'M3'])
      await hat
        .channel(motor)
        .setDuty(0.2)
        .catch(() => undefined);
    expect(hat.health().state).toBe('failed');

    bus.nack = undefined;
    bus.chip.powerOn(); // the HAT browned out: asleep, 200 Hz, outputs off
    bus.transactions.length = 0;
    clock.advanceBy(1_200_000);
    await settle();
    expect(bus.transactions.slice(0, 3).map((t) => [t.op, ...t.bytes])).toEqual([
      ['writeRead', 0x00],
      ['writeRead', 0xfe],
      ['writeRead', 0x00], // MODE1 asleep: the start sequence again
    ]);
    clock.advanceBy(500);
    await settle();
    expect(hat.health().state).toBe('ok');
    expect(hat.counters().initAttempts).toBe(2);
    expect(bus.chip.sleeping).toBe(false);
    expect(outputs(bus.chip, ADAFRUIT_DC_MOTOR_HAT_PINS)).toEqual({
      M1: 'brake',
      M2: 'brake',
      M3: 'brake',
      M4: 'brake',
    });
  });

  it('once failed, a chip that kept its setup is only checked, not restarted', async () => {
    const { clock, backend, hat } = await startedHat();
    await hat.channel('M1').setDuty(0.7);
    backend.bus.nack = 'EIO';
    for (let i = 0; i < 3; i++)
      await hat
        .channel('M2')
        .setDuty(0.2)
        .catch(() => undefined);
    backend.bus.nack = undefined;
    clock.advanceBy(1_200_000);
    await settle();
    expect(hat.health().state).toBe('ok');
    expect(hat.counters().initAttempts).toBe(1);
    expect(decodeTb6612(backend.bus.chip, ADAFRUIT_DC_MOTOR_HAT_PINS, 'M1').duty).toBeCloseTo(0.7, 3);
  });

  it('serializes writes; a queued setDuty is replaced by a newer one, brakes and stops never are', async () => {
    const { backend, hat } = await startedHat();
    const bus = backend.bus;
    const m1 = hat.channel('M1');
    bus.hold();
    const settled = [
      m1.setDuty(0.1), // on the bus now
      m1.setDuty(0.2), // queued, then replaced by 0.3
      m1.setDuty(0.3),
      m1.brake(),
      m1.setDuty(0.4), // replaced by 0.5
      hat.channel('M2').setDuty(0.9), // another motor: kept
      m1.setDuty(0.5),
      hat.stopAll(),
    ];
    await settle();
    expect(bus.inFlight).toBe(1);
    bus.letGo();
    await Promise.all(settled);

    expect(bus.maxInFlight).toBe(1);
    const m1Writes = bus.writes().filter((w) => w[0] === 0x26);
    const m1Commands = m1Writes.map((w) => {
      const chip = new Pca9685Registers();
      chip.write(Uint8Array.of(0x00, 0x21));
      chip.write(Uint8Array.from(w));
      const { mode, duty } = decodeTb6612(chip, ADAFRUIT_DC_MOTOR_HAT_PINS, 'M1');
      return mode === 'drive' ? Math.round(duty * 100) / 100 : mode;
    });
    expect(m1Commands).toEqual([0.1, 0.3, 'brake', 0.5, 'brake']);
    expect(bus.writes()).toHaveLength(4 + 1 + 4);
    expect(outputs(bus.chip, ADAFRUIT_DC_MOTOR_HAT_PINS).M2).toBe('brake');
  });

  it('stopAll still stops the other motors when one write fails', async () => {
    const { backend, hat } = await startedHat({ stopMode: 'coast' });
    await hat.channel('M3').setDuty(1);
    backend.bus.failNext = 3; // M1's write and both its retries
    await expect(hat.stopAll()).rejects.toMatchObject({ code: 'EREMOTEIO' });
    expect(outputs(backend.bus.chip, ADAFRUIT_DC_MOTOR_HAT_PINS)).toMatchObject({
      M2: 'coast',
      M3: 'coast',
      M4: 'coast',
    });
  });

  it('stop() stops the motors, closes the bus and refuses further commands', async () => {
    const { backend, hat } = await startedHat();
    await hat.channel('M1').setDuty(0.6);
    await hat.stop();
    expect(outputs(backend.bus.chip, ADAFRUIT_DC_MOTOR_HAT_PINS).M1).toBe('brake');
    expect(backend.bus.closed).toBe(true);
    expect(hat.health().state).toBe('stopped');
    await expect(hat.channel('M1').setDuty(0.6)).rejects.toMatchObject({ code: 'ECLOSED' });
  });
});

describe('motor HAT models', () => {
  it('are registered under their compatible strings as I2C motor drivers', () => {
    expect(adafruitMotorHatModel).toMatchObject({
      compatible: 'adafruit,dc-motor-hat',
      kind: 'motor-driver',
      busKind: 'i2c',
    });
    expect(waveshareMotorHatModel).toMatchObject({
      compatible: 'waveshare,motor-driver-hat',
      kind: 'motor-driver',
      busKind: 'i2c',
    });
    const clock = new VirtualClock();
    const device = waveshareMotorHatModel.create(context(benchBackend(clock), clock, {}, 0x40));
    expect(device.channelNames()).toEqual(['MA', 'MB']);
    expect(Object.keys(WAVESHARE_MOTOR_DRIVER_HAT_PINS)).toEqual(['MA', 'MB']);
  });

  it('create() throws a clear error without an address', () => {
    const clock = new VirtualClock();
    const noAddress = { ...context(benchBackend(clock), clock), address: undefined };
    expect(() => adafruitMotorHatModel.create(noAddress)).toThrow(
      /"motors" \(adafruit,dc-motor-hat\): an I2C address is required/,
    );
  });

  it('params default to 1526 Hz and brake, and reject what the chip cannot do', () => {
    expect(adafruitMotorHatModel.paramsSchema.parse({})).toEqual({ pwmFrequencyHz: 1526, stopMode: 'brake' });
    expect(motorHatParamsSchema.safeParse({ pwmFrequencyHz: 1600 }).success).toBe(false);
    expect(motorHatParamsSchema.safeParse({ pwmFrequencyHz: 20 }).success).toBe(false);
    expect(motorHatParamsSchema.safeParse({ stopMode: 'float' }).success).toBe(false);
    expect(motorHatParamsSchema.safeParse({ frequency: 50 }).success).toBe(false);
    expect(motorHatParamsSchema.parse({ pwmFrequencyHz: 24, stopMode: 'coast' })).toEqual({
      pwmFrequencyHz: 24,
      stopMode: 'coast',
    });
  });
});
