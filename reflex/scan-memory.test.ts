import { describe, expect, it } from 'vitest';
import type { Pose2D } from '../messages/geometry.js';
import type { LidarPoints } from '../messages/lidar-points.js';
import { ScanMemory } from './scan-memory.js';

const ORIGIN: Pose2D = { xM: 0, yM: 0, yawRad: 0 };
/** A 0.4 m long footprint with a 0.2 m half corridor (0.15 m half width + 0.05 m side margin). */
const HALF_LENGTH_M = 0.2;
const HALF_WIDTH_M = 0.2;
const MAX_AGE_US = 300_000;
const T0 = 5_000_000;

/** A packet of robot-frame points, stamped `stampUs`. */
function packet(stampUs: number, points: Array<[number, number]>): LidarPoints {
  return {
    deviceId: 'lidar',
    stampUs,
    count: points.length,
    xM: Float32Array.from(points.map((p) => p[0])),
    yM: Float32Array.from(points.map((p) => p[1])),
    rangeM: Float32Array.from(points.map((p) => Math.hypot(p[0], p[1]))),
    intensity: new Uint8Array(points.length).fill(200),
  };
}

function ahead(memory: ScanMemory, odom: Pose2D = ORIGIN, nowUs = T0) {
  return memory.nearestInPath(1, HALF_LENGTH_M, HALF_WIDTH_M, odom, nowUs, MAX_AGE_US);
}

function behind(memory: ScanMemory, odom: Pose2D = ORIGIN, nowUs = T0) {
  return memory.nearestInPath(-1, HALF_LENGTH_M, HALF_WIDTH_M, odom, nowUs, MAX_AGE_US);
}

