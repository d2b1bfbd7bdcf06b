import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BatteryReading } from '../../messages/battery-reading.js';
import { openCircuitVoltsAt } from '../../messages/lithium-pack-curve.js';
import { BatteryEstimator } from './battery-estimator.js';

/**
 * A pack written out here, apart from the estimator: its cells give up V_oc(SoC) × I, its
 * terminals read V_oc − I × R plus the monitor's quantisation (±4 mV, ±5 mA).
 */
class TestPack {
  wh: number;
  constructor(
    readonly capacityWh: number,
    readonly ohms: number,
    stateOfCharge: number,
  ) {
    this.wh = stateOfCharge * capacityWh;
  }

  draw(currentA: number, dtS: number): void {
    this.wh -= (openCircuitVoltsAt(this.wh / this.capacityWh) * currentA * dtS) / 3600;
  }

  reading(currentA: number, stampUs: number, noise: () => number): BatteryReading {
    const voltageV = openCircuitVoltsAt(this.wh / this.capacityWh) - currentA * this.ohms + (noise() - 0.5) * 0.008;
    return { voltageV, currentA: currentA + (noise() - 0.5) * 0.01, powerW: Number.NaN, stampUs };
  }
}

/** Deterministic noise from a seed (mulberry32). */
function noiseFrom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A load profile: 5 s of the electronics alone, then steps of 5..60 s at 0.3..4 A, over and over for 15 minutes. */
const loadSteps = fc.array(
  fc.record({ currentA: fc.double({ min: 0.3, max: 4, noNaN: true }), durationS: fc.integer({ min: 5, max: 60 }) }),
  {
    minLength: 20,
    maxLength: 40,
  },
);

const packs = fc.record({
  capacityWh: fc.double({ min: 5, max: 100, noNaN: true }),
  ohms: fc.double({ min: 0.05, max: 0.4, noNaN: true }),
  stateOfCharge: fc.double({ min: 0.2, max: 1, noNaN: true }),
  guessOhms: fc.double({ min: 0, max: 0.3, noNaN: true }),
  seed: fc.integer(),
});

const READING_S = 0.2;
/** After this long the estimate must be within the bound, seconds. */
const SETTLED_S = 600;
/** The bound, as a share of the capacity. */
const BOUND = 0.05;

const RUN_S = 900;

/** Runs `steps` on `pack` (repeated to 15 minutes) with readings every 0.2 s; calls `check(t, estimate Wh, truth Wh)` after each. */
function drive(
  pack: TestPack,
  estimator: BatteryEstimator,
  steps: ReadonlyArray<{ currentA: number; durationS: number }>,
  noise: () => number,
  check: (tS: number, estimateWh: number, truthWh: number) => void,
): void {
  let tS = 0;
  const profile = [{ currentA: 0.3, durationS: 5 }];
  while (profile.reduce((sum, step) => sum + step.durationS, 0) < RUN_S) profile.push(...steps);
  for (const step of profile) {
    for (let k = 0; k < step.durationS / READING_S; k++) {
      pack.draw(step.currentA, READING_S);
      tS += READING_S;
      const estimate = estimator.update(pack.reading(step.currentA, Math.round(tS * 1e6), noise));
      if (estimate) check(tS, estimate.remainingWh, Math.max(0, pack.wh));
    }
  }
}

