import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  QUADRATURE_FORWARD_SEQUENCE,
  QUADRATURE_INVALID,
  QUADRATURE_TRANSITIONS,
  QuadratureDecoder,
  quadratureLevelsAt,
} from './codec.js';

/**
 * The clockwise (A leads B) events of the Linux kernel's rotary-encoder documentation
 * (Documentation/input/devices/rotary-encoder.rst, "Events / state machine"), written out as
 * (A, B) before → after:
 *   a) rising edge on A, B low:   00 → 10
 *   b) rising edge on B, A high:  10 → 11
 *   c) falling edge on A, B high: 11 → 01
 *   d) falling edge on B, A low:  01 → 00
 * Counter-clockwise is the same events run backwards. Both channels changing at once is not in
 * the sequence in either direction.
 */
// prettier-ignore
const GRAY_CODE_TABLE: ReadonlyArray<[from: string, to: string, step: number | 'invalid']> = [
  ['00', '00', 0], ['00', '01', -1], ['00', '10', +1], ['00', '11', 'invalid'],
  ['01', '00', +1], ['01', '01', 0], ['01', '10', 'invalid'], ['01', '11', -1],
  ['10', '00', -1], ['10', '01', 'invalid'], ['10', '10', 0], ['10', '11', +1],
  ['11', '00', 'invalid'], ['11', '01', +1], ['11', '10', -1], ['11', '11', 0],
];

function bits(pair: string): [number, number] {
  return [Number(pair[0]), Number(pair[1])];
}

/** A decoder synced at the levels of `pair`. */
function decoderAt(pair: string): QuadratureDecoder {
  const decoder = new QuadratureDecoder();
  const [a, b] = bits(pair);
  decoder.levels(a, b);
  return decoder;
}

/** Steps of −1, 0 or +1 counts. */
const walk = fc.array(fc.integer({ min: -1, max: 1 }), { maxLength: 400 });

describe('quadrature transition table', () => {
  it('follows the forward sequence 00 → 10 → 11 → 01 of the kernel documentation', () => {
    expect(QUADRATURE_FORWARD_SEQUENCE.map(({ a, b }) => `${a}${b}`)).toEqual(['00', '10', '11', '01']);
  });

  it.each(GRAY_CODE_TABLE)('%s → %s counts %s', (from, to, step) => {
    const [fromA, fromB] = bits(from);
    const [toA, toB] = bits(to);
    const entry = QUADRATURE_TRANSITIONS[(((fromA << 1) | fromB) << 2) | ((toA << 1) | toB)];
    expect(entry).toBe(step === 'invalid' ? QUADRATURE_INVALID : step);

    const decoder = decoderAt(from);
    decoder.levels(toA, toB);
    expect(decoder.position()).toBe(step === 'invalid' ? 0 : step);
    expect(decoder.counters().invalidTransitions).toBe(step === 'invalid' ? 1 : 0);
  });

  it('gives the levels of any position, negative ones too, one channel changing per count', () => {
    expect(quadratureLevelsAt(0)).toEqual({ a: 0, b: 0 });
    expect(quadratureLevelsAt(1)).toEqual({ a: 1, b: 0 });
    expect(quadratureLevelsAt(2)).toEqual({ a: 1, b: 1 });
    expect(quadratureLevelsAt(3)).toEqual({ a: 0, b: 1 });
    expect(quadratureLevelsAt(4)).toEqual({ a: 0, b: 0 });
    expect(quadratureLevelsAt(-1)).toEqual({ a: 0, b: 1 });
    expect(quadratureLevelsAt(-6)).toEqual({ a: 1, b: 1 });
    for (let p = -9; p < 9; p++) {
      const here = quadratureLevelsAt(p);
      const next = quadratureLevelsAt(p + 1);
      expect(Math.abs(here.a - next.a) + Math.abs(here.b - next.b)).toBe(1);
    }
  });
});