describe('ScanMemory', () => {
  it('finds nothing before any packet', () => {
    const memory = new ScanMemory();
    expect(ahead(memory)).toBeNull();
    expect(behind(memory)).toBeNull();
    expect(memory.nearestM(ORIGIN, T0, MAX_AGE_US)).toBeNull();
  });

  it('finds a point straight ahead, its free distance measured from the leading edge', () => {
    const memory = new ScanMemory();
    memory.update(packet(T0, [[1, 0]]), ORIGIN);
    const found = ahead(memory);
    expect(found).not.toBeNull();
    expect(found?.freeDistanceM).toBeCloseTo(0.8, 6);
    expect(found?.xM).toBeCloseTo(1, 6);
    expect(found?.yM).toBeCloseTo(0, 6);
    expect(memory.nearestM(ORIGIN, T0, MAX_AGE_US)).toBeCloseTo(1, 6);
  });

  it('reports the nearest of several points in the corridor', () => {
    const memory = new ScanMemory();
    memory.update(
      packet(T0, [
        [2, 0.1],
        [0.7, -0.15],
        [1.2, 0],
      ]),
      ORIGIN,
    );
    const found = ahead(memory);
    expect(found?.freeDistanceM).toBeCloseTo(0.5, 6);
    expect(found?.yM).toBeCloseTo(-0.15, 6);
  });

  it('ignores points outside the corridor width', () => {
    const memory = new ScanMemory();
    memory.update(
      packet(T0, [
        [0.5, 0.25],
        [0.5, -0.21],
      ]),
      ORIGIN,
    );
    expect(ahead(memory)).toBeNull();
    // Both are still obstacles, just not in the path.
    expect(memory.nearestM(ORIGIN, T0, MAX_AGE_US)).toBeCloseTo(Math.hypot(0.5, 0.21), 6);
  });

  it('counts a point on the corridor edge as in the path', () => {
    const memory = new ScanMemory();
    memory.update(packet(T0, [[0.5, 0.1875]]), ORIGIN);
    expect(ahead(memory)?.freeDistanceM).toBeCloseTo(0.3, 6);
  });

  it('ignores points behind when looking ahead, and finds them looking behind', () => {
    const memory = new ScanMemory();
    memory.update(packet(T0, [[-0.6, 0.05]]), ORIGIN);
    expect(ahead(memory)).toBeNull();
    const back = behind(memory);
    expect(back?.freeDistanceM).toBeCloseTo(0.4, 6);
    expect(back?.xM).toBeCloseTo(-0.6, 6);
  });

  it('ignores returns from within the footprint’s own rear half (the robot itself)', () => {
    const memory = new ScanMemory();
    memory.update(packet(T0, [[0.05, 0]]), ORIGIN);
    expect(ahead(memory)).toBeNull();
  });

  it('gives a free distance of zero for a point that overlaps the front edge', () => {
    const memory = new ScanMemory();
    memory.update(packet(T0, [[0.15, 0]]), ORIGIN);
    expect(ahead(memory)?.freeDistanceM).toBe(0);
  });

  it('ignores points older than maxAge, and keeps them up to exactly maxAge', () => {
    const memory = new ScanMemory();
    memory.update(packet(T0, [[1, 0]]), ORIGIN);
    expect(ahead(memory, ORIGIN, T0 + MAX_AGE_US)).not.toBeNull();
    expect(ahead(memory, ORIGIN, T0 + MAX_AGE_US + 1)).toBeNull();
    expect(memory.nearestM(ORIGIN, T0 + MAX_AGE_US + 1, MAX_AGE_US)).toBeNull();
  });

  it('replaces an older point at the same bearing with the newer one', () => {
    const memory = new ScanMemory();
    memory.update(packet(T0, [[0.5, 0]]), ORIGIN);
    memory.update(packet(T0 + 100_000, [[2, 0]]), ORIGIN);
    expect(ahead(memory, ORIGIN, T0 + 100_000)?.freeDistanceM).toBeCloseTo(1.8, 6);
  });

  it('keeps points at other bearings from earlier packets while they are fresh', () => {
    const memory = new ScanMemory();
    memory.update(packet(T0, [[0.6, 0.1]]), ORIGIN);
    memory.update(packet(T0 + 200_000, [[0, 1]]), ORIGIN);
    expect(ahead(memory, ORIGIN, T0 + 200_000)?.freeDistanceM).toBeCloseTo(0.4, 6);
    expect(ahead(memory, ORIGIN, T0 + 400_000)).toBeNull();
  });

  describe('odometry compensation', () => {
    it('a point stored at odom (0,0,0) is 0.1 m closer seen from odom (0.1,0,0)', () => {
      const memory = new ScanMemory();
      memory.update(packet(T0, [[1, 0]]), ORIGIN);
      const found = ahead(memory, { xM: 0.1, yM: 0, yawRad: 0 });
      expect(found?.freeDistanceM).toBeCloseTo(0.7, 6);
      expect(found?.xM).toBeCloseTo(0.9, 6);
    });

    it('a 90° left turn moves a point from ahead to the right-hand side', () => {
      const memory = new ScanMemory();
      memory.update(packet(T0, [[1, 0]]), ORIGIN);
      const turned: Pose2D = { xM: 0, yM: 0, yawRad: Math.PI / 2 };
      expect(ahead(memory, turned)).toBeNull();
      expect(behind(memory, turned)).toBeNull();
      expect(memory.nearestM(turned, T0, MAX_AGE_US)).toBeCloseTo(1, 6);
    });

    it('a 90° left turn brings a point from the left side into the path ahead; a right turn puts it behind', () => {
      const memory = new ScanMemory();
      memory.update(packet(T0, [[0, 0.8]]), ORIGIN);
      expect(ahead(memory)).toBeNull();
      const right: Pose2D = { xM: 0, yM: 0, yawRad: -Math.PI / 2 };
      expect(ahead(memory, right)).toBeNull();
      expect(behind(memory, right)?.freeDistanceM).toBeCloseTo(0.6, 6);
      const found = ahead(memory, { xM: 0, yM: 0, yawRad: Math.PI / 2 });
      expect(found?.freeDistanceM).toBeCloseTo(0.6, 6);
      expect(found?.xM).toBeCloseTo(0.8, 6);
      expect(found?.yM).toBeCloseTo(0, 6);
    });

    it('stores points measured away from the odometry origin in the odometry frame', () => {
      // GIVEN the robot at (1, 1) facing +y sees a point 0.5 m ahead: at (1, 1.5) in the odometry frame
      const memory = new ScanMemory();
      memory.update(packet(T0, [[0.5, 0]]), { xM: 1, yM: 1, yawRad: Math.PI / 2 });
      // WHEN it is seen from (1, 0.5) facing +y, it is 1 m ahead
      expect(ahead(memory, { xM: 1, yM: 0.5, yawRad: Math.PI / 2 })?.freeDistanceM).toBeCloseTo(0.8, 6);
      // AND from the origin facing +x it is off to the left, out of the path
      expect(ahead(memory)).toBeNull();
    });
  });
});
