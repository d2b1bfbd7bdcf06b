import { describe, expect, it } from 'vitest';
import type { BusConfig } from '../../../config/board-schema.js';
import { runClockUntil, settle as settleTurns } from '../../../test/harness/clock-steps.js';
import { deviceContext } from '../../../test/harness/device-context.js';
import { MemorySerialBackend } from '../../transport/serial/memory-serial-backend.js';
import { unusedBackends } from '../../../test/harness/unused-backends.js';
import { VirtualClock } from '../../../time/virtual-clock.js';
import type { DeviceHealth } from '../../device-health.js';
import type { I2cBackend, I2cBus } from '../../transport/i2c/api.js';
import { TransportError } from '../../transport/transport-error.js';
import type { RangeDevice } from '../api.js';
import type { RangeReading } from '../../../messages/range-reading.js';
import {
  TFMINI_S_COMMAND,
  TfminiSDecoder,
  encodeTfminiSCommand,
  encodeTfminiSFrame,
  type TfminiSCommandFrame,
} from './codec.js';
import { tfminiSI2cModel } from './i2c-driver.js';
import { readingFromFrame } from './range-sensor.js';
import { tfminiSSerialModel } from './serial-driver.js';

const UART = '/dev/ttyAMA0';
const I2C = '/dev/i2c-1';
const MS = 1_000;
const START_US = 1_000_000;

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.split(' ').map((byte) => parseInt(byte, 16)));
}

/** Lets pending promise callbacks run. */
function settle(): Promise<void> {
  return settleTurns(10);
}

/** Moves the clock to `toUs` in steps, letting promise callbacks run after each. */
function runUntil(clock: VirtualClock, toUs: number, stepUs = MS): Promise<void> {
  return runClockUntil(clock, toUs, stepUs, settle);
}

function frame(distanceCm: number, strength = 2_000): Uint8Array {
  return encodeTfminiSFrame({ distance: distanceCm, strength, temperatureC: 40 });
}

/**
 * A serial port in memory with a sensor behind it that, while `answering`, echoes every command
 * the way Table 12 says (or with `answerFor`'s bytes); the test pushes data frames itself.
 */
class TfminiSPort extends MemorySerialBackend {
  answering = true;
  answerFor: (command: TfminiSCommandFrame) => Uint8Array = (command) =>
    encodeTfminiSCommand(command.id, command.payload);

  constructor() {
    super([UART]);
    this.peer = () => {
      const decoder = new TfminiSDecoder();
      return (bytes, reply) => {
        for (const message of decoder.push(bytes)) {
          if (message.kind === 'command' && this.answering) reply(this.answerFor(message.command));
        }
      };
    };
  }

  writtenHex(): string[] {
    return this.writes.map((bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' '));
  }
}

function serialSetUp(params: Record<string, unknown> = {}) {
  const clock = new VirtualClock(START_US);
  const port = new TfminiSPort();
  const bus: BusConfig = { id: 'uart0', kind: 'serial', path: UART };
  const sensor = tfminiSSerialModel.create(
    deviceContext({
      id: 'front-range',
      bus,
      params: tfminiSSerialModel.paramsSchema.parse(params),
      clock,
      backends: { serial: port },
    }),
  );
  const readings: RangeReading[] = [];
  sensor.onReading((reading) => readings.push(reading));
  const healthLog: DeviceHealth[] = [];
  sensor.onHealthChange((health) => healthLog.push(health));
  return { clock, port, sensor, readings, healthLog };
}

/** Sends a frame every 10 ms of clock time until `toUs`. */
async function streamFrames(clock: VirtualClock, port: TfminiSPort, toUs: number, bytes = frame(150)): Promise<void> {
  while (clock.nowUs() < toUs) {
    clock.advanceTo(Math.min(toUs, clock.nowUs() + 10 * MS));
    if (port.isOpen) port.send(bytes);
    await settle();
  }
}

