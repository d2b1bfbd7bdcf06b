import { afterEach, describe, expect, it } from 'vitest';
import type { SerialHandlers } from '../hal/transport/serial/api.js';
import { TransportError } from '../hal/transport/transport-error.js';
import type { SimDevice, SimI2cDevice, SimSerialDevice, TimedBytes } from '../simulator/devices/sim-device.js';
import { SimLinkPair, type SimLinkPairOptions } from './harness/sim-link-pair.js';

const UART = '/dev/ttyFAKE0';
const I2C_BUS = '/dev/i2c-1';
const I2C_ADDRESS = 0x40;

/** A serial device that records what the host does and emits the chunks the test queues, at their stamps. */
class FakeSerialDevice implements SimSerialDevice {
  readonly kind = 'serial' as const;
  readonly opens: Array<{ baudRate: number; simTimeUs: number }> = [];
  readonly writes: Array<{ bytes: number[]; simTimeUs: number }> = [];
  closes = 0;
  private queued: TimedBytes[] = [];

  constructor(readonly path: string) {}

  queue(simTimeUs: number, bytes: number[]): void {
    this.queued.push({ simTimeUs, bytes: Uint8Array.from(bytes) });
  }

  open(baudRate: number, simTimeUs: number): void {
    this.opens.push({ baudRate, simTimeUs });
  }

  close(): void {
    this.closes++;
  }

  write(bytes: Uint8Array, simTimeUs: number): void {
    this.writes.push({ bytes: [...bytes], simTimeUs });
  }

  setSignals(): void {}

  advance(toUs: number): TimedBytes[] {
    const due = this.queued.filter((chunk) => chunk.simTimeUs <= toUs);
    this.queued = this.queued.filter((chunk) => chunk.simTimeUs > toUs);
    return due;
  }
}

/** An I2C device answering every read with `0xA0, 0xA1, ...` and recording each transaction. */
class FakeI2cDevice implements SimI2cDevice {
  readonly kind = 'i2c' as const;
  readonly transfers: Array<{ write: number[] | null; readLength: number; simTimeUs: number }> = [];

  constructor(
    readonly busPath: string,
    readonly address: number,
  ) {}

  transfer(write: Uint8Array | null, readLength: number, simTimeUs: number): Uint8Array {
    this.transfers.push({ write: write ? [...write] : null, readLength, simTimeUs });
    return Uint8Array.from({ length: readLength }, (_, i) => 0xa0 + i);
  }
}

const pairs: SimLinkPair[] = [];

afterEach(() => {
  for (const pair of pairs.splice(0)) pair.close();
});

function setUp(devices: SimDevice[], options: SimLinkPairOptions = {}): SimLinkPair {
  const pair = new SimLinkPair(devices, options);
  pairs.push(pair);
  return pair;
}

/** Serial handlers that keep every chunk with the robot clock at its delivery, and log `data@<us>` to `events`. */
function recordingHandlers(pair: SimLinkPair, events: string[] = []) {
  const received: Array<{ bytes: number[]; nowUs: number }> = [];
  const handlers: SerialHandlers = {
    onData: (bytes) => {
      events.push(`data@${pair.clock.nowUs()}`);
      received.push({ bytes: [...bytes], nowUs: pair.clock.nowUs() });
    },
    onClose: () => undefined,
  };
  return { handlers, received };
}

