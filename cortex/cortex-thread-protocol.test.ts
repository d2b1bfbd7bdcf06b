import { describe, expect, it } from 'vitest';
import { resolveParams } from '../config/param-values.js';
import { cortexSettingsFromParams, cortexTuningOf } from './cortex-settings.js';
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

describe('isMainToCortex: a retune', () => {
  const tuning = cortexTuningOf(cortexSettingsFromParams(resolveParams({})));

  it('accepts every retunable setting as a finite number', () => {
    expect(isMainToCortex({ t: 'retune', tuning })).toBe(true);
  });

  it('refuses one with a setting missing or not a finite number', () => {
    const { cruiseSpeedMps: _left, ...missing } = tuning;
    expect(isMainToCortex({ t: 'retune', tuning: missing })).toBe(false);
    expect(isMainToCortex({ t: 'retune', tuning: { ...tuning, lookaheadM: Number.NaN } })).toBe(false);
    expect(isMainToCortex({ t: 'retune', tuning: { ...tuning, maxAccelMps2: '1' } })).toBe(false);
    expect(isMainToCortex({ t: 'retune' })).toBe(false);
  });
});

describe('isMainToCortex: a battery reading', () => {
  const reading = { voltageV: 11.9, currentA: 1.2, powerW: 14.3, stampUs: 5_000_000 };

  it('accepts a reading, with or without a current and power (NaN when the device cannot measure them)', () => {
    expect(isMainToCortex({ t: 'battery', reading })).toBe(true);
    expect(isMainToCortex({ t: 'battery', reading: { ...reading, currentA: Number.NaN, powerW: Number.NaN } })).toBe(
      true,
    );
  });

  it('refuses one without a finite voltage or stamp, or with a current that is not a number', () => {
    expect(isMainToCortex({ t: 'battery', reading: { ...reading, voltageV: Number.NaN } })).toBe(false);
    expect(isMainToCortex({ t: 'battery', reading: { ...reading, stampUs: Infinity } })).toBe(false);
    expect(isMainToCortex({ t: 'battery', reading: { ...reading, currentA: '1' } })).toBe(false);
    expect(isMainToCortex({ t: 'battery', reading: { voltageV: 12, stampUs: 1 } })).toBe(false);
    expect(isMainToCortex({ t: 'battery' })).toBe(false);
  });
});
