import { afterEach, describe, expect, it } from 'vitest';
import type { BusConfig } from '../config/board-schema.js';
import type { DeviceHealth } from '../hal/device-health.js';
import type { MotorDriverDevice } from '../hal/motor/api.js';
import { REG_PRE_SCALE, frequencyForPrescale } from '../hal/motor/pca9685-tb6612/codec.js';
import { adafruitMotorHatModel } from '../hal/motor/pca9685-tb6612/driver.js';
import { motorHatParamsSchema } from '../hal/motor/pca9685-tb6612/params.js';
import { createMotorHatSimDevice, type MotorHatSimDevice } from '../simulator/devices/pca9685-model.js';
import { SimLinkPair } from './harness/sim-link-pair.js';

const I2C_BUS = '/dev/i2c-1';
/** Adafruit DC & Stepper Motor HAT with no address jumper bridged. */
const HAT_ADDRESS = 0x60;
const BUS: BusConfig = { id: 'i2c-1', kind: 'i2c', path: I2C_BUS };
const MOTORS = ['M1', 'M2', 'M3', 'M4'];
const MS = 1_000;

const pairs: SimLinkPair[] = [];

afterEach(() => {
  for (const pair of pairs.splice(0)) pair.close();
});

/** The real PCA9685/TB6612 driver on the robot side, the simulated Adafruit HAT on the world side. */
function setUp(): { pair: SimLinkPair; hat: MotorHatSimDevice; driver: MotorDriverDevice } {
  const hat = createMotorHatSimDevice(I2C_BUS, HAT_ADDRESS, 'adafruit');
  const pair = new SimLinkPair([hat]);
  pairs.push(pair);
  const driver = adafruitMotorHatModel.create({
    id: 'motors',
    bus: BUS,
    address: HAT_ADDRESS,
    pins: {},
    params: motorHatParamsSchema.parse({}),
    clock: pair.clock,
    backends: pair.backends,
  });
  return { pair, hat, driver };
}

/**
 * Starts the driver: it runs the restart sequence up to the 500 µs oscillator wait (PCA9685
 * §7.3.1.1) on its own, and one tick moves the robot clock past that wait.
 */
async function start(pair: SimLinkPair, driver: MotorDriverDevice): Promise<void> {
  const started = driver.start();
  await pair.client.settled();
  await pair.step(1 * MS);
  await started;
}

function outputs(hat: MotorHatSimDevice): Record<string, { duty: number; mode: string }> {
  return Object.fromEntries(MOTORS.map((motor) => [motor, hat.output(motor)]));
}

