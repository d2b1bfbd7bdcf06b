import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, hex } from '../../../test/harness/bytes.js';
import { RplidarResponseDecoder, type RplidarResponse } from './codec.js';
import {
  RPLIDAR_CAPSULE_LENGTH,
  RplidarCapsuleAssembler,
  encodeRplidarCapsule,
  isRplidarCapsule,
  parseRplidarCapsule,
  type RplidarCapsule,
} from './express-codec.js';

/*
 * Fixtures written out by hand from Slamtec "RPLIDAR Interface Protocol and Application Notes",
 * EXPRESS_SCAN: the response descriptor and the capsule field table (sync nibbles, checksum =
 * XOR of bytes 2..83, start angle q6 with the S bit, 16 cabins of two distances and dθ bits).
 */
const zeros = (n: number): string => Array.from({ length: n }, () => '00').join(' ');

/** EXPRESS_SCAN descriptor: length 84 (0x54), multiple-response mode (0x40 in the top byte), type 0x82. */
const EXPRESS_DESCRIPTOR = hex('A5 5A 54 00 00 40 82');

/**
 * Capsule A: S = 1, start angle 90° (q6 5760 = 0x1680, with S: 0x9680 -> bytes 80 96).
 * Cabin 0: distance 1 = 1000 mm, dθ1 = 8 (1°): word 1000 << 2 | (8 >> 4) = 0x0FA0 -> A0 0F;
 *          distance 2 = 2000 mm, dθ2 = 33 (4.125°): word 2000 << 2 | (33 >> 4 = 2) = 0x1F42 -> 42 1F;
 *          byte 4 = (8 & 0xF) | (33 & 0xF) << 4 = 0x18.
 * Cabins 1..15 zero. Checksum: 80^96^A0^0F^42^1F^18 = 0xFC -> byte 0 = 0xA0|0xC = AC, byte 1 = 0x50|0xF = 5F.
 */
const CAPSULE_A = hex(`AC 5F 80 96 A0 0F 42 1F 18 ${zeros(75)}`);
/** Capsule B: S = 0, start angle 95° (q6 6080 = 0x17C0 -> C0 17), every cabin zero. Checksum C0^17 = D7. */
const CAPSULE_B = hex(`A7 5D C0 17 ${zeros(80)}`);
/**
 * Capsule C: S = 0, start angle 1° (q6 64 = 0x0040 -> 40 00), cabin 15 distance 2 = 500 mm
 * (500 << 2 = 0x07D0 -> D0 07). Checksum 40^D0^07 = 0x97 -> A7 59.
 */
const CAPSULE_C = hex(`A7 59 40 00 ${zeros(77)} D0 07 00`);

function capsulesOf(responses: RplidarResponse[]): RplidarCapsule[] {
  return responses.flatMap((r) => (r.kind === 'capsule' ? [r.capsule] : []));
}