describe('TFmini-S device models', () => {
  it('describe themselves as range sensors on a serial and an I2C bus, with defaults', () => {
    expect(tfminiSSerialModel).toMatchObject({ compatible: 'benewake,tfmini-s', kind: 'range', busKind: 'serial' });
    expect(tfminiSI2cModel).toMatchObject({ compatible: 'benewake,tfmini-s-i2c', kind: 'range', busKind: 'i2c' });
    expect(tfminiSSerialModel.paramsSchema.parse({})).toEqual({
      baudRate: 115_200,
      mount: { xM: 0, yM: 0, yawDeg: 0 },
      frameRateHz: 100,
      minStrength: 0,
    });
    expect(tfminiSI2cModel.paramsSchema.parse({})).toEqual({
      mount: { xM: 0, yM: 0, yawDeg: 0 },
      frameRateHz: 100,
      minStrength: 0,
    });
  });

  it('refuse a frame rate the sensor cannot make, and unknown fields', () => {
    const rate = tfminiSSerialModel.paramsSchema.safeParse({ frameRateHz: 30 });
    expect(rate.success).toBe(false);
    expect(rate.error?.issues[0]?.message).toMatch(/1000\/n Hz.*25, 40, 50/);
    expect(tfminiSI2cModel.paramsSchema.safeParse({ baudRate: 115_200 }).success).toBe(false);
    expect(tfminiSSerialModel.paramsSchema.safeParse({ mount: { zM: 1 } }).success).toBe(false);
  });

  it('refuse the wrong kind of bus', () => {
    const clock = new VirtualClock();
    const common = { id: 'r', address: undefined, pins: {}, clock, backends: unusedBackends() };
    expect(() =>
      tfminiSSerialModel.create({
        ...common,
        bus: { id: 'i', kind: 'i2c', path: I2C },
        params: tfminiSSerialModel.paramsSchema.parse({}),
      }),
    ).toThrow(/needs a serial bus/);
    expect(() =>
      tfminiSI2cModel.create({
        ...common,
        bus: { id: 'u', kind: 'serial', path: UART },
        params: tfminiSI2cModel.paramsSchema.parse({}),
      }),
    ).toThrow(/needs an i2c bus/);
  });
});

describe('readingFromFrame', () => {
  const base = { strength: 2_000, temperatureC: 30 };
  it('turns centimetres into metres and the codes of Table 8 into statuses', () => {
    expect(readingFromFrame({ ...base, distance: 150, status: 'ok' }, 0, 7)).toEqual({
      distanceM: 1.5,
      strength: 2_000,
      status: 'ok',
      stampUs: 7,
    });
    expect(readingFromFrame({ ...base, distance: -1, status: 'weak-signal' }, 0, 7)).toMatchObject({
      status: 'weak-signal',
    });
    expect(readingFromFrame({ ...base, distance: -2, status: 'signal-saturated' }, 0, 7)).toMatchObject({
      status: 'saturated',
    });
    expect(readingFromFrame({ ...base, distance: -4, status: 'ambient-saturated' }, 0, 7)).toMatchObject({
      status: 'saturated',
    });
    expect(readingFromFrame({ ...base, distance: -3, status: 'unknown-code' }, 0, 7)).toMatchObject({
      status: 'out-of-range',
    });
    for (const distance of [-1, -2, -3]) {
      expect(readingFromFrame({ ...base, distance, status: 'weak-signal' }, 0, 7).distanceM).toBeNaN();
    }
  });

  it('calls a distance weaker than minStrength a weak signal', () => {
    expect(readingFromFrame({ distance: 150, strength: 499, temperatureC: 30, status: 'ok' }, 500, 0)).toMatchObject({
      status: 'weak-signal',
      distanceM: NaN,
    });
    expect(readingFromFrame({ distance: 150, strength: 500, temperatureC: 30, status: 'ok' }, 500, 0).status).toBe(
      'ok',
    );
  });
});

