import { describe, expect, it } from 'vitest';
import { findPassingPlace } from './passing-place.js';

describe('findPassingPlace', () => {
  // A corridor along x (|y| <= 0.2 passable for the robot's centre) with a bay at x in [4.9, 5.1], y up to 1.3.
  const passable = (q: { xM: number; yM: number }) =>
    (Math.abs(q.yM) <= 0.2 && q.xM >= 0 && q.xM <= 20) || (q.xM >= 4.9 && q.xM <= 5.1 && q.yM >= 0 && q.yM <= 1.3);
  const offTheCorridor = (q: { yM: number }) => q.yM >= 0.8;

  it('finds the nearest reachable point off the claimed ways, through passable points only', () => {
    const found = findPassingPlace({
      from: { xM: 3, yM: 0 },
      passable,
      traversable: () => true,
      acceptable: (q) => passable(q) && offTheCorridor(q),
      radiusM: 6,
      stepM: 0.1,
    });
    expect(found).not.toBeNull();
    expect(found?.xM).toBeGreaterThanOrEqual(4.9);
    expect(found?.xM).toBeLessThanOrEqual(5.1);
    expect(found?.yM).toBeGreaterThanOrEqual(0.8);
  });

  it('returns null when the place is out of reach: beyond the bound, or behind another footprint', () => {
    const search = {
      from: { xM: 3, yM: 0 },
      passable,
      acceptable: (q: { xM: number; yM: number }) => passable(q) && offTheCorridor(q),
      stepM: 0.1,
    };
    expect(findPassingPlace({ ...search, traversable: () => true, radiusM: 1.5 })).toBeNull();
    expect(findPassingPlace({ ...search, traversable: (q) => Math.abs(q.xM - 4) > 0.5, radiusM: 6 })).toBeNull();
  });
});
