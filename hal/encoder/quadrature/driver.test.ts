import { describe, expect, it } from 'vitest';
import type { BusConfig } from '../../../config/board-schema.js';
import { flushMicrotasks, runClockFor } from '../../../test/harness/clock-steps.js';
import { deviceContext } from '../../../test/harness/device-context.js';
import { MemoryGpioBackend } from '../../../test/harness/memory-gpio-backend.js';
import { VirtualClock } from '../../../time/virtual-clock.js';
import type { DeviceHealth } from '../../device-health.js';
import { TransportError } from '../../transport/transport-error.js';
import type { EncoderDevice } from '../api.js';
import type { EncoderReading } from '../../../messages/encoder-reading.js';
import { quadratureLevelsAt } from './codec.js';
import { quadratureEncoderModel } from './driver.js';
import { quadratureEncoderParamsSchema } from './params.js';

const CHIP = 'pinctrl-bcm2711';
const PINS = { leftA: 17, leftB: 18, rightA: 22, rightB: 23 };
const MS = 1_000;

/** Turns a wheel's encoder (two lines) by `counts` steps, one edge report per step. */
class Wheel {
  position = 0;
  constructor(
    private readonly gpio: MemoryGpioBackend,
    private readonly lineA: number,
    private readonly lineB: number,
  ) {}

  turn(counts: number): void {
    const direction = Math.sign(counts);
    for (let i = 0; i < Math.abs(counts); i++) {
      const before = quadratureLevelsAt(this.position);
      this.position += direction;
      const after = quadratureLevelsAt(this.position);
      if (after.a !== before.a) this.gpio.set(this.lineA, after.a);
      else this.gpio.set(this.lineB, after.b);
    }
  }
}

function setUp(params: Record<string, unknown> = {}, pins: Record<string, number> = PINS) {
  const clock = new VirtualClock(5_000_000);
  const gpio = new MemoryGpioBackend();
  const bus: BusConfig = { id: 'gpio', kind: 'gpio', chipLabel: CHIP };
  const encoder: EncoderDevice = quadratureEncoderModel.create(
    deviceContext({
      id: 'wheels',
      bus,
      pins,
      params: quadratureEncoderParamsSchema.parse({ countsPerRevolution: 1000, wheelDiameterM: 0.1, ...params }),
      clock,
      backends: { gpio },
    }),
  );
  const readings: EncoderReading[] = [];
  encoder.onReading((reading) => readings.push(reading));
  const health: DeviceHealth[] = [];
  encoder.onHealthChange((h) => health.push(h));
  return {
    clock,
    gpio,
    encoder,
    readings,
    health,
    left: new Wheel(gpio, PINS.leftA, PINS.leftB),
    right: new Wheel(gpio, PINS.rightA, PINS.rightB),
  };
}

/** Advances the clock in 1 ms steps, letting the driver's reads complete between them. */
function run(clock: VirtualClock, forUs: number): Promise<void> {
  return runClockFor(clock, forUs, MS, flushMicrotasks);
}

describe('quadrature encoder params', () => {
  it('requires the counts per revolution and the wheel diameter, and defaults the rest', () => {
    expect(quadratureEncoderParamsSchema.safeParse({}).success).toBe(false);
    expect(quadratureEncoderParamsSchema.parse({ countsPerRevolution: 1496, wheelDiameterM: 0.065 })).toEqual({
      countsPerRevolution: 1496,
      wheelDiameterM: 0.065,
      invertLeft: false,
      invertRight: false,
      publishHz: 50,
    });
    expect(
      quadratureEncoderParamsSchema.safeParse({ countsPerRevolution: 1, wheelDiameterM: 0.1, extra: 1 }).success,
    ).toBe(false);
  });
});

