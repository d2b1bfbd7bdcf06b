import { describe, expect, it } from 'vitest';
import { isMainToCortex } from './cortex-thread-protocol.js';

describe('isMainToCortex: the motion sensors the main thread relays', () => {
  it('accepts wheel travel and batches of yaw rates', () => {
    expect(isMainToCortex({ t: 'wheels', stampUs: 5, leftM: -0.2, rightM: 0.3 })).toBe(true);
    expect(isMainToCortex({ t: 'gyro', stampsUs: [1, 2], zRadps: [0.1, -0.1] })).toBe(true);
    expect(isMainToCortex({ t: 'gyro', stampsUs: [], zRadps: [] })).toBe(true);
  });

  it('refuses travel that is not a finite number, and batches whose arrays do not match', () => {
    expect(isMainToCortex({ t: 'wheels', stampUs: 5, leftM: Infinity, rightM: 0 })).toBe(false);
    expect(isMainToCortex({ t: 'wheels', stampUs: 5, leftM: 0 })).toBe(false);
    expect(isMainToCortex({ t: 'gyro', stampsUs: [1, 2], zRadps: [0.1] })).toBe(false);
    expect(isMainToCortex({ t: 'gyro', stampsUs: [1], zRadps: [Number.NaN] })).toBe(false);
    expect(isMainToCortex({ t: 'gyro', stampsUs: 1, zRadps: 0.1 })).toBe(false);
  });
});