describe('BatteryEstimator against a pack of unknown resistance, state of charge and load', () => {
  it('GIVEN the capacity and a wrong guess of the resistance WHEN it has run 10 minutes THEN the energy left is within 5 % of the capacity of the truth', () => {
    fc.assert(
      fc.property(packs, loadSteps, (p, steps) => {
        const pack = new TestPack(p.capacityWh, p.ohms, p.stateOfCharge);
        const estimator = new BatteryEstimator({ capacityWh: p.capacityWh, internalOhms: p.guessOhms });
        let checked = 0;
        drive(pack, estimator, steps, noiseFrom(p.seed), (tS, estimateWh, truthWh) => {
          if (tS < SETTLED_S) return;
          checked++;
          expect(Math.abs(estimateWh - truthWh)).toBeLessThanOrEqual(BOUND * p.capacityWh);
        });
        expect(checked).toBeGreaterThan(0);
      }),
      { numRuns: 40, endOnFailure: true },
    );
  });

  it('learns the resistance from the steps of the current', () => {
    fc.assert(
      fc.property(packs, loadSteps, (p, steps) => {
        const pack = new TestPack(p.capacityWh, p.ohms, p.stateOfCharge);
        const estimator = new BatteryEstimator({ capacityWh: p.capacityWh, internalOhms: p.guessOhms });
        drive(pack, estimator, steps, noiseFrom(p.seed), () => undefined);
        // A step of 0.3 A with ±4 mV of noise on each side tells R to about ±0.03 Ω; the running mean does better.
        expect(Math.abs(estimator.estimate()!.internalOhms - p.ohms)).toBeLessThan(0.03);
      }),
      { numRuns: 20, endOnFailure: true },
    );
  });

  it('GIVEN no step of the current tells the resistance for 4 minutes WHEN one does THEN the count settles on the corrected figure rather than keep the early guess', () => {
    const pack = new TestPack(100, 0.21, 0.47);
    const estimator = new BatteryEstimator({ capacityWh: 100, internalOhms: 0 });
    const gentle = Array.from({ length: 24 }, (_, i) => ({ currentA: i % 2 === 0 ? 0.5 : 0.7, durationS: 10 }));
    const steps = [...gentle, { currentA: 0.3, durationS: 10 }, { currentA: 2, durationS: 10 }];
    let errorAtEndWh = Number.NaN;
    drive(pack, estimator, steps, noiseFrom(3), (_t, estimateWh, truthWh) => (errorAtEndWh = estimateWh - truthWh));
    expect(Math.abs(errorAtEndWh)).toBeLessThan(2);
  });

  it('counts the energy drawn exactly when the resistance is known and nothing corrects it', () => {
    const pack = new TestPack(50, 0.2, 0.9);
    const estimator = new BatteryEstimator({
      capacityWh: 50,
      internalOhms: 0.2,
      voltageTimeConstantS: 1e12,
      settleTimeConstantS: 1e12,
    });
    let start = Number.NaN;
    let last = 0;
    drive(
      pack,
      estimator,
      [{ currentA: 2, durationS: 895 }],
      () => 0.5,
      (_t, estimateWh) => {
        if (Number.isNaN(start)) start = estimateWh;
        last = estimateWh;
      },
    );
    // The count sees all but the first reading's interval: exact for a known resistance and no noise.
    const truthDrawn = 0.9 * 50 - pack.wh;
    expect(estimator.estimate()!.drawnWh).toBeCloseTo(truthDrawn, 2);
    expect(start - last).toBeCloseTo(estimator.estimate()!.drawnWh, 9);
  });
});

describe('BatteryEstimator: readings it cannot use', () => {
  const reading = (over: Partial<BatteryReading>): BatteryReading => ({
    voltageV: 12,
    currentA: 1,
    powerW: 12,
    stampUs: 1_000_000,
    ...over,
  });

  it("is null before a reading, and starts at the curve's figure of the first one", () => {
    const estimator = new BatteryEstimator({ capacityWh: 10, internalOhms: 0 });
    expect(estimator.estimate()).toBeNull();
    const estimate = estimator.update(reading({ voltageV: 12.6, currentA: 0 }));
    expect(estimate).toMatchObject({ remainingWh: 10, stateOfCharge: 1, drawnWh: 0 });
  });

  it('drops a reading without a voltage or with a stamp not after the last, and counts it', () => {
    const estimator = new BatteryEstimator({ capacityWh: 10, internalOhms: 0 });
    estimator.update(reading({}));
    const before = estimator.estimate();
    estimator.update(reading({ voltageV: Number.NaN, stampUs: 2_000_000 }));
    estimator.update(reading({ voltageV: 11, stampUs: 1_000_000 }));
    expect(estimator.dropped).toBe(2);
    expect(estimator.estimate()).toEqual(before);
  });

  it('without a current it counts nothing and follows the voltage alone', () => {
    const estimator = new BatteryEstimator({ capacityWh: 10, internalOhms: 0.1, settleS: 0, voltageTimeConstantS: 10 });
    estimator.update(reading({ voltageV: 12.6, currentA: Number.NaN }));
    for (let s = 1; s <= 200; s++)
      estimator.update(reading({ voltageV: 11.4, currentA: Number.NaN, stampUs: s * 1e6 }));
    const estimate = estimator.estimate()!;
    expect(estimate.drawnWh).toBe(0);
    // 11.4 V is 3.8 V per cell: 40 % on the curve.
    expect(estimate.stateOfCharge).toBeCloseTo(0.4, 2);
  });
});