describe('PCA9685/TB6612 driver over the sim link, against the simulated motor HAT', () => {
  it('sets the chip up on start: PRE_SCALE 3, auto-increment on, awake, every motor braked', async () => {
    const { pair, hat, driver } = setUp();
    expect(hat.registers.sleeping).toBe(true);
    expect(hat.registers.read(REG_PRE_SCALE, 1)[0]).toBe(0x1e);

    const started = driver.start();
    await pair.client.settled();
    // Woken with the new prescale, but the restart with AI waits for 500 µs of robot time.
    expect(hat.registers.read(REG_PRE_SCALE, 1)[0]).toBe(3);
    expect(hat.registers.autoIncrement).toBe(false);
    expect(driver.health().state).toBe('starting');

    await pair.step(1 * MS);
    await started;

    expect(hat.registers.read(REG_PRE_SCALE, 1)[0]).toBe(3);
    expect(hat.registers.autoIncrement).toBe(true);
    expect(hat.registers.sleeping).toBe(false);
    expect(hat.registers.frequencyHz).toBeCloseTo(frequencyForPrescale(3), 6);
    expect(driver.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(outputs(hat)).toEqual({
      M1: { duty: 0, mode: 'brake' },
      M2: { duty: 0, mode: 'brake' },
      M3: { duty: 0, mode: 'brake' },
      M4: { duty: 0, mode: 'brake' },
    });
  });

  it('drives, brakes, reverses and stops the motors the model decodes', async () => {
    const { pair, hat, driver } = setUp();
    await start(pair, driver);

    await driver.channel('M1').setDuty(0.5);
    expect(hat.output('M1').mode).toBe('drive');
    expect(hat.output('M1').duty).toBeCloseTo(0.5, 3);
    expect(hat.output('M2')).toEqual({ duty: 0, mode: 'brake' });

    await driver.channel('M1').brake();
    expect(hat.output('M1')).toEqual({ duty: 0, mode: 'brake' });

    await driver.channel('M2').setDuty(-1);
    expect(hat.output('M2')).toEqual({ duty: -1, mode: 'drive' });

    await driver.channel('M3').setDuty(0.25);
    await driver.channel('M4').coast();
    expect(outputs(hat)).toMatchObject({ M3: { mode: 'drive' }, M4: { mode: 'coast' } });
    expect(hat.output('M3').duty).toBeCloseTo(0.25, 3);

    await driver.stopAll();
    expect(outputs(hat)).toEqual({
      M1: { duty: 0, mode: 'brake' },
      M2: { duty: 0, mode: 'brake' },
      M3: { duty: 0, mode: 'brake' },
      M4: { duty: 0, mode: 'brake' },
    });
    expect(driver.health().state).toBe('ok');
    expect(driver.counters()).toMatchObject({ writeErrors: 0, retries: 0, initAttempts: 1 });
  });

  it('turns degraded, then failed, while the chip NACKs, and comes back to ok by itself after its backoff', async () => {
    const { pair, hat, driver } = setUp();
    await start(pair, driver);
    const changes: Array<Pick<DeviceHealth, 'state' | 'sinceUs'>> = [];
    driver.onHealthChange((health) => changes.push({ state: health.state, sinceUs: health.sinceUs }));
    const m1 = driver.channel('M1');

    hat.setResponding(false);
    await expect(m1.setDuty(0.3)).rejects.toMatchObject({ name: 'TransportError', code: 'EREMOTEIO' });
    expect(driver.health().state).toBe('degraded');
    await expect(m1.setDuty(0.3)).rejects.toMatchObject({ code: 'EREMOTEIO' });
    expect(driver.health().state).toBe('degraded');
    await expect(m1.setDuty(0.3)).rejects.toMatchObject({ code: 'EREMOTEIO' });
    expect(driver.health().state).toBe('failed');
    expect(driver.health().reason).toMatch(/3 motor commands failed in a row/);
    // Each command is tried three times (two immediate retries) before it fails.
    expect(driver.counters()).toMatchObject({ writeErrors: 3, retries: 6 });
    expect(hat.output('M1')).toEqual({ duty: 0, mode: 'brake' });
    const failedAtUs = pair.nowUs();

    // First check of the chip after 1 s ± 20 %: still no answer.
    await pair.runUntil(failedAtUs + 1_300 * MS);
    expect(driver.health().state).toBe('failed');
    expect(driver.health().reason).toMatch(/not answering/);

    hat.setResponding(true);
    // The next check comes 1.6 s ± 20 % after the first, so not before failedAtUs + 2.08 s.
    await pair.runUntil(failedAtUs + 2_000 * MS);
    expect(driver.health().state).toBe('failed');
    await pair.runUntil(failedAtUs + 3_200 * MS);
    expect(driver.health()).toMatchObject({ state: 'ok', reason: '' });

    expect(changes.map((change) => change.state)).toEqual(['degraded', 'failed', 'failed', 'ok']);
    const okAtUs = changes.at(-1)?.sinceUs ?? NaN;
    expect(okAtUs).toBeGreaterThanOrEqual(failedAtUs + 2_080 * MS);
    expect(okAtUs).toBeLessThanOrEqual(failedAtUs + 3_130 * MS);

    await m1.setDuty(0.3);
    expect(hat.output('M1').mode).toBe('drive');
    expect(hat.output('M1').duty).toBeCloseTo(0.3, 3);
  });

  it('is failed when the chip does not answer at start, and ok once it answers, after its backoff', async () => {
    const { pair, hat, driver } = setUp();
    hat.setResponding(false);

    await driver.start();

    expect(driver.health().state).toBe('failed');
    expect(driver.health().reason).toMatch(/init failed: .*EREMOTEIO/);
    hat.setResponding(true);
    // The retry comes 1 s ± 20 % later; the restart sequence then waits 500 µs more.
    await pair.runUntil(790 * MS);
    expect(driver.health().state).toBe('failed');
    expect(hat.registers.sleeping).toBe(true);
    await pair.runUntil(1_220 * MS);
    expect(driver.health().state).toBe('ok');
    expect(driver.counters().initAttempts).toBe(2);
    expect(hat.registers.read(REG_PRE_SCALE, 1)[0]).toBe(3);
    expect(hat.output('M4')).toEqual({ duty: 0, mode: 'brake' });
  });

  it('starts the chip again when it comes back from a power cycle while failed', async () => {
    const { pair, hat, driver } = setUp();
    await start(pair, driver);
    await driver.channel('M1').setDuty(0.5);

    hat.setResponding(false);
    for (let command = 0; command < 3; command++) {
      await expect(driver.channel('M1').setDuty(0.5)).rejects.toMatchObject({ code: 'EREMOTEIO' });
    }
    expect(driver.health().state).toBe('failed');
    hat.powerCycle();
    hat.setResponding(true);
    expect(hat.registers.sleeping).toBe(true);

    await pair.runUntil(pair.nowUs() + 1_300 * MS);

    expect(driver.health().state).toBe('ok');
    expect(hat.registers.sleeping).toBe(false);
    expect(hat.registers.autoIncrement).toBe(true);
    expect(hat.registers.read(REG_PRE_SCALE, 1)[0]).toBe(3);
    expect(driver.counters().initAttempts).toBe(2);
    expect(outputs(hat)).toEqual({
      M1: { duty: 0, mode: 'brake' },
      M2: { duty: 0, mode: 'brake' },
      M3: { duty: 0, mode: 'brake' },
      M4: { duty: 0, mode: 'brake' },
    });
  });
});
