import { fakeWorldView } from '../../test/harness/fake-world-view.js';
import { describe, expect, it } from 'vitest';
import {
  TfminiSDecoder,
  decodeTfminiSFrame,
  frameRateCommand,
  obtainDataFrameCommand,
  outputEnableCommand,
  outputFormatCommand,
  saveSettingsCommand,
  triggerCommand,
  versionCommand,
  type TfminiSFrame,
  type TfminiSMessage,
} from '../../hal/range/tfmini-s/codec.js';
import { tfminiSI2cParamsSchema, tfminiSSerialParamsSchema } from '../../hal/range/tfmini-s/params.js';
import type { Pose2D } from '../../messages/geometry.js';
import { SimBusError, type SimWorldView, type TimedBytes } from './sim-device.js';
import { createTfminiSI2cSimDevice, createTfminiSSimDevice } from './tfmini-s-model.js';

const PATH = '/dev/ttyAMA0';
const BUS = '/dev/i2c-1';
const MS = 1_000;
const SECOND = 1_000_000;

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.split(' ').map((byte) => parseInt(byte, 16)));
}

/** A world with one endless wall along x = `wallXM` (world frame), seen from `pose`. */
function wallWorld(wallXM: number, pose: Pose2D = { xM: 0, yM: 0, yawRad: 0 }): SimWorldView {
  let state = 99;
  return fakeWorldView({
    robotPose: () => pose,
    raycast(xM, _yM, angleRad, maxRangeM) {
      const dx = Math.cos(angleRad);
      if (Math.abs(dx) < 1e-9) return Infinity;
      const distanceM = (wallXM - xM) / dx;
      return distanceM >= 0 && distanceM <= maxRangeM ? distanceM : Infinity;
    },
    random() {
      state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
      return state / 4_294_967_296;
    },
  });
}

function decodeAll(chunks: TimedBytes[]): TfminiSMessage[] {
  const decoder = new TfminiSDecoder();
  return chunks.flatMap((chunk) => decoder.push(chunk.bytes));
}

function framesOf(chunks: TimedBytes[]): TfminiSFrame[] {
  return decodeAll(chunks).flatMap((message) => (message.kind === 'frame' ? [message.frame] : []));
}

const serialParams = tfminiSSerialParamsSchema.parse({});

