import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

/** random() = 0.5 puts the jitter at exactly zero, so the base delay shows. */
const NO_JITTER = (): number => 0.5;

function delays(backoff: Backoff, count: number): number[] {
  return Array.from({ length: count }, () => backoff.nextDelayMs());
}

describe('Backoff', () => {
  it('starts at 1 s and grows by x1.6 per failure by default', () => {
    const backoff = new Backoff({ random: NO_JITTER });
    const got = delays(backoff, 5);
    const want = [1_000, 1_600, 2_560, 4_096, 6_553.6];
    got.forEach((delay, i) => expect(delay).toBeCloseTo(want[i] ?? NaN, 6));
  });

  it('spreads a delay by -20 % at random() = 0 and by +20 % at random() → 1', () => {
    const low = new Backoff({ random: () => 0 });
    expect(delays(low, 2)).toEqual([800, 1_280]);

    const high = new Backoff({ random: () => 0.9999 });
    const [first, second] = delays(high, 2);
    expect(first).toBeCloseTo(1_200, 0);
    expect(first).toBeLessThan(1_200);
    expect(second).toBeCloseTo(1_920, 0);
  });

  it('keeps the jittered delay within ±jitter of the base for any random value in [0, 1)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (r) => {
        const delay = new Backoff({ random: () => r }).nextDelayMs();
        return delay >= 800 && delay <= 1_200;
      }),
    );
  });

  it('jitter does not feed into the growth: the base grows the same whatever random() returns', () => {
    let r = 0;
    const backoff = new Backoff({ random: () => r });
    backoff.nextDelayMs();
    backoff.nextDelayMs();
    r = 0.5;
    expect(backoff.nextDelayMs()).toBeCloseTo(2_560, 6);
  });

  it('never exceeds the cap, even with jitter at +20 %', () => {
    const backoff = new Backoff({ maxMs: 5_000, random: () => 0.9999 });
    const got = delays(backoff, 20);
    for (const delay of got) expect(delay).toBeLessThanOrEqual(5_000);
    expect(got.at(-1)).toBe(5_000);
  });

  it('stays at the cap once reached (jitter still spreads it downwards)', () => {
    const backoff = new Backoff({ random: () => 0 });
    const got = delays(backoff, 30);
    // The default cap is 30 s; at -20 % the delay settles at 24 s.
    expect(got.slice(-5)).toEqual([24_000, 24_000, 24_000, 24_000, 24_000]);
  });

  it('starts again from the initial delay after reset()', () => {
    const backoff = new Backoff({ random: NO_JITTER });
    delays(backoff, 6);
    backoff.reset();
    expect(delays(backoff, 2)).toEqual([1_000, 1_600]);
  });

  it('honours custom initial delay, growth and jitter', () => {
    const backoff = new Backoff({ initialMs: 100, multiplier: 2, jitter: 0.5, maxMs: 1_000, random: () => 0 });
    expect(delays(backoff, 6)).toEqual([50, 100, 200, 400, 500, 500]);
  });

  it('multiplier 1 gives a constant delay', () => {
    const backoff = new Backoff({ initialMs: 250, multiplier: 1, random: NO_JITTER });
    expect(delays(backoff, 4)).toEqual([250, 250, 250, 250]);
  });

  describe('bad options throw at construction', () => {
    it.each([
      ['initialMs 0', { initialMs: 0 }],
      ['negative initialMs', { initialMs: -1 }],
      ['NaN initialMs', { initialMs: Number.NaN }],
      ['multiplier below 1', { multiplier: 0.9 }],
      ['NaN multiplier', { multiplier: Number.NaN }],
      ['maxMs below initialMs', { initialMs: 2_000, maxMs: 1_000 }],
      ['NaN maxMs', { maxMs: Number.NaN }],
    ])('%s', (_name, options) => {
      expect(() => new Backoff(options)).toThrow(RangeError);
    });

    it('names the constraints in the message', () => {
      expect(() => new Backoff({ initialMs: 0 })).toThrow(/initialMs > 0/);
    });
  });
});
