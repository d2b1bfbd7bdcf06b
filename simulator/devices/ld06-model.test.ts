import { fakeWorldView } from '../../test/harness/fake-world-view.js';
import { describe, expect, it } from 'vitest';
import { Ld06Decoder, pointAnglesDeg, type Ld06Packet } from '../../hal/lidar/ld06/codec.js';
import { ld06ParamsSchema } from '../../hal/lidar/ld06/params.js';
import { ld19ParamsSchema } from '../../hal/lidar/ld19/params.js';
import type { Pose2D } from '../../messages/geometry.js';
import { createLd06SimDevice, createLd19SimDevice } from './ld06-model.js';
import type { SimWorldView, TimedBytes } from './sim-device.js';

const PATH = '/dev/ttyUSB0';

/** A world with one infinite wall along x = `wallXM`, seen from `pose`. */
function wallWorld(pose: Pose2D, wallXM = 1): SimWorldView {
  let state = 12345;
  return fakeWorldView({
    robotPose: () => pose,
    raycast(xM, yM, angleRad, maxRangeM) {
      const dx = Math.cos(angleRad);
      if (dx < 1e-9) return Infinity;
      const distanceM = (wallXM - xM) / dx;
      return distanceM >= 0 && distanceM <= maxRangeM ? distanceM : Infinity;
    },
    random() {
      state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
      return state / 4_294_967_296;
    },
  });
}

function decodeAll(chunks: TimedBytes[]): Ld06Packet[] {
  const decoder = new Ld06Decoder();
  return chunks.flatMap((chunk) => decoder.push(chunk.bytes));
}

/** Every (sensor angle, distance) pair in the packets. */
function pointsOf(packets: Ld06Packet[]): Array<{ angleDeg: number; distanceMm: number; intensity: number }> {
  return packets.flatMap((packet) => {
    const angles = pointAnglesDeg(packet);
    return packet.points.map((point, i) => ({ angleDeg: angles[i] as number, ...point }));
  });
}

function near(angleDeg: number, targetDeg: number, toleranceDeg: number): boolean {
  const diff = Math.abs(((angleDeg - targetDeg + 540) % 360) - 180);
  return diff <= toleranceDeg;
}

/** Runs the device for `seconds` in steps of `stepUs`, from an open at `openUs`. */
function run(
  world: SimWorldView,
  seconds: number,
  options: { stepUs?: number; baudRate?: number; openUs?: number; mount?: object } = {},
) {
  const device = createLd06SimDevice(PATH, ld06ParamsSchema.parse({ mount: options.mount ?? {} }));
  const openUs = options.openUs ?? 0;
  device.open(options.baudRate ?? 230_400, openUs);
  const stepUs = options.stepUs ?? 10_000;
  const chunks: TimedBytes[] = [];
  for (let t = openUs + stepUs; t <= openUs + seconds * 1e6; t += stepUs) chunks.push(...device.advance(t, world));
  return { device, chunks };
}