describe('QuadratureDecoder', () => {
  it('counts one full forward cycle of edge reports as +4 and the reverse cycle back to 0', () => {
    const decoder = decoderAt('00');
    decoder.edgeA(1); // a) 00 → 10
    decoder.edgeB(1); // b) 10 → 11
    decoder.edgeA(0); // c) 11 → 01
    decoder.edgeB(0); // d) 01 → 00
    expect(decoder.position()).toBe(4);
    decoder.edgeB(1); // 00 → 01
    decoder.edgeA(1); // 01 → 11
    decoder.edgeB(0); // 11 → 10
    decoder.edgeA(0); // 10 → 00
    expect(decoder.position()).toBe(0);
    expect(decoder.counters()).toEqual({ steps: 8, invalidTransitions: 0, repeatedLevels: 0, badLevels: 0 });
  });

  it('counts nothing until both levels are known, then counts from there', () => {
    const decoder = new QuadratureDecoder();
    decoder.edgeA(1);
    expect(decoder.synced()).toBe(false);
    decoder.edgeA(0);
    decoder.seedB(0);
    expect(decoder.synced()).toBe(true);
    expect(decoder.position()).toBe(0);
    decoder.edgeA(1);
    expect(decoder.position()).toBe(1);
  });

  it('ignores a start-up read once an edge of that channel has been seen (the edge is newer)', () => {
    const decoder = new QuadratureDecoder();
    decoder.edgeA(1);
    decoder.seedA(0);
    decoder.seedB(0);
    decoder.edgeB(1); // 10 → 11 is forward only if A is still 1
    expect(decoder.position()).toBe(1);
  });

  it('flags an edge report that repeats the known level (a missed edge) and does not count it', () => {
    const decoder = decoderAt('10');
    decoder.edgeA(1);
    expect(decoder.position()).toBe(0);
    expect(decoder.counters().repeatedLevels).toBe(1);
  });

  it('keeps the position across unsync, and counts again once resynced', () => {
    const decoder = decoderAt('00');
    decoder.edgeA(1);
    decoder.unsync();
    decoder.edgeB(1);
    expect(decoder.position()).toBe(1);
    decoder.seedA(1);
    decoder.edgeA(0); // 11 → 01
    expect(decoder.position()).toBe(2);
  });

  it('drops levels that are neither 0 nor 1 and counts them', () => {
    const decoder = decoderAt('00');
    decoder.edgeA(2);
    decoder.edgeB(-1);
    decoder.levels(1, Number.NaN);
    expect(decoder.position()).toBe(0);
    expect(decoder.counters().badLevels).toBe(3);
    decoder.edgeA(1);
    expect(decoder.position()).toBe(1);
  });

  it('counts the net displacement of any walk of level pairs exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), walk, (start, steps) => {
        const decoder = new QuadratureDecoder();
        let position = start;
        const first = quadratureLevelsAt(position);
        decoder.levels(first.a, first.b);
        for (const step of steps) {
          position += step;
          const { a, b } = quadratureLevelsAt(position);
          decoder.levels(a, b);
        }
        expect(decoder.position()).toBe(position - start);
        expect(decoder.counters().invalidTransitions).toBe(0);
        expect(decoder.counters().steps).toBe(steps.filter((s) => s !== 0).length);
      }),
    );
  });

  it('counts the net displacement of any walk of single-channel edge reports exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), walk, (start, steps) => {
        const decoder = new QuadratureDecoder();
        let position = start;
        const first = quadratureLevelsAt(position);
        decoder.seedA(first.a);
        decoder.seedB(first.b);
        for (const step of steps) {
          if (step === 0) continue;
          const before = quadratureLevelsAt(position);
          position += step;
          const after = quadratureLevelsAt(position);
          if (after.a !== before.a) decoder.edgeA(after.a);
          else decoder.edgeB(after.b);
        }
        expect(decoder.position()).toBe(position - start);
        expect(decoder.counters()).toMatchObject({ invalidTransitions: 0, repeatedLevels: 0 });
      }),
    );
  });

  it('never throws on random level sequences, and counts every pair change as a step or an error', () => {
    const anyLevel = fc.oneof(fc.constantFrom(0, 1), fc.integer(), fc.double());
    const input = fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('pair' as const), a: anyLevel, b: anyLevel }),
        fc.record({ kind: fc.constantFrom('a' as const, 'b' as const), level: anyLevel }),
      ),
      { maxLength: 300 },
    );
    fc.assert(
      fc.property(input, (events) => {
        const decoder = new QuadratureDecoder();
        let reports = 0;
        for (const event of events) {
          if (event.kind === 'pair') decoder.levels(event.a, event.b);
          else if (event.kind === 'a') decoder.edgeA(event.level);
          else decoder.edgeB(event.level);
          reports++;
        }
        const { steps, invalidTransitions, repeatedLevels, badLevels } = decoder.counters();
        expect(Number.isInteger(decoder.position())).toBe(true);
        expect(Math.abs(decoder.position())).toBeLessThanOrEqual(steps);
        expect(steps + invalidTransitions + repeatedLevels + badLevels).toBeLessThanOrEqual(reports);
      }),
    );
  });

  it('resyncs after garbage: once fed valid levels again it counts a valid walk exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer(), fc.integer())), walk, (garbage, steps) => {
        const decoder = new QuadratureDecoder();
        for (const [a, b] of garbage) decoder.levels(a, b);
        decoder.levels(0, 0);
        const before = decoder.position();
        let position = 0;
        for (const step of steps) {
          position += step;
          const { a, b } = quadratureLevelsAt(position);
          decoder.levels(a, b);
        }
        expect(decoder.position() - before).toBe(position);
      }),
    );
  });
});