describe('simulated TFmini-S on a UART', () => {
  it('streams 100 frames a second from the raycast straight ahead, from one period after the open', () => {
    const sensor = createTfminiSSimDevice(PATH, serialParams, { rangeNoiseM: 0, temperatureC: 40 });
    sensor.open(115_200, 0);

    const chunks = sensor.advance(SECOND, wallWorld(2));

    expect(chunks).toHaveLength(100);
    expect(chunks.map((chunk) => chunk.simTimeUs)).toEqual(Array.from({ length: 100 }, (_, n) => (n + 1) * 10 * MS));
    for (const chunk of chunks) expect(chunk.bytes).toHaveLength(9);
    // 20000 / 2² = 5000: the model's strength at 2 m; Temp (40 + 256) × 8.
    expect(new Set(framesOf(chunks).map((frame) => JSON.stringify(frame)))).toEqual(
      new Set([JSON.stringify({ distance: 200, strength: 5000, temperatureC: 40, status: 'ok' })]),
    );
    expect(sensor.advance(SECOND, wallWorld(2))).toEqual([]);
  });

  it('adds gaussian noise of the chosen size', () => {
    const sensor = createTfminiSSimDevice(PATH, serialParams, { rangeNoiseM: 0.02 });
    sensor.open(115_200, 0);
    const distances = framesOf(sensor.advance(2 * SECOND, wallWorld(3))).map((frame) => frame.distance);
    const mean = distances.reduce((sum, d) => sum + d, 0) / distances.length;
    expect(distances).toHaveLength(200);
    expect(Math.abs(mean - 300)).toBeLessThan(0.6);
    expect(Math.max(...distances) - Math.min(...distances)).toBeGreaterThan(4);
    for (const d of distances) expect(Math.abs(d - 300)).toBeLessThanOrEqual(10);
  });

  it('points its beam through the mount and the robot pose', () => {
    // Mounted forward-left, beam to the robot's left; the robot faces −y, so the beam points along +x.
    const params = tfminiSSerialParamsSchema.parse({ mount: { xM: 0.1, yM: 0.2, yawDeg: 90 } });
    const sensor = createTfminiSSimDevice(PATH, params, { rangeNoiseM: 0 });
    sensor.open(115_200, 0);
    const pose: Pose2D = { xM: 1, yM: 0, yawRad: -Math.PI / 2 };
    // Sensor at world (1 + 0.2, −0.1); beam heading −90° + 90° = 0°: +x, wall at x = 5 → 3.8 m.
    const [frame] = framesOf(sensor.advance(10 * MS, wallWorld(5, pose)));
    expect(frame?.distance).toBe(380);
  });

  it('reads −1 (weak signal, strength 0) with nothing within 12 m, and a distance just inside', () => {
    const far = createTfminiSSimDevice(PATH, serialParams, { rangeNoiseM: 0 });
    far.open(115_200, 0);
    expect(framesOf(far.advance(10 * MS, wallWorld(12.5)))).toEqual([
      { distance: -1, strength: 0, temperatureC: 35, status: 'weak-signal' },
    ]);
    const near = createTfminiSSimDevice(PATH, serialParams, { rangeNoiseM: 0 });
    near.open(115_200, 0);
    expect(framesOf(near.advance(10 * MS, wallWorld(11.9)))[0]).toMatchObject({ distance: 1190, status: 'ok' });
    expect(framesOf(near.advance(20 * MS, wallWorld(0.04)))[0]).toMatchObject({ distance: 10, status: 'ok' });
  });

  it('echoes a frame rate command 1 ms later and streams at the new rate from then on', () => {
    const sensor = createTfminiSSimDevice(PATH, serialParams, { rangeNoiseM: 0 });
    sensor.open(115_200, 0);
    sensor.advance(100 * MS, wallWorld(1));
    sensor.write(frameRateCommand(20), 100 * MS);

    const chunks = sensor.advance(1_101 * MS, wallWorld(1));

    expect(chunks[0]).toEqual({ simTimeUs: 101 * MS, bytes: hex('5A 06 03 14 00 77') });
    expect(sensor.frameRateHz()).toBe(20);
    expect(chunks.slice(1).map((chunk) => chunk.simTimeUs)).toEqual(
      Array.from({ length: 20 }, (_, n) => 101 * MS + (n + 1) * 50 * MS),
    );
    expect(sensor.commandsReceived()).toBe(1);
  });

  it('sends nothing at frame rate 0 but answers a trigger with one frame', () => {
    const sensor = createTfminiSSimDevice(PATH, serialParams, { rangeNoiseM: 0 });
    sensor.open(115_200, 0);
    sensor.write(frameRateCommand(0), 0);
    expect(decodeAll(sensor.advance(SECOND, wallWorld(1)))).toHaveLength(1);
    sensor.write(triggerCommand(), SECOND);
    const chunks = sensor.advance(2 * SECOND, wallWorld(1));
    expect(chunks).toHaveLength(1);
    expect(decodeTfminiSFrame(chunks[0]?.bytes ?? new Uint8Array())).toMatchObject({ distance: 100 });
  });

  it('stops and restarts the stream on output off / on, and changes units with the output format', () => {
    const sensor = createTfminiSSimDevice(PATH, serialParams, { rangeNoiseM: 0 });
    sensor.open(115_200, 0);
    sensor.write(outputEnableCommand(false), 0);
    expect(sensor.advance(SECOND, wallWorld(1.5)).map((chunk) => [...chunk.bytes])).toEqual([
      [0x5a, 0x05, 0x07, 0x00, 0x66],
    ]);

    sensor.write(outputFormatCommand(6), SECOND);
    sensor.write(outputEnableCommand(true), SECOND);
    const messages = decodeAll(sensor.advance(SECOND + 20 * MS, wallWorld(1.5)));
    expect(messages.map((message) => message.kind)).toEqual(['command', 'command', 'frame']);
    expect(messages[2]).toMatchObject({ kind: 'frame', frame: { distance: 1500 } });

    sensor.write(outputFormatCommand(2), SECOND + 20 * MS);
    const text = sensor.advance(SECOND + 40 * MS, wallWorld(1.5)).slice(1);
    expect(new TextDecoder().decode(text[0]?.bytes)).toBe('1.50\r\n');
  });

  it('keeps saved settings over a power cycle and loses the others', () => {
    const sensor = createTfminiSSimDevice(PATH, serialParams, { rangeNoiseM: 0 });
    sensor.open(115_200, 0);
    sensor.write(frameRateCommand(50), 0);
    sensor.powerCycle();
    expect(sensor.frameRateHz()).toBe(100);

    sensor.write(frameRateCommand(50), 0);
    sensor.write(saveSettingsCommand(), 0);
    const answers = sensor.advance(2 * MS, wallWorld(1)).map((chunk) => [...chunk.bytes]);
    // The save answer exactly as Table 12 prints it.
    expect(answers).toContainEqual([0x5a, 0x05, 0x11, 0x00, 0x6f]);
    sensor.powerCycle();
    expect(sensor.frameRateHz()).toBe(50);
  });

  it('answers the version command with V3.2.1', () => {
    const sensor = createTfminiSSimDevice(PATH, serialParams);
    sensor.open(115_200, 0);
    sensor.write(versionCommand(), 0);
    const [answer] = sensor.advance(MS, wallWorld(1));
    expect(answer?.bytes).toEqual(hex('5A 07 01 01 02 03 68'));
  });

  it('opened at the wrong baud rate, sends garbage with no header in it and ignores commands', () => {
    const sensor = createTfminiSSimDevice(PATH, serialParams);
    sensor.open(9_600, 0);
    sensor.write(frameRateCommand(10), 0);
    const chunks = sensor.advance(SECOND, wallWorld(1));
    expect(chunks).toHaveLength(100);
    expect(decodeAll(chunks)).toEqual([]);
    for (const chunk of chunks) expect([...chunk.bytes].some((b) => b === 0x59 || b === 0x5a)).toBe(false);
    expect(sensor.frameRateHz()).toBe(100);
  });

  it('when stuck, keeps sending its last distance while the world changes', () => {
    const sensor = createTfminiSSimDevice(PATH, serialParams, { rangeNoiseM: 0 });
    sensor.open(115_200, 0);
    sensor.advance(10 * MS, wallWorld(2));
    sensor.setStuck(true);
    expect(framesOf(sensor.advance(50 * MS, wallWorld(0.5))).map((frame) => frame.distance)).toEqual([
      200, 200, 200, 200,
    ]);
    sensor.setStuck(false);
    expect(framesOf(sensor.advance(60 * MS, wallWorld(0.5)))[0]?.distance).toBe(50);
  });

  it('sends the saturation codes of Table 8 only when forced', () => {
    const sensor = createTfminiSSimDevice(PATH, serialParams, { rangeNoiseM: 0 });
    sensor.open(115_200, 0);
    sensor.forceSaturation('signal');
    expect(framesOf(sensor.advance(10 * MS, wallWorld(0.2)))[0]).toMatchObject({
      distance: -2,
      strength: 65_535,
      status: 'signal-saturated',
    });
    sensor.forceSaturation('ambient');
    expect(framesOf(sensor.advance(20 * MS, wallWorld(0.2)))[0]).toMatchObject({
      distance: -4,
      status: 'ambient-saturated',
    });
    sensor.forceSaturation(null);
    expect(framesOf(sensor.advance(30 * MS, wallWorld(0.2)))[0]).toMatchObject({ distance: 20, status: 'ok' });
  });

  it('sends nothing while closed', () => {
    const sensor = createTfminiSSimDevice(PATH, serialParams);
    expect(sensor.advance(SECOND, wallWorld(1))).toEqual([]);
    sensor.open(115_200, 0);
    sensor.close();
    expect(sensor.advance(2 * SECOND, wallWorld(1))).toEqual([]);
  });
});

