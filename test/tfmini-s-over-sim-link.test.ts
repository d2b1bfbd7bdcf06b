import { fakeWorldView } from './harness/fake-world-view.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { BusConfig } from '../config/board-schema.js';
import type { DeviceHealth } from '../hal/device-health.js';
import type { RangeDevice } from '../hal/range/api.js';
import type { RangeReading } from '../messages/range-reading.js';
import { tfminiSI2cModel } from '../hal/range/tfmini-s/i2c-driver.js';
import { tfminiSSerialModel } from '../hal/range/tfmini-s/serial-driver.js';
import { tfminiSI2cParamsSchema, tfminiSSerialParamsSchema } from '../hal/range/tfmini-s/params.js';
import type { Pose2D } from '../messages/geometry.js';
import { NO_SERIAL_FAULT } from '../simulator/robot-link-server.js';
import type { SimWorldView } from '../simulator/devices/sim-device.js';
import {
  createTfminiSI2cSimDevice,
  createTfminiSSimDevice,
  type TfminiSI2cSimDevice,
} from '../simulator/devices/tfmini-s-model.js';
import { SimLinkPair, seededRandom } from './harness/sim-link-pair.js';

const UART = '/dev/ttyAMA0';
const I2C_BUS = '/dev/i2c-1';
const ADDRESS = 0x10;
const MS = 1_000;
const SECOND = 1_000_000;
/** The model's range noise is gaussian with σ = 1 cm; 6σ bounds every sample of a short run. */
const NOISE_BOUND_M = 0.06;

/** The robot at the origin facing +x, and one endless wall along the world line x = `wallXM`. */
function wallAheadWorld(wallXM: number): SimWorldView {
  const pose: Pose2D = { xM: 0, yM: 0, yawRad: 0 };
  return fakeWorldView({
    robotPose: () => pose,
    raycast(xM, _yM, angleRad, maxRangeM) {
      const dx = Math.cos(angleRad);
      if (dx < 1e-9) return Infinity;
      const distanceM = (wallXM - xM) / dx;
      return distanceM >= 0 && distanceM <= maxRangeM ? distanceM : Infinity;
    },
    random: seededRandom(20_240_611),
  });
}

const pairs: SimLinkPair[] = [];

afterEach(() => {
  for (const pair of pairs.splice(0)) pair.close();
});

function record(sensor: RangeDevice, pair: SimLinkPair) {
  const readings: RangeReading[] = [];
  const deliveredUs: number[] = [];
  sensor.onReading((reading) => {
    readings.push(reading);
    deliveredUs.push(pair.clock.nowUs());
  });
  const healthLog: DeviceHealth[] = [];
  sensor.onHealthChange((health) => healthLog.push(health));
  return { readings, deliveredUs, healthLog };
}

/** The real serial driver on the robot side, the simulated TFmini-S on the world side, both given the same mount. */
function serialSetUp(driverParams: Record<string, unknown>) {
  const model = createTfminiSSimDevice(UART, tfminiSSerialParamsSchema.parse({ mount: driverParams.mount ?? {} }));
  const pair = new SimLinkPair([model]);
  pairs.push(pair);
  const bus: BusConfig = { id: 'uart0', kind: 'serial', path: UART };
  const sensor = tfminiSSerialModel.create({
    id: 'front-range',
    bus,
    address: undefined,
    pins: {},
    params: tfminiSSerialModel.paramsSchema.parse(driverParams),
    clock: pair.clock,
    backends: pair.backends,
  });
  return { model, pair, sensor, ...record(sensor, pair) };
}

function inWindow(deliveredUs: number[], fromUs: number, toUs: number): number {
  return deliveredUs.filter((us) => us > fromUs && us <= toUs).length;
}