describe('express capsules', () => {
  it('the hand-written fixtures are 84 bytes with a good checksum', () => {
    for (const capsule of [CAPSULE_A, CAPSULE_B, CAPSULE_C]) {
      expect(capsule).toHaveLength(RPLIDAR_CAPSULE_LENGTH);
      expect(isRplidarCapsule(capsule)).toBe(true);
    }
    const corrupted = CAPSULE_A.slice();
    corrupted[10] = 0x01;
    expect(isRplidarCapsule(corrupted)).toBe(false);
  });

  it('decodes the fields of capsule A as the table gives them', () => {
    const capsule = parseRplidarCapsule(CAPSULE_A);
    expect(capsule.startFlag).toBe(true);
    expect(capsule.startAngleQ6).toBe(5760);
    expect(capsule.distancesMm.slice(0, 3)).toEqual([1000, 2000, 0]);
    expect(capsule.angleOffsetsQ3.slice(0, 3)).toEqual([8, 33, 0]);
    expect(capsule.distancesMm).toHaveLength(32);
    expect(encodeRplidarCapsule(capsule)).toEqual(CAPSULE_A);
    expect(encodeRplidarCapsule(parseRplidarCapsule(CAPSULE_C))).toEqual(CAPSULE_C);
  });

  it('interpolates the angles of a capsule between its start and the next capsule start', () => {
    const assembler = new RplidarCapsuleAssembler();
    expect(assembler.push(parseRplidarCapsule(CAPSULE_A))).toEqual([]);
    const samples = assembler.push(parseRplidarCapsule(CAPSULE_B));
    expect(samples).toHaveLength(32);
    // 5° over 32 samples: 0.15625° a sample. Sample 0: 90° − dθ 1° = 89°; sample 1: 90.15625° − 4.125°.
    expect(samples[0]).toEqual({ startFlag: false, quality: 47, angleDeg: 89, distanceMm: 1000 });
    expect(samples[1]).toEqual({ startFlag: false, quality: 47, angleDeg: 86.03125, distanceMm: 2000 });
    expect(samples[2]).toEqual({ startFlag: false, quality: 0, angleDeg: 90.3125, distanceMm: 0 });
    expect(samples[31]?.angleDeg).toBe(90 + 31 * 0.15625);
  });

  it('wraps across 0° and flags the first sample past it as the start of a turn', () => {
    const assembler = new RplidarCapsuleAssembler();
    assembler.push(parseRplidarCapsule(CAPSULE_B));
    // 95° to 1° is a step of 266°: 8.3125° a sample, the last at 352.69°, none past 0°.
    const fromB = assembler.push(parseRplidarCapsule(CAPSULE_C));
    expect(fromB.filter((s) => s.startFlag)).toEqual([]);
    expect(fromB[31]!.angleDeg).toBe(95 + 31 * 8.3125);
    const empty = { startFlag: false, distancesMm: new Array(32).fill(0), angleOffsetsQ3: new Array(32).fill(0) };
    // 350° to 10°: 0.625° a sample; sample 16 lands on 0°.
    assembler.push({ ...empty, startAngleQ6: 350 * 64 });
    const wrapping = assembler.push({ ...empty, startAngleQ6: 10 * 64 });
    expect(wrapping.map((s) => s.startFlag).indexOf(true)).toBe(16);
    expect(wrapping.filter((s) => s.startFlag)).toHaveLength(1);
    expect(wrapping[15]!.angleDeg).toBe(359.375);
    expect(wrapping[16]!.angleDeg).toBe(0);
    expect(wrapping[31]!.angleDeg).toBe(9.375);
  });

  it('drops the held capsule when a capsule with S starts a new sequence', () => {
    const assembler = new RplidarCapsuleAssembler();
    assembler.push(parseRplidarCapsule(CAPSULE_B));
    expect(assembler.push(parseRplidarCapsule(CAPSULE_A))).toEqual([]);
    expect(assembler.push(parseRplidarCapsule(CAPSULE_B))[0]?.distanceMm).toBe(1000);
    assembler.reset();
    expect(assembler.push(parseRplidarCapsule(CAPSULE_B))).toEqual([]);
  });
});