describe('simulated TFmini-S in I2C mode', () => {
  const i2cParams = tfminiSI2cParamsSchema.parse({});

  function transferError(run: () => unknown): SimBusError | undefined {
    try {
      run();
    } catch (error) {
      if (error instanceof SimBusError) return error;
      throw error;
    }
    return undefined;
  }

  it('does not acknowledge a read that no command came before', () => {
    const sensor = createTfminiSI2cSimDevice(BUS, 0x10, i2cParams, { rangeNoiseM: 0 });
    sensor.advance(10 * MS, wallWorld(2));
    expect(transferError(() => sensor.transfer(null, 9, 10 * MS))?.code).toBe('EREMOTEIO');
  });

  it('answers obtain-data-frame with a frame of the latest measurement, once', () => {
    const sensor = createTfminiSI2cSimDevice(BUS, 0x10, i2cParams, { rangeNoiseM: 0, temperatureC: 40 });
    sensor.advance(10 * MS, wallWorld(2));
    expect(sensor.transfer(hex('5A 05 00 01 60'), 0, 10 * MS)).toEqual(new Uint8Array(0));
    const bytes = sensor.transfer(null, 9, 11 * MS);
    expect(decodeTfminiSFrame(bytes)).toEqual({ distance: 200, strength: 5000, temperatureC: 40, status: 'ok' });
    expect(transferError(() => sensor.transfer(null, 9, 12 * MS))?.code).toBe('EREMOTEIO');

    sensor.transfer(obtainDataFrameCommand('mm'), 0, 12 * MS);
    expect(decodeTfminiSFrame(sensor.transfer(null, 9, 13 * MS))?.distance).toBe(2000);
  });

  it('reads the frame before its first measurement as weak signal', () => {
    const sensor = createTfminiSI2cSimDevice(BUS, 0x10, i2cParams);
    expect(decodeTfminiSFrame(sensor.transfer(obtainDataFrameCommand(), 9, 0))).toMatchObject({
      distance: -1,
      strength: 0,
    });
  });

  it('measures at its frame rate, not at every step', () => {
    const sensor = createTfminiSI2cSimDevice(BUS, 0x10, i2cParams, { rangeNoiseM: 0 });
    sensor.advance(10 * MS, wallWorld(2));
    sensor.advance(15 * MS, wallWorld(1));
    expect(decodeTfminiSFrame(sensor.transfer(obtainDataFrameCommand(), 9, 15 * MS))?.distance).toBe(200);
    sensor.advance(20 * MS, wallWorld(1));
    expect(decodeTfminiSFrame(sensor.transfer(obtainDataFrameCommand(), 9, 20 * MS))?.distance).toBe(100);
  });

  it('echoes a frame rate command on the next read and measures at the new rate', () => {
    const sensor = createTfminiSI2cSimDevice(BUS, 0x10, i2cParams, { rangeNoiseM: 0 });
    sensor.transfer(frameRateCommand(20), 0, 0);
    expect(sensor.transfer(null, 6, 100 * MS)).toEqual(hex('5A 06 03 14 00 77'));
    expect(sensor.frameRateHz()).toBe(20);
    sensor.advance(100 * MS, wallWorld(2));
    sensor.advance(130 * MS, wallWorld(1));
    expect(decodeTfminiSFrame(sensor.transfer(obtainDataFrameCommand(), 9, 130 * MS))?.distance).toBe(200);
  });

  it('acknowledges nothing while not responding, and answers again after', () => {
    const sensor = createTfminiSI2cSimDevice(BUS, 0x10, i2cParams, { rangeNoiseM: 0 });
    sensor.advance(10 * MS, wallWorld(2));
    sensor.setResponding(false);
    expect(transferError(() => sensor.transfer(obtainDataFrameCommand(), 0, 10 * MS))?.code).toBe('EREMOTEIO');
    sensor.setResponding(true);
    expect(decodeTfminiSFrame(sensor.transfer(obtainDataFrameCommand(), 9, 10 * MS))?.distance).toBe(200);
  });

  it('when stuck, keeps its last measurement; saturation is forced on top', () => {
    const sensor = createTfminiSI2cSimDevice(BUS, 0x10, i2cParams, { rangeNoiseM: 0 });
    sensor.advance(10 * MS, wallWorld(2));
    sensor.setStuck(true);
    sensor.advance(100 * MS, wallWorld(0.5));
    expect(decodeTfminiSFrame(sensor.transfer(obtainDataFrameCommand(), 9, 100 * MS))?.distance).toBe(200);
    sensor.forceSaturation('ambient');
    expect(decodeTfminiSFrame(sensor.transfer(obtainDataFrameCommand(), 9, 100 * MS))?.status).toBe(
      'ambient-saturated',
    );
  });

  it('forgets an unread answer and unsaved settings at a power cycle', () => {
    const sensor = createTfminiSI2cSimDevice(BUS, 0x10, i2cParams);
    sensor.transfer(frameRateCommand(50), 0, 0);
    sensor.powerCycle();
    expect(sensor.frameRateHz()).toBe(100);
    expect(transferError(() => sensor.transfer(null, 6, 0))?.code).toBe('EREMOTEIO');
  });
});