describe('TFmini-S serial driver over the sim link, against the simulated TFmini-S', () => {
  it('sets the frame rate to 50 Hz and reads the wall 2 m ahead at 50 readings a second', async () => {
    const { model, pair, sensor, readings, deliveredUs } = serialSetUp({ frameRateHz: 50 });
    const world = wallAheadWorld(2);

    await sensor.start();
    await pair.runUntil(1_500 * MS, world);

    expect(model.frameRateHz()).toBe(50);
    expect(sensor.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(inWindow(deliveredUs, 500 * MS, 1_500 * MS)).toBe(50);
    const counters = sensor.counters();
    expect(counters).toMatchObject({ badChecksums: 0, droppedBytes: 0, commandTimeouts: 0, commandReplies: 3 });
    expect(counters.frames).toBe(readings.length);
    for (const reading of readings) {
      expect(reading.status).toBe('ok');
      expect(Math.abs(reading.distanceM - 2)).toBeLessThanOrEqual(NOISE_BOUND_M);
      // The model's strength at 2 m: 20000 / 2².
      expect(reading.strength).toBe(5_000);
    }
    // Each reading is stamped with the robot clock at the frame's wire time.
    readings.forEach((reading, n) => expect(reading.stampUs).toBe(deliveredUs[n]));
    expect(sensor.lastReading()).toEqual(readings.at(-1));
  });

  it('reads a weak signal, with no distance, when nothing is within 12 m', async () => {
    const { pair, sensor, readings } = serialSetUp({});
    await sensor.start();
    await pair.runUntil(300 * MS, wallAheadWorld(12.5));
    expect(readings.length).toBeGreaterThan(20);
    for (const reading of readings) {
      expect(reading.status).toBe('weak-signal');
      expect(reading.distanceM).toBeNaN();
    }
    expect(sensor.health().state).toBe('ok');
  });

  it('reads forced saturation as saturated', async () => {
    const { model, pair, sensor, readings } = serialSetUp({});
    await sensor.start();
    await pair.runUntil(200 * MS, wallAheadWorld(1));
    model.forceSaturation('ambient');
    const before = readings.length;
    await pair.runUntil(400 * MS, wallAheadWorld(1));
    expect(readings.slice(before + 1).every((reading) => reading.status === 'saturated')).toBe(true);
    expect(sensor.counters().saturated).toBeGreaterThan(15);
  });

  it('unplugged, is failed with ENXIO; plugged back, reopens and sets the frame rate the power cycle lost', async () => {
    const { model, pair, sensor, readings, healthLog } = serialSetUp({ frameRateHz: 50 });
    const world = wallAheadWorld(2);
    await sensor.start();
    await pair.runUntil(SECOND, world);
    expect(sensor.health().state).toBe('ok');

    // GIVEN the USB adapter is pulled out: the port closes and the sensor loses power.
    pair.server.setSerialFault(UART, { ...NO_SERIAL_FAULT, unplugged: true });
    model.powerCycle();
    await pair.runUntil(SECOND + 10 * MS, world);
    // THEN the driver says so at once, and no reading arrives while it is out.
    expect(sensor.health().state).toBe('failed');
    expect(sensor.health().reason).toMatch(/ENXIO/);
    const readingsWhileOut = readings.length;
    await pair.runUntil(3 * SECOND, world);
    expect(readings).toHaveLength(readingsWhileOut);
    expect(sensor.health().state).toBe('failed');
    expect(model.frameRateHz()).toBe(100);

    // WHEN it is plugged back in
    pair.server.setSerialFault(UART, null);
    await pair.runUntil(4 * SECOND, world);

    // THEN the driver reopens by itself, sets 50 Hz again and reads the wall again.
    expect(sensor.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(model.frameRateHz()).toBe(50);
    expect(readings.length).toBeGreaterThan(readingsWhileOut + 10);
    for (const reading of readings.slice(readingsWhileOut))
      expect(Math.abs(reading.distanceM - 2)).toBeLessThanOrEqual(NOISE_BOUND_M);
    expect(healthLog.map((health) => health.state)).toEqual(['starting', 'starting', 'ok', 'failed', 'starting', 'ok']);
    expect(sensor.counters()).toMatchObject({ opens: 2, unexpectedCloses: 1, commandReplies: 6 });
  });
});

/** The real I2C driver and the simulated TFmini-S in I2C mode; the model measures as the world steps. */
function i2cSetUp(driverParams: Record<string, unknown>) {
  const model = createTfminiSI2cSimDevice(I2C_BUS, ADDRESS, tfminiSI2cParamsSchema.parse({}));
  const pair = new SimLinkPair([model]);
  pairs.push(pair);
  const sensor = tfminiSI2cModel.create({
    id: 'floor-range',
    bus: { id: 'i2c1', kind: 'i2c', path: I2C_BUS },
    address: ADDRESS,
    pins: {},
    params: tfminiSI2cModel.paramsSchema.parse(driverParams),
    clock: pair.clock,
    backends: pair.backends,
  });
  return { model, pair, sensor, ...record(sensor, pair) };
}

/** Quanta of 5 ms until `toUs`: the model measures the world, then the link streams and ticks. */
async function runI2cUntil(
  pair: SimLinkPair,
  model: TfminiSI2cSimDevice,
  toUs: number,
  world: SimWorldView,
): Promise<void> {
  while (pair.nowUs() < toUs) {
    const stepToUs = Math.min(toUs, pair.nowUs() + 5 * MS);
    model.advance(stepToUs, world);
    await pair.step(stepToUs, world);
  }
}

describe('TFmini-S I2C driver over the sim link, against the simulated TFmini-S', () => {
  it('sets the frame rate to 50 Hz, then polls the wall 3 m ahead 50 times a second', async () => {
    const { model, pair, sensor, readings, deliveredUs } = i2cSetUp({ frameRateHz: 50 });
    const world = wallAheadWorld(3);

    await sensor.start();
    await runI2cUntil(pair, model, 1_200 * MS, world);

    expect(model.frameRateHz()).toBe(50);
    expect(sensor.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(inWindow(deliveredUs, 200 * MS, 1_200 * MS)).toBe(50);
    expect(sensor.counters()).toMatchObject({ badFrames: 0, failedTransactions: 0, errors: 0 });
    for (const reading of readings) {
      expect(reading.status).toBe('ok');
      expect(Math.abs(reading.distanceM - 3)).toBeLessThanOrEqual(NOISE_BOUND_M);
    }
  });

  it('while the sensor NACKs is degraded then failed, and comes back by itself, frame rate set again', async () => {
    const { model, pair, sensor, readings, healthLog } = i2cSetUp({ frameRateHz: 50 });
    const world = wallAheadWorld(3);
    await sensor.start();
    await runI2cUntil(pair, model, 500 * MS, world);
    expect(sensor.health().state).toBe('ok');

    // GIVEN the sensor stops acknowledging (a loose connector) and restarts with factory settings.
    model.setResponding(false);
    model.powerCycle();
    await runI2cUntil(pair, model, 1_000 * MS, world);
    expect(sensor.health().state).toBe('failed');
    expect(sensor.health().reason).toMatch(/TFmini-S at 0x10 on \/dev\/i2c-1 is not answering: EREMOTEIO/);
    const readingsWhileOut = readings.length;

    // WHEN it answers again
    model.setResponding(true);
    await runI2cUntil(pair, model, 1_500 * MS, world);

    // THEN the driver sets its frame rate again and reads the wall again.
    expect(sensor.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(model.frameRateHz()).toBe(50);
    expect(readings.length).toBeGreaterThan(readingsWhileOut + 15);
    expect(healthLog.map((health) => health.state)).toEqual(['starting', 'starting', 'ok', 'degraded', 'failed', 'ok']);
  });

  it('with the I2C device unplugged by the world, is failed; plugged back, ok', async () => {
    const { model, pair, sensor } = i2cSetUp({});
    const world = wallAheadWorld(1);
    await sensor.start();
    await runI2cUntil(pair, model, 300 * MS, world);
    expect(sensor.health().state).toBe('ok');

    pair.server.setI2cFault(I2C_BUS, ADDRESS, { unplugged: true, nackRate: 0, eioRate: 0 });
    await runI2cUntil(pair, model, 600 * MS, world);
    expect(sensor.health().state).toBe('failed');

    pair.server.setI2cFault(I2C_BUS, ADDRESS, null);
    await runI2cUntil(pair, model, 900 * MS, world);
    expect(sensor.health().state).toBe('ok');
    expect(sensor.lastReading()).toMatchObject({ status: 'ok' });
    expect(Math.abs((sensor.lastReading()?.distanceM ?? NaN) - 1)).toBeLessThanOrEqual(NOISE_BOUND_M);
  });
});
