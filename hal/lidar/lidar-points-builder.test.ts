import { describe, expect, it } from 'vitest';
import { LidarPointsBuilder } from './lidar-points-builder.js';

const FILTER = { minRangeM: 0.05, maxRangeM: 12, minIntensity: 10 };
const AT_ORIGIN = { xM: 0, yM: 0, yawDeg: 0 };

describe('LidarPointsBuilder', () => {
  it('places returns in the robot frame: sensor angles turn clockwise, the mount turns and shifts them', () => {
    const straight = new LidarPointsBuilder(4, AT_ORIGIN, FILTER);
    straight.add(0, 1000, 200);
    straight.add(90, 2000, 200); // clockwise a quarter turn: the robot's right
    const ahead = straight.take('lidar', 5);
    expect(ahead.xM[0]).toBeCloseTo(1, 6);
    expect(ahead.yM[0]).toBeCloseTo(0, 6);
    expect(ahead.xM[1]).toBeCloseTo(0, 6);
    expect(ahead.yM[1]).toBeCloseTo(-2, 6);

    // Mounted 0.1 m ahead and 0.05 m left of the centre, its 0° mark facing backwards.
    const turned = new LidarPointsBuilder(4, { xM: 0.1, yM: 0.05, yawDeg: 180 }, FILTER);
    turned.add(0, 500, 200);
    turned.add(270, 500, 200); // a quarter turn anticlockwise of the sensor's 0°: the robot's right
    const behind = turned.take('lidar', 5);
    expect(behind.xM[0]).toBeCloseTo(-0.4, 6);
    expect(behind.yM[0]).toBeCloseTo(0.05, 6);
    expect(behind.xM[1]).toBeCloseTo(0.1, 6);
    expect(behind.yM[1]).toBeCloseTo(-0.45, 6);
    expect([...behind.rangeM]).toEqual([0.5, 0.5]);
  });

  it('drops a zero distance, one outside the range limits and one weaker than minIntensity', () => {
    const builder = new LidarPointsBuilder(8, AT_ORIGIN, FILTER);
    expect(builder.add(10, 0, 200)).toBe(false);
    expect(builder.add(10, 40, 200)).toBe(false); // 0.04 m < 0.05 m
    expect(builder.add(10, 12_001, 200)).toBe(false);
    expect(builder.add(10, 3_000, 9)).toBe(false);
    expect(builder.add(10, 50, 10)).toBe(true); // both limits are kept
    expect(builder.add(10, 12_000, 255)).toBe(true);
    expect(builder.count).toBe(2);
    const points = builder.take('lidar', 7);
    expect(points).toMatchObject({ deviceId: 'lidar', stampUs: 7, count: 2 });
    expect([...points.intensity]).toEqual([10, 255]);
    expect(points.rangeM[0]).toBeCloseTo(0.05, 6);
  });

  it('gives each message arrays of its own, and starts afresh after take() and clear()', () => {
    const builder = new LidarPointsBuilder(2, AT_ORIGIN, FILTER);
    builder.add(0, 1000, 100);
    const first = builder.take('lidar', 1);
    builder.add(0, 2000, 100);
    expect(first.rangeM[0]).toBe(1);
    expect(builder.take('lidar', 2)).toMatchObject({ count: 1, rangeM: Float32Array.of(2) });
    expect(builder.take('lidar', 3).count).toBe(0);

    builder.add(0, 3000, 100);
    builder.clear();
    expect(builder.count).toBe(0);
  });

  it('adds nothing beyond its capacity', () => {
    const builder = new LidarPointsBuilder(2, AT_ORIGIN, FILTER);
    expect([builder.add(0, 1000, 100), builder.add(1, 1000, 100), builder.add(2, 1000, 100)]).toEqual([
      true,
      true,
      false,
    ]);
    expect(builder.take('lidar', 0).count).toBe(2);
  });
});