describe('RplidarResponseDecoder on an express stream', () => {
  it('returns the descriptor, then one capsule per 84 bytes', () => {
    const decoder = new RplidarResponseDecoder();
    const out = decoder.push(concatBytes([EXPRESS_DESCRIPTOR, CAPSULE_A, CAPSULE_B, CAPSULE_C]));
    expect(out[0]).toEqual({ kind: 'descriptor', descriptor: { length: 84, sendMode: 1, dataType: 0x82 } });
    expect(capsulesOf(out).map((c) => c.startAngleQ6)).toEqual([5760, 6080, 64]);
    expect(decoder.inScanStream()).toBe(true);
    expect(decoder.counters()).toMatchObject({ capsules: 3, badCapsules: 0, droppedBytes: 0 });
  });

  it('counts and drops a capsule with a bad checksum, and resyncs on the next one', () => {
    const bad = CAPSULE_B.slice();
    bad[40] = 0x33; // the checksum no longer matches
    const decoder = new RplidarResponseDecoder();
    const out = decoder.push(concatBytes([EXPRESS_DESCRIPTOR, CAPSULE_A, bad, CAPSULE_C]));
    expect(capsulesOf(out).map((c) => c.startAngleQ6)).toEqual([5760, 64]);
    expect(decoder.counters().badCapsules).toBeGreaterThanOrEqual(1);
    expect(decoder.counters().capsules).toBe(2);
  });

  it('skips garbage between capsules (sync nibbles) and finds the next capsule', () => {
    const decoder = new RplidarResponseDecoder();
    const garbage = hex('00 A1 5F 13 A5');
    const out = decoder.push(concatBytes([EXPRESS_DESCRIPTOR, CAPSULE_A, garbage, CAPSULE_B]));
    expect(capsulesOf(out).map((c) => c.startAngleQ6)).toEqual([5760, 6080]);
    expect(decoder.counters().droppedBytes).toBe(garbage.length);
  });

  it('gives the same capsules whatever chunk boundaries split the stream', () => {
    const stream = concatBytes([EXPRESS_DESCRIPTOR, CAPSULE_A, CAPSULE_B, CAPSULE_C]);
    const whole = new RplidarResponseDecoder().push(stream);
    for (let cut = 1; cut < stream.length; cut += 3) {
      const decoder = new RplidarResponseDecoder();
      expect([...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))]).toEqual(whole);
    }
    const byteByByte = new RplidarResponseDecoder();
    expect(Array.from(stream).flatMap((b) => byteByByte.push(Uint8Array.of(b)))).toEqual(whole);
  });

  describe('properties', () => {
    const capsuleArb: fc.Arbitrary<RplidarCapsule> = fc.record({
      startFlag: fc.boolean(),
      startAngleQ6: fc.integer({ min: 0, max: 360 * 64 - 1 }),
      distancesMm: fc.array(fc.integer({ min: 0, max: 0x3fff }), { minLength: 32, maxLength: 32 }),
      angleOffsetsQ3: fc.array(fc.integer({ min: 0, max: 63 }), { minLength: 32, maxLength: 32 }),
    });

    it('decodes what it encodes, in any chunking', () => {
      fc.assert(
        fc.property(fc.array(capsuleArb, { minLength: 1, maxLength: 6 }), fc.nat(), (capsules, rawCut) => {
          const stream = concatBytes([EXPRESS_DESCRIPTOR, ...capsules.map(encodeRplidarCapsule)]);
          const cut = rawCut % (stream.length + 1);
          const decoder = new RplidarResponseDecoder();
          const out = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
          expect(capsulesOf(out)).toEqual(capsules);
          expect(decoder.counters()).toMatchObject({ badCapsules: 0, droppedBytes: 0 });
        }),
      );
    });

    it('never throws on random bytes in an express stream, and accounts for every byte', () => {
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ maxLength: 300, size: 'max' }), { maxLength: 6 }), (chunks) => {
          const decoder = new RplidarResponseDecoder();
          decoder.push(EXPRESS_DESCRIPTOR);
          let total = 0;
          let decoded = 0;
          for (const chunk of chunks) {
            total += chunk.length;
            decoded += capsulesOf(decoder.push(chunk)).length * RPLIDAR_CAPSULE_LENGTH;
          }
          expect(decoded + decoder.counters().droppedBytes + decoder.pendingBytes()).toBe(total);
        }),
      );
    });

    it('finds the capsules that follow garbage', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 200, size: 'max' }),
          fc.array(capsuleArb, { minLength: 3, maxLength: 4 }),
          (garbage, capsules) => {
            const decoder = new RplidarResponseDecoder();
            const out = decoder.push(concatBytes([EXPRESS_DESCRIPTOR, garbage, ...capsules.map(encodeRplidarCapsule)]));
            // Garbage may form a capsule that passes by chance, or swallow the start of the first: the last ones come through.
            expect(capsulesOf(out).slice(-2)).toEqual(capsules.slice(-2));
          },
        ),
        { numRuns: 300 },
      );
    });

    it('assembles angles that step evenly between capsule starts when dθ is 0', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 360 * 64 - 1 }),
          fc.integer({ min: 1, max: 40 * 64 }),
          (startQ6, stepQ6) => {
            const assembler = new RplidarCapsuleAssembler();
            const flat = {
              startFlag: false,
              distancesMm: new Array(32).fill(100),
              angleOffsetsQ3: new Array(32).fill(0),
            };
            assembler.push({ ...flat, startAngleQ6: startQ6 });
            const samples = assembler.push({ ...flat, startAngleQ6: (startQ6 + stepQ6) % (360 * 64) });
            const stepDeg = stepQ6 / 64 / 32;
            samples.forEach((sample, k) => {
              const expected = (startQ6 / 64 + k * stepDeg) % 360;
              const error = Math.abs(((sample.angleDeg - expected + 540) % 360) - 180);
              expect(error).toBeLessThanOrEqual(1 / 64);
            });
            expect(samples.filter((s) => s.startFlag).length).toBeLessThanOrEqual(1);
          },
        ),
      );
    });
  });
});
