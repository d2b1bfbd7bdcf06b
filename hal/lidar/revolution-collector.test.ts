import { describe, expect, it } from 'vitest';
import type { LidarPoints } from '../../messages/lidar-points.js';
import { RevolutionCollector } from './revolution-collector.js';

function packet(stampUs: number, values: number[]): LidarPoints {
  return {
    deviceId: 'lidar',
    stampUs,
    count: values.length,
    xM: Float32Array.from(values),
    yM: Float32Array.from(values, (v) => -v),
    rangeM: Float32Array.from(values, (v) => v * 2),
    intensity: Uint8Array.from(values, (v) => v),
  };
}

describe('RevolutionCollector', () => {
  it('closes a revolution once its packets span one rotation period, from the reported speed', () => {
    const collector = new RevolutionCollector();
    // 1800°/s: 200 ms a turn.
    expect(collector.push(packet(0, [1, 2]), 1_800)).toBeUndefined();
    expect(collector.push(packet(100_000, [3]), 1_800)).toBeUndefined();
    const turn = collector.push(packet(200_000, [4, 5]), 1_800);
    expect(turn).toMatchObject({ deviceId: 'lidar', stampUs: 200_000, count: 5 });
    expect(Array.from(turn!.xM)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(turn!.yM)).toEqual([-1, -2, -3, -4, -5]);
    expect(Array.from(turn!.rangeM)).toEqual([2, 4, 6, 8, 10]);
    expect(Array.from(turn!.intensity)).toEqual([1, 2, 3, 4, 5]);
    // The next revolution starts afresh, and the returned arrays are the caller's.
    expect(collector.push(packet(250_000, [9]), 1_800)).toBeUndefined();
    expect(Array.from(turn!.xM)).toEqual([1, 2, 3, 4, 5]);
  });

  it('assumes 10 turns a second while the speed is unknown, and caps a revolution', () => {
    const collector = new RevolutionCollector();
    expect(collector.push(packet(0, [1]), 0)).toBeUndefined();
    expect(collector.push(packet(100_000, [2]), 0)?.count).toBe(2);
    const big = new Array(5_000).fill(1);
    expect(collector.push(packet(0, big), 0)).toBeUndefined();
    expect(collector.push(packet(200_000, [2]), 0)?.count).toBe(4_096);
  });
});