describe('generic,quadrature-encoder driver', () => {
  it('opens both lines of each wheel as inputs with both edges, and names its channels after the pins', async () => {
    const { encoder, gpio } = setUp();
    expect(encoder.channelNames()).toEqual(['left', 'right']);
    await encoder.start();
    expect(gpio.opened.map((s) => [s.line, s.direction, s.edge, s.chipLabel])).toEqual([
      [17, 'in', 'both', CHIP],
      [18, 'in', 'both', CHIP],
      [22, 'in', 'both', CHIP],
      [23, 'in', 'both', CHIP],
    ]);
    expect(encoder.health()).toMatchObject({ state: 'ok', reason: '' });
  });

  it('counts every edge (×4) in both directions and turns counts into wheel travel', async () => {
    const { encoder, clock, left, right, readings } = setUp();
    await encoder.start();
    left.turn(250);
    right.turn(-40);
    right.turn(15);
    await run(clock, 20 * MS);
    const last = readings.at(-1);
    expect(last?.counts).toEqual({ left: 250, right: -25 });
    // 1000 counts per turn of a 0.1 m wheel: 0.1π / 1000 m per count.
    expect(last?.travelM.left).toBeCloseTo((250 * Math.PI * 0.1) / 1000, 12);
    expect(last?.travelM.right).toBeCloseTo((-25 * Math.PI * 0.1) / 1000, 12);
    expect(encoder.counters()).toMatchObject({ edges: 305, steps: 305, missedEdges: 0, invalidTransitions: 0 });
  });

  it('negates inverted channels', async () => {
    const { encoder, clock, left, right, readings } = setUp({ invertRight: true });
    await encoder.start();
    left.turn(12);
    right.turn(-12);
    await run(clock, 20 * MS);
    expect(readings.at(-1)?.counts).toEqual({ left: 12, right: 12 });
  });

  it('counts from the levels it reads at start, whatever they are', async () => {
    const { encoder, clock, gpio, readings } = setUp({}, { leftA: 17, leftB: 18 });
    gpio.set(17, 1);
    gpio.set(18, 1);
    const left = new Wheel(gpio, 17, 18);
    left.position = 2; // levels 11
    await encoder.start();
    left.turn(3);
    await run(clock, 20 * MS);
    expect(readings.at(-1)?.counts).toEqual({ left: 3 });
  });

  it('publishes at publishHz, stamped with the clock', async () => {
    const { encoder, clock, readings } = setUp({ publishHz: 50 });
    await encoder.start();
    const startUs = clock.nowUs();
    await run(clock, 1_000 * MS);
    expect(readings).toHaveLength(50);
    expect(readings[0]?.stampUs).toBe(startUs + 20 * MS);
    expect(readings[1]?.stampUs).toBe(startUs + 40 * MS);
    expect(encoder.lastReading()).toBe(readings.at(-1));
  });

  it('turns degraded for a second when edges were missed, and ok again after a clean second', async () => {
    const { encoder, clock, gpio, left } = setUp();
    await encoder.start();
    left.turn(1); // A high
    gpio.report(PINS.leftA, 1); // A high again: an edge pair was lost
    await run(clock, 1_000 * MS);
    expect(encoder.health().state).toBe('degraded');
    expect(encoder.health().reason).toMatch(/edges missed in the last 1000 ms \(left 1\)/);
    expect(encoder.counters().missedEdges).toBe(1);
    left.turn(5);
    await run(clock, 1_000 * MS);
    expect(encoder.health()).toMatchObject({ state: 'ok', reason: '' });
  });

  it('is failed while a line cannot be opened, retries with backoff, and is ok once it opens', async () => {
    const { encoder, clock, gpio, readings, health } = setUp();
    gpio.failOpen = new TransportError('EACCES', 'permission denied: /sys/class/gpio/export');
    await encoder.start();
    expect(encoder.health().state).toBe('failed');
    expect(encoder.health().reason).toBe(
      `cannot open ${CHIP} line 17: EACCES: permission denied: /sys/class/gpio/export`,
    );
    await run(clock, 100 * MS);
    expect(readings).toHaveLength(0);
    const opensWhileFailing = gpio.opened.length;
    await run(clock, 2_000 * MS);
    expect(gpio.opened.length).toBeGreaterThan(opensWhileFailing);
    gpio.failOpen = undefined;
    await run(clock, 10_000 * MS);
    expect(encoder.health()).toMatchObject({ state: 'ok', reason: '' });
    expect(readings.length).toBeGreaterThan(0);
    expect(encoder.counters().reopenAttempts).toBeGreaterThanOrEqual(2);
    expect(health.map((h) => h.state)).toEqual(['starting', 'failed', 'ok']);
  });

  it('is failed when its lines stop answering, closes them, and keeps counting from where it was after the reopen', async () => {
    const { encoder, clock, gpio, left, readings } = setUp();
    await encoder.start();
    left.turn(40);
    gpio.failRead = new TransportError('EIO', 'read /sys/class/gpio/gpio529/value');
    await run(clock, 1_000 * MS);
    expect(encoder.health().state).toBe('failed');
    expect(encoder.health().reason).toMatch(/^cannot read the encoder lines on pinctrl-bcm2711: EIO/);
    expect(gpio.closed).toBe(4);
    const countAtFailure = readings.at(-1)?.counts.left;
    expect(countAtFailure).toBe(40);
    const readingsWhileFailed = readings.length;
    await run(clock, 300 * MS);
    expect(readings.length).toBe(readingsWhileFailed);

    gpio.failRead = undefined;
    await run(clock, 1_000 * MS);
    expect(encoder.health().state).toBe('ok');
    left.turn(8);
    await run(clock, 20 * MS);
    expect(readings.at(-1)?.counts.left).toBe(48);
    expect(encoder.counters().readErrors).toBeGreaterThanOrEqual(1);
  });

  it('stops: health stopped, lines closed, no more readings, edges ignored', async () => {
    const { encoder, clock, gpio, left, readings } = setUp();
    await encoder.start();
    await encoder.stop();
    expect(encoder.health().state).toBe('stopped');
    expect(gpio.closed).toBe(4);
    left.turn(10);
    await run(clock, 200 * MS);
    expect(readings).toHaveLength(0);
    expect(encoder.counters().edges).toBe(0);
  });

  it('refuses pins that do not pair up, and a bus that is not gpio', () => {
    expect(() => setUp({}, { leftA: 17, rightA: 22, rightB: 23 })).toThrow(/pins\.leftA has no pins\.leftB/);
    expect(() => setUp({}, { left: 17 })).toThrow(/pins\.left: quadrature pins are named <channel>A and <channel>B/);
    expect(() => setUp({}, {})).toThrow(/at least one pair/);
    expect(() =>
      quadratureEncoderModel.create(
        deviceContext({
          id: 'wheels',
          bus: { id: 'i2c', kind: 'i2c', path: '/dev/i2c-1' },
          pins: PINS,
          params: quadratureEncoderParamsSchema.parse({ countsPerRevolution: 1000, wheelDiameterM: 0.1 }),
          clock: new VirtualClock(),
          backends: {},
        }),
      ),
    ).toThrow(/needs a gpio bus/);
  });
});