describe('simulated LD06', () => {
  const facingWall = wallWorld({ xM: 0, yM: 0, yawRad: 0 });

  it('sends 375 packets a second, each stamped with its own time in the step it was due', () => {
    const device = createLd06SimDevice(PATH, ld06ParamsSchema.parse({}));
    device.open(230_400, 0);
    const chunks: TimedBytes[] = [];
    for (let t = 10_000; t <= 1_000_000; t += 10_000) {
      const step = device.advance(t, facingWall);
      for (const chunk of step) {
        expect(chunk.simTimeUs).toBeGreaterThan(t - 10_000);
        expect(chunk.simTimeUs).toBeLessThanOrEqual(t);
      }
      chunks.push(...step);
    }
    const packets = decodeAll(chunks);
    expect(packets.length).toBeGreaterThanOrEqual(374);
    expect(packets.length).toBeLessThanOrEqual(376);
    const gapsUs = chunks.slice(1).map((c, i) => c.simTimeUs - (chunks[i] as TimedBytes).simTimeUs);
    for (const gap of gapsUs) expect(Math.abs(gap - 1e6 / 375)).toBeLessThanOrEqual(1);
  });

  it('turns at 10 Hz and reports 3600 °/s', () => {
    const packets = decodeAll(run(facingWall, 1).chunks);
    expect(packets.every((p) => p.speedDegPerS === 3600)).toBe(true);
    const turns = packets.filter(
      (p, i) => i > 0 && p.startAngleDeg < (packets[i - 1] as Ld06Packet).startAngleDeg,
    ).length;
    expect(turns).toBeGreaterThanOrEqual(9);
    expect(turns).toBeLessThanOrEqual(10);
    const last = packets[packets.length - 1] as Ld06Packet;
    const degreesTurned = turns * 360 + last.endAngleDeg - (packets[0] as Ld06Packet).startAngleDeg;
    expect(degreesTurned).toBeGreaterThan(3550);
    expect(degreesTurned).toBeLessThan(3601);
  });

  it('measures a wall 1 m ahead at about 1000 mm near sensor 0°, and nothing to the sides', () => {
    const points = pointsOf(decodeAll(run(facingWall, 1).chunks));
    const ahead = points.filter((p) => near(p.angleDeg, 0, 1));
    expect(ahead.length).toBeGreaterThan(15);
    for (const point of ahead) {
      expect(point.distanceMm).toBeGreaterThan(975);
      expect(point.distanceMm).toBeLessThan(1025);
      expect(point.intensity).toBe(200);
    }
    const meanMm = ahead.reduce((sum, p) => sum + p.distanceMm, 0) / ahead.length;
    expect(meanMm).toBeGreaterThan(995);
    expect(meanMm).toBeLessThan(1005);
    // Clockwise 45° is front-right: the same wall at √2 m.
    for (const point of points.filter((p) => near(p.angleDeg, 45, 0.5))) {
      expect(point.distanceMm).toBeGreaterThan(1385);
      expect(point.distanceMm).toBeLessThan(1445);
    }
    for (const point of points.filter((p) => near(p.angleDeg, 90, 0.5) || near(p.angleDeg, 180, 10))) {
      expect(point).toMatchObject({ distanceMm: 0, intensity: 0 });
    }
  });

  it('turns clockwise: with the robot facing +y, the wall at x = 1 m is at sensor 90° (its right)', () => {
    const world = wallWorld({ xM: 0, yM: 0, yawRad: Math.PI / 2 });
    const points = pointsOf(decodeAll(run(world, 1).chunks));
    const right = points.filter((p) => near(p.angleDeg, 90, 1));
    expect(right.length).toBeGreaterThan(15);
    for (const point of right) expect(Math.abs(point.distanceMm - 1000)).toBeLessThan(25);
    for (const point of points.filter((p) => near(p.angleDeg, 270, 10))) expect(point.distanceMm).toBe(0);
  });

  it('casts from the mount position and direction', () => {
    const forwardOffset = pointsOf(decodeAll(run(facingWall, 0.5, { mount: { xM: 0.2 } }).chunks));
    for (const point of forwardOffset.filter((p) => near(p.angleDeg, 0, 1))) {
      expect(Math.abs(point.distanceMm - 800)).toBeLessThan(25);
    }
    // A sensor turned to face left (yaw +90°) sees the wall ahead of the robot at its clockwise 90°.
    const turnedLeft = pointsOf(decodeAll(run(facingWall, 0.5, { mount: { yawDeg: 90 } }).chunks));
    for (const point of turnedLeft.filter((p) => near(p.angleDeg, 90, 1))) {
      expect(Math.abs(point.distanceMm - 1000)).toBeLessThan(25);
    }
  });

  it('stamps each packet with the sim time in ms, modulo 30000', () => {
    const { chunks } = run(facingWall, 0.1, { openUs: 29_950_000 });
    expect(chunks.length).toBeGreaterThan(30);
    for (const chunk of chunks) {
      const [packet] = new Ld06Decoder().push(chunk.bytes);
      expect(packet?.timestampMs).toBe(Math.floor(chunk.simTimeUs / 1000) % 30_000);
    }
    expect(chunks.some((c) => c.simTimeUs > 30_000_000)).toBe(true);
  });

  it('gives the same bytes whatever the step size', () => {
    const coarse = run(wallWorld({ xM: 0, yM: 0, yawRad: 0 }), 0.2, { stepUs: 200_000 }).chunks;
    const fine = run(wallWorld({ xM: 0, yM: 0, yawRad: 0 }), 0.2, { stepUs: 1_000 }).chunks;
    expect(fine).toEqual(coarse);
  });

  it('sends only garbage at the same byte rate when opened at the wrong baud rate', () => {
    const { chunks } = run(facingWall, 1, { baudRate: 115_200 });
    const decoder = new Ld06Decoder();
    let bytes = 0;
    for (const chunk of chunks) {
      bytes += chunk.bytes.length;
      expect(decoder.push(chunk.bytes)).toEqual([]);
      expect(chunk.bytes.includes(0x54)).toBe(false);
    }
    expect(Math.abs(bytes - 375 * 47)).toBeLessThanOrEqual(47);
    expect(decoder.counters().droppedBytes).toBe(bytes);
  });

  it('ignores host writes, is silent when closed and restarts its timing on reopen', () => {
    const device = createLd06SimDevice(PATH, ld06ParamsSchema.parse({}));
    device.open(230_400, 0);
    device.write(Uint8Array.of(0xa5, 0x60), 1_000);
    expect(device.advance(10_000, facingWall)).toHaveLength(3);
    device.close();
    expect(device.advance(20_000, facingWall)).toEqual([]);
    device.open(230_400, 50_000);
    const [first] = device.advance(60_000, facingWall);
    expect(first?.simTimeUs).toBe(50_000 + 2_667);
    expect(new Ld06Decoder().push((first as TimedBytes).bytes)[0]?.startAngleDeg).toBe(0);
  });

  it('refuses nonsense options', () => {
    const params = ld06ParamsSchema.parse({});
    expect(() => createLd06SimDevice(PATH, params, { rotationHz: 0 })).toThrow(RangeError);
    expect(() => createLd06SimDevice(PATH, params, { samplesPerS: -1 })).toThrow(RangeError);
    expect(() => createLd06SimDevice(PATH, params, { rangeNoiseM: -0.1 })).toThrow(RangeError);
  });
});

describe('simulated LD19', () => {
  it('sends the LD06 packet at the same rate, from its own params (mount included)', () => {
    const world = wallWorld({ xM: 0, yM: 0, yawRad: 0 });
    const device = createLd19SimDevice(PATH, ld19ParamsSchema.parse({ mount: { xM: 0.2 } }));
    device.open(230_400, 0);
    const chunks: TimedBytes[] = [];
    for (let t = 10_000; t <= 1_000_000; t += 10_000) chunks.push(...device.advance(t, world));
    const packets = decodeAll(chunks);
    expect(packets.length).toBeGreaterThanOrEqual(374);
    expect(packets.every((p) => p.speedDegPerS === 3600)).toBe(true);
    const ahead = pointsOf(packets).filter((p) => near(p.angleDeg, 0, 1));
    expect(ahead.length).toBeGreaterThan(15);
    for (const point of ahead) expect(Math.abs(point.distanceMm - 800)).toBeLessThan(25);
  });
});
