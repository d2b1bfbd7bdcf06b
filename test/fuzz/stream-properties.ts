/**
 * The properties every byte-stream decoder shares: arbitrary bytes in arbitrary chunks never
 * throw, and a valid frame after random junk is still decoded (the decoder resynchronises).
 */
import { expect } from 'vitest';
import { fc } from './fuzz-settings.js';

/** A streaming decoder as the codecs define one: bytes in, decoded messages out. */
export interface StreamDecoder<T> {
  push(chunk: Uint8Array): T[];
}

/** Up to `maxLength` random bytes. */
export const junkBytes = (maxLength = 200): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength });

/** Cuts `bytes` at the given fractions of its length (any chunking of one stream). */
export function chunksOf(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const at of points) {
    out.push(bytes.subarray(from, at));
    from = at;
  }
  out.push(bytes.subarray(from));
  return out;
}

const cutsArbitrary = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 });

/** Random bytes, split at random, never make `push` throw. */
export function neverThrowsOnJunk<T>(make: () => StreamDecoder<T>, maxLength = 400): void {
  fc.assert(
    fc.property(junkBytes(maxLength), cutsArbitrary, (bytes, cuts) => {
      const decoder = make();
      for (const chunk of chunksOf(bytes, cuts)) decoder.push(chunk);
    }),
  );
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * After random junk, three copies of a valid frame: the last thing decoded is what the frame
 * decodes to on a clean stream. (Three, because junk may by chance pass a checksum and swallow
 * part of the first copy; the decoder must be back in step by the last.) `before` runs between
 * the junk and the frames (a request decoder expecting its reply, say). A length-prefixed format
 * with no timeout may read the frames as the rest of a long frame that began in the junk:
 * `swallowUpTo` sends copies past that many bytes first.
 */
export function resyncsAfterJunk<T>(
  make: () => StreamDecoder<T>,
  frame: fc.Arbitrary<Uint8Array>,
  options: { maxJunk?: number; before?: (decoder: StreamDecoder<T>) => void; swallowUpTo?: number } = {},
): void {
  fc.assert(
    fc.property(junkBytes(options.maxJunk ?? 200), frame, cutsArbitrary, (junk, bytes, cuts) => {
      const copies = 3 + Math.ceil((options.swallowUpTo ?? 0) / bytes.length);
      const clean = make();
      options.before?.(clean);
      const expected = clean.push(bytes).at(-1);
      expect(expected).toBeDefined();
      const decoder = make();
      decoder.push(junk);
      options.before?.(decoder);
      const out: T[] = [];
      for (const chunk of chunksOf(concat(new Array<Uint8Array>(copies).fill(bytes)), cuts))
        out.push(...decoder.push(chunk));
      expect(out.at(-1)).toEqual(expected);
    }),
  );
}

/**
 * Encode then decode is the identity: frames encoded one after the other and fed in arbitrary
 * chunks decode to messages that encode back to the same bytes, one for one.
 */
export function roundTrips<T>(
  make: () => StreamDecoder<T>,
  frame: fc.Arbitrary<Uint8Array>,
  reencode: (message: T) => Uint8Array,
): void {
  fc.assert(
    fc.property(fc.array(frame, { minLength: 1, maxLength: 5 }), cutsArbitrary, (frames, cuts) => {
      const decoder = make();
      const out: T[] = [];
      for (const chunk of chunksOf(concat(frames), cuts)) out.push(...decoder.push(chunk));
      expect(out.map(reencode)).toEqual(frames);
    }),
  );
}
