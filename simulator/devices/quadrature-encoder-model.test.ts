import { describe, expect, it } from 'vitest';
import { QuadratureDecoder } from '../../hal/encoder/quadrature/codec.js';
import { quadratureEncoderParamsSchema } from '../../hal/encoder/quadrature/params.js';
import { fakeWorldView } from '../../test/harness/fake-world-view.js';
import { createQuadratureEncoderSimDevice } from './quadrature-encoder-model.js';
import type { SimGpioEdge } from './sim-device.js';

const CHIP = 'pinctrl-bcm2711';
const PINS = { leftA: 17, leftB: 18, rightA: 22, rightB: 23 };
/** 1000 counts per turn of a wheel of circumference 0.1 m: 10 000 counts per metre, 0.1 mm a count. */
const PARAMS = quadratureEncoderParamsSchema.parse({ countsPerRevolution: 1000, wheelDiameterM: 0.1 / Math.PI });

/** A world whose wheels travel at constant speeds from t = 0. */
function movingWorld(leftMps: number, rightMps: number, nowUs: () => number) {
  return fakeWorldView({
    wheelTravelM: () => ({ leftM: (leftMps * nowUs()) / 1e6, rightM: (rightMps * nowUs()) / 1e6 }),
  });
}

/** Runs the model in 1 ms calls from 0 to `untilUs`, as the world does; returns every edge. */
function runModel(
  device: ReturnType<typeof createQuadratureEncoderSimDevice>,
  leftMps: number,
  rightMps: number,
  untilUs: number,
  fromUs = 0,
): SimGpioEdge[] {
  let now = fromUs;
  const world = movingWorld(leftMps, rightMps, () => now);
  const edges: SimGpioEdge[] = [];
  for (now = fromUs; now <= untilUs; now += 1_000) edges.push(...device.advance(now, world));
  return edges;
}

/** Decodes a model's edges with the driver's codec, per wheel. */
function decode(edges: SimGpioEdge[]): { left: number; right: number } {
  const left = new QuadratureDecoder();
  const right = new QuadratureDecoder();
  left.levels(0, 0);
  right.levels(0, 0);
  for (const edge of edges) {
    if (edge.line === PINS.leftA) left.edgeA(edge.level);
    else if (edge.line === PINS.leftB) left.edgeB(edge.level);
    else if (edge.line === PINS.rightA) right.edgeA(edge.level);
    else if (edge.line === PINS.rightB) right.edgeB(edge.level);
  }
  return { left: left.position(), right: right.position() };
}

