import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reflexSettings } from '../test/harness/reflex-fixtures.js';
import { DecelerationObserver, effectiveDecelMps2 } from './deceleration-observer.js';

/** The parameter defaults (config/params.ts `reflex.brakingObserved*`). */
const SETTINGS = reflexSettings();

/** Feeds a stop from `fromMps` at `decelMps2`, sampled every `periodUs`, starting `delayUs` after the command. */
function observeStop(
  observer: DecelerationObserver,
  startUs: number,
  fromMps: number,
  decelMps2: number,
  periodUs: number,
  delayUs = 0,
): void {
  observer.speedSample(startUs, fromMps);
  observer.stopCommanded(startUs);
  for (let t = startUs + periodUs; t < startUs + 10e6; t += periodUs) {
    const s = Math.max(0, (t - startUs - delayUs) / 1e6);
    observer.speedSample(t, Math.max(0, fromMps - decelMps2 * s));
  }
}

describe('DecelerationObserver', () => {
  it('GIVEN no stop yet THEN it has observed nothing and the assumed deceleration is used', () => {
    const observer = new DecelerationObserver(SETTINGS);
    expect(observer.observation()).toEqual({ observedMps2: null, stops: 0 });
    expect(effectiveDecelMps2(1, observer.observedMps2())).toBe(1);
  });

  it('GIVEN a stop coasting at 0.8 m/s² from 0.8 m/s WHEN sampled at 50 Hz THEN it measures close to 0.8, never more', () => {
    const observer = new DecelerationObserver(SETTINGS);
    observeStop(observer, 1e6, 0.8, 0.8, 20_000);
    const { observedMps2, stops } = observer.observation();
    expect(stops).toBe(1);
    expect(observedMps2).toBeGreaterThan(0.7);
    expect(observedMps2).toBeLessThanOrEqual(0.8);
    expect(effectiveDecelMps2(1, observedMps2)).toBe(observedMps2);
    expect(effectiveDecelMps2(0.5, observedMps2)).toBe(0.5);
  });

  it('GIVEN any real stop WHEN observed THEN the estimate is never above the true deceleration (the command delay counts against it)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 2, noNaN: true }),
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        fc.integer({ min: 5_000, max: 100_000 }),
        fc.integer({ min: 0, max: 50_000 }),
        (fromMps, decelMps2, periodUs, delayUs) => {
          const observer = new DecelerationObserver(SETTINGS);
          observeStop(observer, 0, fromMps, decelMps2, periodUs, delayUs);
          const observed = observer.observedMps2();
          expect(observed).not.toBeNull();
          expect(observed!).toBeLessThanOrEqual(decelMps2 + 1e-9);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('GIVEN a good stop then a poor one THEN the poor one is what counts, until five newer stops have pushed it out', () => {
    const observer = new DecelerationObserver(SETTINGS);
    observeStop(observer, 0, 0.5, 3, 10_000);
    observeStop(observer, 20e6, 0.5, 0.5, 10_000);
    expect(observer.observedMps2()).toBeLessThanOrEqual(0.5);
    for (let i = 0; i < 5; i++) observeStop(observer, 40e6 + i * 20e6, 0.5, 3, 10_000);
    expect(observer.observedMps2()).toBeGreaterThan(2);
    expect(observer.observation().stops).toBe(7);
  });

  it('GIVEN a stop from a crawl, or one released before the robot stopped THEN it teaches nothing', () => {
    const observer = new DecelerationObserver(SETTINGS);
    observeStop(observer, 0, 0.1, 0.2, 10_000);
    observer.speedSample(20e6, 0.5);
    observer.stopCommanded(20e6);
    observer.speedSample(20.05e6, 0.45);
    observer.motionCommanded();
    observer.speedSample(20.1e6, 0.01);
    expect(observer.observation()).toEqual({ observedMps2: null, stops: 0 });
  });
});
