import { describe, expect, it } from 'vitest';
import { claimStretch, cutStretch } from './claim-stretch.js';
import {
  pointPolylineDistance,
  polylineDistance,
  polylineLength,
  segmentSegmentDistance,
} from './polyline-distance.js';

const p = (xM: number, yM: number) => ({ xM, yM });

describe('polyline distances', () => {
  it('are zero for crossing segments and the gap otherwise', () => {
    expect(segmentSegmentDistance(p(0, -1), p(0, 1), p(-1, 0), p(1, 0))).toBe(0);
    expect(segmentSegmentDistance(p(0, 0), p(1, 0), p(0, 2), p(1, 2))).toBeCloseTo(2);
    expect(pointPolylineDistance(p(5, 1), [p(0, 0), p(10, 0)])).toBeCloseTo(1);
    expect(pointPolylineDistance(p(5, 1), [])).toBe(Infinity);
    expect(polylineDistance([p(3, 3)], [p(0, 0), p(0, 10)])).toBeCloseTo(3);
  });
});

describe('claimStretch', () => {
  it('runs from where the robot stands along its path for the claimed length, cutting the last segment', () => {
    const stretch = claimStretch(p(0, 0), [p(3, 0), p(3, 10)], 4);
    expect(stretch).toEqual([p(0, 0), p(3, 0), p(3, 1)]);
    expect(polylineLength(stretch)).toBeCloseTo(4);
  });

  it('is the one point where the robot stands without a path, and drops points that are not finite', () => {
    expect(claimStretch(p(1, 2), [], 4)).toEqual([p(1, 2)]);
    expect(claimStretch(p(0, 0), [p(NaN, 0), p(1, 0)], 4)).toEqual([p(0, 0), p(1, 0)]);
  });
});

describe('cutStretch', () => {
  it('stops before the first place that is not clear, and keeps where the robot stands', () => {
    const cut = cutStretch([p(0, 0), p(10, 0)], (q) => q.xM < 5, 0.1);
    expect(cut[0]).toEqual(p(0, 0));
    const end = cut[cut.length - 1] as { xM: number };
    expect(end.xM).toBeLessThan(5);
    expect(end.xM).toBeGreaterThan(4.8);
    expect(cutStretch([p(0, 0), p(10, 0)], () => false, 0.1)).toEqual([p(0, 0)]);
    expect(cutStretch([p(0, 0), p(1, 0)], () => true, 0.1)).toEqual([p(0, 0), p(1, 0)]);
  });
});