describe('quadrature encoder sim model', () => {
  it('wires left and right to the pins it was given, both lines low at the start', () => {
    const device = createQuadratureEncoderSimDevice(CHIP, PINS, PARAMS);
    expect(device.lines).toEqual([
      { chipLabel: CHIP, line: 17 },
      { chipLabel: CHIP, line: 18 },
      { chipLabel: CHIP, line: 22 },
      { chipLabel: CHIP, line: 23 },
    ]);
    expect(device.pwmChannels).toEqual([]);
    for (const line of device.lines) expect(device.read(line)).toBe(0);
  });

  it('makes one edge per count of wheel travel, which the codec decodes back to the travel', () => {
    const device = createQuadratureEncoderSimDevice(CHIP, PINS, PARAMS);
    // 0.05 m/s forward for 1 s is 500 counts; 0.02 m/s backward is -200.
    const edges = runModel(device, 0.05, -0.02, 1_000_000);
    expect(edges).toHaveLength(700);
    expect(decode(edges)).toEqual({ left: 500, right: -200 });
    expect(device.position('left')).toBe(500);
    expect(device.position('right')).toBe(-200);
  });

  it('stamps each edge at the time its count is crossed, in time order, within the advance call', () => {
    const device = createQuadratureEncoderSimDevice(CHIP, PINS, PARAMS);
    // 0.05 m/s = 500 counts/s: one count every 2000 µs, the first at 2000 µs.
    const edges = runModel(device, 0.05, 0, 20_000);
    expect(edges.map((e) => e.simTimeUs)).toEqual([
      2_000, 4_000, 6_000, 8_000, 10_000, 12_000, 14_000, 16_000, 18_000, 20_000,
    ]);
    // Forward: A rises, B rises, A falls, B falls (A leads B).
    expect(edges.slice(0, 4).map((e) => [e.line, e.level])).toEqual([
      [17, 1],
      [18, 1],
      [17, 0],
      [18, 0],
    ]);
    const sorted = [...edges].sort((a, b) => a.simTimeUs - b.simTimeUs);
    expect(edges).toEqual(sorted);
  });

  it('puts edges between calls at interpolated times when a call spans many counts', () => {
    const device = createQuadratureEncoderSimDevice(CHIP, PINS, PARAMS);
    let now = 0;
    const world = movingWorld(0.5, 0.25, () => now);
    device.advance(0, world);
    now = 10_000;
    // 50 left counts (every 200 µs) and 25 right counts (every 400 µs) in one 10 ms call.
    const edges = device.advance(now, world);
    expect(edges).toHaveLength(75);
    expect(edges.every((e) => e.simTimeUs > 0 && e.simTimeUs <= 10_000)).toBe(true);
    const leftTimes = edges.filter((e) => e.line === 17 || e.line === 18).map((e) => e.simTimeUs);
    expect(leftTimes.slice(0, 3)).toEqual([200, 400, 600]);
    const rightTimes = edges.filter((e) => e.line === 22 || e.line === 23).map((e) => e.simTimeUs);
    expect(rightTimes.slice(0, 3)).toEqual([400, 800, 1_200]);
    for (let i = 1; i < edges.length; i++) {
      expect((edges[i] as SimGpioEdge).simTimeUs).toBeGreaterThanOrEqual((edges[i - 1] as SimGpioEdge).simTimeUs);
    }
  });

  it('counts down for forward travel on an inverted channel', () => {
    const device = createQuadratureEncoderSimDevice(CHIP, PINS, { ...PARAMS, invertRight: true });
    const edges = runModel(device, 0.01, 0.01, 1_000_000);
    expect(decode(edges)).toEqual({ left: 100, right: -100 });
  });

  it('reads the lines at their levels now', () => {
    const device = createQuadratureEncoderSimDevice(CHIP, PINS, PARAMS);
    runModel(device, 0.05, 0, 6_000); // three counts: 00 → 10 → 11 → 01
    expect(device.read({ chipLabel: CHIP, line: 17 })).toBe(0);
    expect(device.read({ chipLabel: CHIP, line: 18 })).toBe(1);
  });

  it('makes no edges while stuck, and counts on from where it froze', () => {
    const device = createQuadratureEncoderSimDevice(CHIP, PINS, PARAMS);
    runModel(device, 0.05, 0, 100_000);
    device.setStuck(true);
    expect(runModel(device, 0.05, 0, 200_000, 101_000)).toEqual([]);
    device.setStuck(false);
    const after = runModel(device, 0.05, 0, 300_000, 201_000);
    expect(after.length).toBeGreaterThanOrEqual(49);
    expect(after.length).toBeLessThanOrEqual(51);
    expect(device.position('left')).toBe(50 + after.length);
  });

  it('while losing edges, leaves out one edge event in three, which the codec sees as repeated levels', () => {
    const device = createQuadratureEncoderSimDevice(CHIP, PINS, PARAMS);
    device.setLosingEdges(true);
    const edges = runModel(device, 0.05, 0, 60_000); // 30 counts
    expect(edges).toHaveLength(20);
    expect(device.position('left')).toBe(30);
    const decoder = new QuadratureDecoder();
    decoder.levels(0, 0);
    for (const edge of edges) {
      if (edge.line === 17) decoder.edgeA(edge.level);
      else decoder.edgeB(edge.level);
    }
    expect(decoder.counters().repeatedLevels).toBeGreaterThan(0);
  });

  it('refuses channels the world has no wheel for', () => {
    expect(() => createQuadratureEncoderSimDevice(CHIP, { frontA: 1, frontB: 2 }, PARAMS)).toThrow(
      /"left" and "right" only/,
    );
  });
});