describe('TFmini-S on a UART', () => {
  it('configures the sensor at open, one confirmed command after the other, then reads frames as metres', async () => {
    const { clock, port, sensor, readings } = serialSetUp({ frameRateHz: 50, mount: { xM: 0.2, yM: 0, yawDeg: 0 } });

    await sensor.start();
    await settle();

    // Table 12: standard format in cm, frame rate 50 Hz (0x0032), output on.
    expect(port.writtenHex()).toEqual(['5A 05 05 01 65', '5A 06 03 32 00 95', '5A 05 07 01 67']);
    expect(sensor.health()).toMatchObject({ state: 'starting', reason: `${UART} open, waiting for frames` });
    expect(sensor.mount()).toEqual({ xM: 0.2, yM: 0, yawDeg: 0 });
    expect(sensor.lastReading()).toBeNull();

    clock.advanceBy(20 * MS);
    port.send(frame(123, 4_000));

    expect(sensor.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(readings).toEqual([{ distanceM: 1.23, strength: 4_000, status: 'ok', stampUs: START_US + 20 * MS }]);
    expect(sensor.lastReading()).toEqual(readings[0]);
    expect(sensor.counters()).toMatchObject({
      frames: 1,
      commandReplies: 3,
      commandsSent: 3,
      commandTimeouts: 0,
      readingsOk: 1,
    });
  });

  it('splits frames across chunks and skips garbage between them', async () => {
    const { port, sensor, readings } = serialSetUp();
    await sensor.start();
    await settle();
    const stream = new Uint8Array([0x00, 0x13, ...frame(100), 0x59, ...frame(200)]);
    port.send(stream.subarray(0, 5));
    port.send(stream.subarray(5, 13));
    port.send(stream.subarray(13));
    expect(readings.map((reading) => reading.distanceM)).toEqual([1, 2]);
    // The three answers to the configuration, 5 + 6 + 5 bytes, came first.
    expect(sensor.counters()).toMatchObject({ frames: 2, droppedBytes: 3, bytesReceived: 16 + stream.length });
  });

  it('sends each command three times, 100 ms apart, and is degraded when the sensor confirms none', async () => {
    const { clock, port, sensor } = serialSetUp();
    port.answering = false;
    await sensor.start();

    await streamFrames(clock, port, START_US + 850 * MS);
    expect(sensor.health().state).toBe('ok');
    await streamFrames(clock, port, START_US + 950 * MS);

    expect(port.writtenHex()).toEqual([
      ...Array<string>(3).fill('5A 05 05 01 65'),
      ...Array<string>(3).fill('5A 06 03 64 00 C7'),
      ...Array<string>(3).fill('5A 05 07 01 67'),
    ]);
    expect(sensor.health()).toMatchObject({
      state: 'degraded',
      reason: 'the sensor did not confirm: standard frames in cm, frame rate 100 Hz, output on',
    });
    expect(sensor.counters()).toMatchObject({ commandTimeouts: 9, commandsSent: 9 });
  });

  it('is degraded when the sensor answers a different frame rate', async () => {
    const { clock, port, sensor } = serialSetUp({ frameRateHz: 250 });
    port.answerFor = (command) =>
      command.id === TFMINI_S_COMMAND.frameRate
        ? encodeTfminiSCommand(command.id, [100, 0])
        : encodeTfminiSCommand(command.id, command.payload);
    await sensor.start();
    await streamFrames(clock, port, START_US + 50 * MS);
    expect(sensor.health()).toMatchObject({
      state: 'degraded',
      reason: 'the sensor did not confirm: frame rate 250 Hz',
    });
  });

  it('reports weak and saturated frames as such, with no distance', async () => {
    const { port, sensor, readings } = serialSetUp({ minStrength: 300 });
    await sensor.start();
    await settle();
    port.send(encodeTfminiSFrame({ distance: -1, strength: 20, temperatureC: 30 }));
    port.send(encodeTfminiSFrame({ distance: -2, strength: 65_535, temperatureC: 30 }));
    port.send(encodeTfminiSFrame({ distance: -4, strength: 900, temperatureC: 30 }));
    port.send(encodeTfminiSFrame({ distance: 400, strength: 200, temperatureC: 30 }));
    expect(readings.map((reading) => reading.status)).toEqual(['weak-signal', 'saturated', 'saturated', 'weak-signal']);
    for (const reading of readings) expect(reading.distanceM).toBeNaN();
    expect(sensor.counters()).toMatchObject({ weakSignal: 2, saturated: 2, readingsOk: 0 });
    expect(sensor.health().state).toBe('ok');
  });

  it('is failed when unplugged, and reopens, reconfigures and is ok again by itself', async () => {
    const { clock, port, sensor, readings, healthLog } = serialSetUp();
    await sensor.start();
    await streamFrames(clock, port, START_US + 100 * MS);
    expect(sensor.health().state).toBe('ok');

    port.unplug();
    port.present = false;
    expect(sensor.health().state).toBe('failed');
    expect(sensor.health().reason).toMatch(/ENXIO/);
    const readingsAtUnplug = readings.length;
    await streamFrames(clock, port, START_US + 1_100 * MS);
    expect(readings).toHaveLength(readingsAtUnplug);
    expect(sensor.health().state).toBe('failed');

    port.present = true;
    const writesBefore = port.writes.length;
    // The port list is polled every 500 ms: the sensor is back within one poll.
    await streamFrames(clock, port, START_US + 1_700 * MS);
    expect(port.writtenHex().slice(writesBefore)).toEqual(['5A 05 05 01 65', '5A 06 03 64 00 C7', '5A 05 07 01 67']);
    expect(sensor.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(readings.length).toBeGreaterThan(readingsAtUnplug);
    // Opening, then open and waiting for frames: two reasons of `starting`.
    expect(healthLog.map((health) => health.state)).toEqual(['starting', 'starting', 'ok', 'failed', 'starting', 'ok']);
    expect(sensor.counters()).toMatchObject({ opens: 2, unexpectedCloses: 1 });
  });

  it('is failed when the port cannot be opened, and retries on the clock', async () => {
    const { clock, port, sensor } = serialSetUp();
    port.failWith = new TransportError('EACCES', `permission denied, open '${UART}'`);
    await sensor.start();
    expect(sensor.health().state).toBe('failed');
    expect(sensor.health().reason).toMatch(/cannot open .*EACCES/);
    port.failWith = undefined;
    await runUntil(clock, START_US + 700 * MS, 10 * MS);
    expect(port.openCalls).toHaveLength(2);
    expect(sensor.health().state).toBe('starting');
  });

  it('is failed when nothing arrives for 500 ms, or only bytes that form no frame', async () => {
    const quiet = serialSetUp();
    await quiet.sensor.start();
    await runUntil(quiet.clock, START_US + 450 * MS, 10 * MS);
    expect(quiet.sensor.health().state).toBe('starting');
    await runUntil(quiet.clock, START_US + 550 * MS, 10 * MS);
    expect(quiet.sensor.health()).toMatchObject({ state: 'failed' });
    expect(quiet.sensor.health().reason).toMatch(/no valid frame from \/dev\/ttyAMA0 for over 500 ms: nothing arrives/);

    const noisy = serialSetUp();
    await noisy.sensor.start();
    await streamFrames(noisy.clock, noisy.port, START_US + 600 * MS, hex('01 02 03 04 05 06 07 08 09'));
    expect(noisy.sensor.health().reason).toMatch(/none form a valid frame \(is 115200 baud right\?\)/);

    noisy.port.send(frame(100));
    expect(noisy.sensor.health().state).toBe('ok');
  });

  it('stops: port closed, health stopped, no more readings', async () => {
    const { clock, port, sensor, readings } = serialSetUp();
    await sensor.start();
    await streamFrames(clock, port, START_US + 50 * MS);
    await sensor.stop();
    expect(port.isOpen).toBe(false);
    expect(sensor.health().state).toBe('stopped');
    const count = readings.length;
    await runUntil(clock, START_US + 2_000 * MS, 50 * MS);
    expect(readings).toHaveLength(count);
    expect(sensor.health().state).toBe('stopped');
  });
});

/**
 * An I2C bus in memory with a TFmini-S at 0x10 behind it: a write carries a command, the next
 * read gets its answer (`frameRateAnswer` for the frame rate command, `frameBytes` for
 * obtain-data-frame); while `nack` is set nothing is acknowledged.
 */
class MemoryTfminiBus implements I2cBus {
  readonly path = I2C;
  nack = false;
  frameBytes = frame(250);
  frameRateAnswer: ((requested: Uint8Array) => Uint8Array) | undefined;
  readonly writes: string[] = [];
  readonly reads: Array<{ length: number; atUs: number }> = [];
  closed = false;
  private answer: Uint8Array | undefined;

  constructor(private readonly clock: VirtualClock) {}

  async write(address: number, bytes: Uint8Array): Promise<void> {
    this.check(address);
    this.writes.push([...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' '));
    const [message] = new TfminiSDecoder().push(bytes);
    if (message?.kind !== 'command') return;
    if (message.command.id === TFMINI_S_COMMAND.obtainDataFrame) this.answer = this.frameBytes;
    else if (message.command.id === TFMINI_S_COMMAND.frameRate) {
      this.answer = this.frameRateAnswer ? this.frameRateAnswer(bytes) : bytes.slice();
    }
  }

  async read(address: number, length: number): Promise<Uint8Array> {
    this.check(address);
    if (!this.answer) throw new TransportError('EREMOTEIO', 'nothing to read');
    this.reads.push({ length, atUs: this.clock.nowUs() });
    const out = new Uint8Array(length);
    out.set(this.answer.subarray(0, length));
    this.answer = undefined;
    return out;
  }

  async writeRead(): Promise<Uint8Array> {
    throw new Error('not used by the TFmini-S driver');
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private check(address: number): void {
    if (this.closed) throw new TransportError('ECLOSED', 'closed');
    if (address !== 0x10) throw new TransportError('EREMOTEIO', `nothing at 0x${address.toString(16)}`);
    if (this.nack) throw new TransportError('EREMOTEIO', 'no acknowledge');
  }
}

class MemoryI2cBackend implements I2cBackend {
  readonly kind = 'memory';
  failWith: TransportError | undefined;
  /** The frame rate answer of every bus opened from now on. */
  frameRateAnswer: ((requested: Uint8Array) => Uint8Array) | undefined;
  opens = 0;
  readonly buses: MemoryTfminiBus[] = [];
  constructor(private readonly clock: VirtualClock) {}
  async open(): Promise<I2cBus> {
    this.opens++;
    if (this.failWith) throw this.failWith;
    const bus = new MemoryTfminiBus(this.clock);
    bus.frameRateAnswer = this.frameRateAnswer;
    this.buses.push(bus);
    return bus;
  }
}

function i2cSetUp(params: Record<string, unknown> = {}, address: number | undefined = undefined) {
  const clock = new VirtualClock(START_US);
  const i2c = new MemoryI2cBackend(clock);
  const sensor: RangeDevice = tfminiSI2cModel.create(
    deviceContext({
      id: 'floor-range',
      bus: { id: 'i2c1', kind: 'i2c', path: I2C },
      address,
      params: tfminiSI2cModel.paramsSchema.parse(params),
      clock,
      backends: { i2c },
    }),
  );
  const readings: RangeReading[] = [];
  sensor.onReading((reading) => readings.push(reading));
  const healthLog: DeviceHealth[] = [];
  sensor.onHealthChange((health) => healthLog.push(health));
  const bus = (): MemoryTfminiBus => {
    const last = i2c.buses.at(-1);
    if (!last) throw new Error('no bus opened');
    return last;
  };
  return { clock, i2c, bus, sensor, readings, healthLog };
}

describe('TFmini-S on I2C', () => {
  it('sets the frame rate, reads its echo 100 ms later, then polls a frame every period, 1 ms after asking', async () => {
    const { clock, bus, sensor, readings } = i2cSetUp({ frameRateHz: 50 });
    await sensor.start();
    await settle();
    expect(bus().writes).toEqual(['5A 06 03 32 00 95']);
    expect(sensor.health().state).toBe('starting');

    await runUntil(clock, START_US + 100 * MS);
    expect(bus().reads).toEqual([{ length: 6, atUs: START_US + 100 * MS }]);

    await runUntil(clock, START_US + 1_100 * MS);
    const polls = bus().writes.slice(1);
    expect(new Set(polls)).toEqual(new Set(['5A 05 00 01 60']));
    expect(polls.length).toBeGreaterThanOrEqual(50);
    expect(polls.length).toBeLessThanOrEqual(51);
    const frameReads = bus().reads.slice(1);
    for (const read of frameReads) expect(read.length).toBe(9);
    expect(readings).toHaveLength(frameReads.length);
    expect(readings[0]).toEqual({ distanceM: 2.5, strength: 2_000, status: 'ok', stampUs: frameReads[0]?.atUs });
    expect(sensor.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(sensor.counters()).toMatchObject({ frames: readings.length, badFrames: 0, configAttempts: 1 });
  });

  it('polls at the frame rate even when each poll only finishes at the next period', async () => {
    const { clock, sensor, readings } = i2cSetUp({ frameRateHz: 100 });
    await sensor.start();
    // The clock moves in 10 ms steps, as in a lock-step quantum: the 1 ms wait ends at the next step.
    await runUntil(clock, START_US + 2_000 * MS, 10 * MS);
    // 1.9 s of polling after the 100 ms configuration: one frame per 10 ms.
    expect(readings.length).toBeGreaterThanOrEqual(185);
    expect(sensor.counters().pollsCoalesced).toBeGreaterThan(0);
  });

  it('turns degraded, then failed, while the sensor NACKs, and comes back by itself, setting the frame rate again', async () => {
    const { clock, bus, sensor, healthLog } = i2cSetUp();
    await sensor.start();
    await runUntil(clock, START_US + 200 * MS);
    expect(sensor.health().state).toBe('ok');

    bus().nack = true;
    await runUntil(clock, START_US + 211 * MS);
    expect(sensor.health().state).toBe('degraded');
    await runUntil(clock, START_US + 240 * MS);
    expect(sensor.health().state).toBe('failed');
    expect(sensor.health().reason).toMatch(/TFmini-S at 0x10 on \/dev\/i2c-1 is not answering: EREMOTEIO/);

    bus().nack = false;
    const writesBefore = bus().writes.length;
    await runUntil(clock, START_US + 400 * MS);
    expect(bus().writes[writesBefore]).toBe('5A 06 03 64 00 C7');
    expect(sensor.health()).toMatchObject({ state: 'ok', reason: '' });
    // One change per state, however many polls fail meanwhile.
    expect(healthLog.map((health) => health.state)).toEqual(['starting', 'starting', 'ok', 'degraded', 'failed', 'ok']);
    expect(sensor.counters().retries).toBeGreaterThanOrEqual(6);
  });

  it('is failed when the bus cannot be opened, and reopens it with backoff', async () => {
    const { clock, i2c, sensor } = i2cSetUp();
    i2c.failWith = new TransportError('ENOENT', `no such file, open '${I2C}'`);
    await sensor.start();
    expect(sensor.health()).toMatchObject({ state: 'failed' });
    expect(sensor.health().reason).toMatch(/cannot open \/dev\/i2c-1: .*ENOENT/);

    await runUntil(clock, START_US + 390 * MS, 10 * MS);
    expect(i2c.opens).toBe(1);
    i2c.failWith = undefined;
    await runUntil(clock, START_US + 610 * MS, 10 * MS);
    expect(i2c.opens).toBe(2);
    await runUntil(clock, START_US + 800 * MS, 10 * MS);
    expect(sensor.health().state).toBe('ok');
    expect(sensor.counters()).toMatchObject({ busOpenFailures: 1, busReopens: 1 });
  });

  it('counts frames that fail their checksum and is failed when only those come', async () => {
    const { clock, bus, sensor, readings } = i2cSetUp();
    await sensor.start();
    await runUntil(clock, START_US + 150 * MS);
    const corrupt = frame(250);
    corrupt[8] = (corrupt[8] ?? 0) ^ 0xff;
    bus().frameBytes = corrupt;
    // A poll already on the bus still gets the good frame.
    await runUntil(clock, START_US + 160 * MS);
    const good = readings.length;
    await runUntil(clock, START_US + 600 * MS);
    expect(sensor.health().state).toBe('ok');
    await runUntil(clock, START_US + 700 * MS);
    expect(readings).toHaveLength(good);
    expect(sensor.counters().badFrames).toBeGreaterThan(40);
    expect(sensor.health()).toMatchObject({ state: 'failed' });
    expect(sensor.health().reason).toMatch(/no valid frame for over 500 ms: its frames fail their checksum/);
  });

  it('is degraded when the sensor does not confirm the frame rate', async () => {
    const { clock, i2c, sensor } = i2cSetUp({ frameRateHz: 200 });
    i2c.frameRateAnswer = () => hex('00 00 00 00 00 00');
    await sensor.start();
    await runUntil(clock, START_US + 150 * MS);
    expect(sensor.health()).toMatchObject({ state: 'degraded' });
    expect(sensor.health().reason).toMatch(/did not confirm frame rate 200 Hz/);
  });

  it('uses address 0x10 by default and refuses one outside the 7-bit range', async () => {
    const { clock, bus, sensor } = i2cSetUp({}, undefined);
    await sensor.start();
    await runUntil(clock, START_US + 150 * MS);
    expect(bus().writes.length).toBeGreaterThan(1);
    expect(() => i2cSetUp({}, 0x80)).toThrow(RangeError);
  });

  it('stops: bus closed, health stopped, no more polls', async () => {
    const { clock, bus, sensor } = i2cSetUp();
    await sensor.start();
    await runUntil(clock, START_US + 150 * MS);
    await sensor.stop();
    const writes = bus().writes.length;
    expect(bus().closed).toBe(true);
    await runUntil(clock, START_US + 500 * MS, 10 * MS);
    expect(bus().writes).toHaveLength(writes);
    expect(sensor.health().state).toBe('stopped');
  });
});
