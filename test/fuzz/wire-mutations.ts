/**
 * Bytes a decoder of untrusted input must survive: random bytes, and valid messages damaged the
 * way a link or a rogue peer damages them (bytes changed, cut short, inserted, doubled).
 */
import { fc } from './fuzz-settings.js';

type Mutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'double' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
  }),
  fc.constant({ kind: 'double' as const }),
);

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  switch (m.kind) {
    case 'set': {
      if (n === 0) return bytes;
      const out = bytes.slice();
      out[m.at % n] = m.value;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, n === 0 ? 0 : m.at % n);
    case 'insert': {
      const at = m.at % (n + 1);
      const out = new Uint8Array(n + m.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(m.bytes, at);
      out.set(bytes.subarray(at), at + m.bytes.length);
      return out;
    }
    case 'double': {
      const out = new Uint8Array(2 * n);
      out.set(bytes);
      out.set(bytes, n);
      return out;
    }
  }
}

/** Valid encodings from `valid`, each damaged by one to four mutations. */
export function damaged(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([bytes, mutations]) => mutations.reduce(apply, bytes));
}

/** Random bytes, or damaged valid encodings. */
export function hostileBytes(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.oneof(fc.uint8Array({ maxLength: 300 }), damaged(valid));
}
