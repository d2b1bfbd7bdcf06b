import { describe, expect, it } from 'vitest';
import { poseAlong, TrajectoryRecorder } from './trajectory-recorder.js';

describe('TrajectoryRecorder', () => {
  it('GIVEN a straight drive sampled every 10 ms WHEN recorded THEN a point is kept about every 0.1 m, and the newest pose ends it', () => {
    const recorder = new TrajectoryRecorder();
    // 0.5 m/s for 4 s: 2 m.
    for (let i = 0; i <= 400; i += 1) recorder.add(i / 100, { xM: i * 0.005, yM: 0, yawRad: 0 });
    const points = recorder.samples();
    expect(points.length).toBeGreaterThanOrEqual(20);
    expect(points.length).toBeLessThanOrEqual(23);
    expect(points.at(-1)).toMatchObject({ simTimeS: 4, xM: 2 });
    for (let i = 1; i < points.length - 1; i += 1) {
      expect(points[i]!.xM - points[i - 1]!.xM).toBeGreaterThanOrEqual(0.1 - 1e-9);
    }
  });

  it('GIVEN a robot standing still WHEN recorded THEN a point is kept every 2 s, and a turn on the spot is kept too', () => {
    const recorder = new TrajectoryRecorder();
    for (let i = 0; i <= 1000; i += 1) recorder.add(i / 100, { xM: 1, yM: 1, yawRad: 0 });
    expect(recorder.samples().map((p) => p.simTimeS)).toEqual([0, 2, 4, 6, 8, 10]);
    recorder.add(10.01, { xM: 1, yM: 1, yawRad: 0.4 });
    expect(recorder.samples().at(-1)).toMatchObject({ yawRad: 0.4 });
    expect(recorder.samples()).toHaveLength(7);
  });

  it('GIVEN an endless run WHEN far more points than the cap are offered THEN it holds at most the cap, spanning the whole run', () => {
    const recorder = new TrajectoryRecorder({ maxPoints: 100 });
    for (let i = 0; i <= 100_000; i += 1)
      recorder.add(i / 100, { xM: Math.cos(i / 1000) * i * 0.001, yM: i * 0.003, yawRad: 0 });
    const points = recorder.samples();
    expect(points.length).toBeLessThanOrEqual(101);
    expect(points.length).toBeGreaterThan(25);
    expect(points[0]!.simTimeS).toBe(0);
    expect(points.at(-1)!.simTimeS).toBe(1000);
  });

  it('GIVEN non-finite poses WHEN offered THEN they are dropped', () => {
    const recorder = new TrajectoryRecorder();
    recorder.add(0, { xM: NaN, yM: 0, yawRad: 0 });
    recorder.add(Infinity, { xM: 0, yM: 0, yawRad: 0 });
    expect(recorder.samples()).toEqual([]);
  });

  it('poseAlong interpolates between points and clamps to the ends', () => {
    const points = [
      { simTimeS: 0, xM: 0, yM: 0, yawRad: 0 },
      { simTimeS: 2, xM: 2, yM: 4, yawRad: 1 },
    ];
    expect(poseAlong(points, 1)).toMatchObject({ xM: 1, yM: 2 });
    expect(poseAlong(points, -1)).toMatchObject({ xM: 0, yM: 0 });
    expect(poseAlong(points, 9)).toMatchObject({ xM: 2, yM: 4 });
    expect(poseAlong([], 1)).toBeNull();
  });
});