describe('sim link: requests and their errors', () => {
  it('rejects a serial open of a path the world has no device at with ENOENT', async () => {
    const pair = setUp([new FakeSerialDevice(UART)]);
    const { handlers } = recordingHandlers(pair);

    const opening = pair.backends.serial.open({ path: '/dev/ttyNOPE', baudRate: 230_400 }, handlers);

    await expect(opening).rejects.toBeInstanceOf(TransportError);
    await expect(opening).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('opens a serial device once and answers a second open with EBUSY', async () => {
    const device = new FakeSerialDevice(UART);
    const pair = setUp([device]);

    await pair.backends.serial.open({ path: UART, baudRate: 115_200 }, recordingHandlers(pair).handlers);
    const second = pair.backends.serial.open({ path: UART, baudRate: 115_200 }, recordingHandlers(pair).handlers);

    await expect(second).rejects.toMatchObject({ name: 'TransportError', code: 'EBUSY' });
    expect(device.opens).toEqual([{ baudRate: 115_200, simTimeUs: 0 }]);
  });

  it('lets a serial device be opened again after the robot closed it', async () => {
    const device = new FakeSerialDevice(UART);
    const pair = setUp([device]);
    const first = await pair.backends.serial.open({ path: UART, baudRate: 9_600 }, recordingHandlers(pair).handlers);

    await first.close();
    await pair.backends.serial.open({ path: UART, baudRate: 9_600 }, recordingHandlers(pair).handlers);

    expect(device.closes).toBe(1);
    expect(device.opens).toHaveLength(2);
  });

  it('answers an I2C transaction to an address nobody holds with EREMOTEIO, and one on an unknown bus with ENOENT', async () => {
    const device = new FakeI2cDevice(I2C_BUS, I2C_ADDRESS);
    const pair = setUp([device]);
    const bus = await pair.backends.i2c.open(I2C_BUS);
    const unknownBus = await pair.backends.i2c.open('/dev/i2c-7');

    await expect(bus.read(I2C_ADDRESS + 1, 1)).rejects.toMatchObject({ name: 'TransportError', code: 'EREMOTEIO' });
    await expect(unknownBus.read(I2C_ADDRESS, 1)).rejects.toMatchObject({ name: 'TransportError', code: 'ENOENT' });
    expect(device.transfers).toEqual([]);
    await expect(bus.writeRead(I2C_ADDRESS, Uint8Array.of(0x06), 3)).resolves.toEqual(Uint8Array.of(0xa0, 0xa1, 0xa2));
    expect(device.transfers).toEqual([{ write: [0x06], readLength: 3, simTimeUs: 0 }]);
  });

  it('lists the serial paths of the robot', async () => {
    const pair = setUp([new FakeSerialDevice(UART), new FakeSerialDevice('/dev/ttyFAKE1')]);

    await expect(pair.backends.serial.list()).resolves.toEqual([UART, '/dev/ttyFAKE1']);
  });
});

describe('sim link: serial bytes', () => {
  it('hands bytes the robot writes to the device model, in order, in the next quantum', async () => {
    const device = new FakeSerialDevice(UART);
    const pair = setUp([device]);
    const port = await pair.backends.serial.open({ path: UART, baudRate: 115_200 }, recordingHandlers(pair).handlers);

    await port.write(Uint8Array.of(0xa5, 0x20));
    await port.write(Uint8Array.of(0xa5, 0x25));
    await pair.step(10_000);

    expect(device.writes).toEqual([
      { bytes: [0xa5, 0x20], simTimeUs: 10_000 },
      { bytes: [0xa5, 0x25], simTimeUs: 10_000 },
    ]);
  });

  it('delivers device bytes with the robot clock at their stamp, timers due in between firing in order', async () => {
    const device = new FakeSerialDevice(UART);
    const pair = setUp([device]);
    const events: string[] = [];
    const { handlers, received } = recordingHandlers(pair, events);
    await pair.backends.serial.open({ path: UART, baudRate: 230_400 }, handlers);
    pair.clock.after(5_000, () => events.push(`timer@${pair.clock.nowUs()}`));
    device.queue(2_500, [1, 2]);
    device.queue(7_000, [3]);
    device.queue(9_999, [4, 5, 6]);
    device.queue(12_000, [7]);

    await pair.step(10_000);

    expect(received).toEqual([
      { bytes: [1, 2], nowUs: 2_500 },
      { bytes: [3], nowUs: 7_000 },
      { bytes: [4, 5, 6], nowUs: 9_999 },
    ]);
    expect(events).toEqual(['data@2500', 'timer@5000', 'data@7000', 'data@9999']);
    expect(pair.clock.nowUs()).toBe(10_000);

    await pair.step(20_000);

    expect(received.at(-1)).toEqual({ bytes: [7], nowUs: 12_000 });
    expect(pair.clock.nowUs()).toBe(20_000);
  });
});

describe('sim link: lock step', () => {
  it('moves the robot clock to the tick and runs the timers due up to it', async () => {
    const pair = setUp([]);
    const firedAtUs: number[] = [];
    const ticks: Array<{ seq: number; simTimeUs: number; nowUs: number }> = [];
    pair.clock.every(4_000, () => firedAtUs.push(pair.clock.nowUs()));
    pair.client.onTick(async (tick) => {
      ticks.push({ seq: tick.seq, simTimeUs: tick.simTimeUs, nowUs: pair.clock.nowUs() });
    });

    await pair.step(10_000);
    expect(pair.clock.nowUs()).toBe(10_000);
    expect(firedAtUs).toEqual([4_000, 8_000]);

    await pair.step(20_000);
    expect(firedAtUs).toEqual([4_000, 8_000, 12_000, 16_000, 20_000]);
    expect(ticks).toEqual([
      { seq: 1, simTimeUs: 10_000, nowUs: 10_000 },
      { seq: 2, simTimeUs: 20_000, nowUs: 20_000 },
    ]);
  });

  it('GIVEN waitForTickHandler WHEN the world ticks before the robot is ready THEN the tick (and the clock) wait for the handler, while requests are answered', async () => {
    const device = new FakeI2cDevice(I2C_BUS, I2C_ADDRESS);
    const pair = setUp([device], { waitForTickHandler: true });
    let answered = false;
    const tick = pair.step(10_000).then(() => (answered = true));
    // The robot starts up meanwhile: its requests are answered, its clock stays where it was.
    const bus = await pair.backends.i2c.open(I2C_BUS);
    await bus.read(I2C_ADDRESS, 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    expect(pair.clock.nowUs()).toBe(0);

    const seen: number[] = [];
    pair.client.onTick(async (t) => {
      seen.push(t.simTimeUs);
    });
    await tick;
    expect(seen).toEqual([10_000]);
    expect(pair.clock.nowUs()).toBe(10_000);
  });

  it('answers tick-done only after the I2C requests started in the tick have been answered', async () => {
    const device = new FakeI2cDevice(I2C_BUS, I2C_ADDRESS);
    const pair = setUp([device]);
    const bus = await pair.backends.i2c.open(I2C_BUS);
    const completed: Array<{ startedUs: number; reads: number }> = [];
    /** Five dependent register reads, as a driver polling a chip would make. */
    const pollChip = async (startedUs: number): Promise<void> => {
      let reads = 0;
      for (let register = 0; register < 5; register++) {
        await bus.writeRead(I2C_ADDRESS, Uint8Array.of(register), 1);
        reads++;
      }
      completed.push({ startedUs, reads });
    };
    pair.clock.every(4_000, () => void pollChip(pair.clock.nowUs()));
    let tickWorkDone = false;
    pair.client.onTick(async () => {
      await bus.read(I2C_ADDRESS, 2);
      await bus.read(I2C_ADDRESS, 2);
      tickWorkDone = true;
    });

    await pair.step(10_000);

    expect(completed).toEqual([
      { startedUs: 4_000, reads: 5 },
      { startedUs: 8_000, reads: 5 },
    ]);
    expect(tickWorkDone).toBe(true);
    expect(pair.client.inFlight()).toBe(0);
    expect(device.transfers).toHaveLength(12);
  });

  it('counts a malformed message from the robot and drops it, and the link keeps working', async () => {
    const pair = setUp([new FakeSerialDevice(UART), new FakeI2cDevice(I2C_BUS, I2C_ADDRESS)]);

    pair.robotPort.postMessage(null);
    pair.robotPort.postMessage({ t: 'warp-drive', reqId: 99 });
    pair.robotPort.postMessage({ t: 'i2c', reqId: 100, busPath: I2C_BUS, write: null, readLength: 1 });
    const paths = await pair.backends.serial.list();

    expect(pair.server.malformed).toBe(3);
    expect(paths).toEqual([UART]);
    await pair.step(10_000);
    expect(pair.clock.nowUs()).toBe(10_000);
  });
});
