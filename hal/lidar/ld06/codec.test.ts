import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LD06_PACKET_LENGTH,
  Ld06Decoder,
  crc8Ld06,
  encodeLd06Packet,
  pointAnglesDeg,
  type Ld06Packet,
} from './codec.js';

/**
 * The example packet printed in the LDROBOT LD06 / LD19 Development Manual, chapter
 * "Communication protocol", written out byte by byte.
 */
// prettier-ignore
const MANUAL_EXAMPLE = Uint8Array.from([
  0x54, 0x2c, // header, VerLen
  0x68, 0x08, // speed 0x0868 = 2152 °/s
  0xab, 0x7e, // start angle 0x7EAB = 32427 → 324.27°
  0xe0, 0x00, 0xe4, // 224 mm, 228
  0xdc, 0x00, 0xe2, // 220 mm, 226
  0xd9, 0x00, 0xe5, // 217 mm, 229
  0xd5, 0x00, 0xe3, // 213 mm, 227
  0xd3, 0x00, 0xe4, // 211 mm, 228
  0xd0, 0x00, 0xe9, // 208 mm, 233
  0xcd, 0x00, 0xe4, // 205 mm, 228
  0xca, 0x00, 0xe2, // 202 mm, 226
  0xc7, 0x00, 0xe9, // 199 mm, 233
  0xc5, 0x00, 0xe5, // 197 mm, 229
  0xc2, 0x00, 0xe5, // 194 mm, 229
  0xc0, 0x00, 0xe5, // 192 mm, 229
  0xbe, 0x82, // end angle 0x82BE = 33470 → 334.70°
  0x3a, 0x1a, // timestamp 0x1A3A = 6714 ms
  0x50, // CRC8
]);

/** CRC8, polynomial 0x4D, MSB first, init 0, computed bit by bit (independent of the table in codec.ts). */
function bitwiseCrc8(bytes: Uint8Array, length: number): number {
  let crc = 0;
  for (let i = 0; i < length; i++) {
    crc ^= bytes[i] as number;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x4d) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/** Deterministic bytes for garbage (mulberry32). */
function seededBytes(seed: number, length: number): Uint8Array {
  let state = seed >>> 0;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function samplePacket(n: number): Ld06Packet {
  return {
    speedDegPerS: 3600 + n,
    startAngleDeg: (n * 9.6) % 360,
    endAngleDeg: (n * 9.6 + 8.8) % 360,
    timestampMs: (n * 3) % 30000,
    points: Array.from({ length: 12 }, (_, i) => ({ distanceMm: 100 * n + i, intensity: (n + i) % 256 })),
  };
}

/** Decodes `stream` fed in pieces cut at `cuts` (sorted offsets). */
function decodeInPieces(stream: Uint8Array, cuts: number[]): Ld06Packet[] {
  const decoder = new Ld06Decoder();
  const out: Ld06Packet[] = [];
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    out.push(...decoder.push(stream.subarray(from, cut)));
    from = cut;
  }
  return out;
}

describe('crc8Ld06', () => {
  it('gives the manual example its printed CRC, 0x50, like the bitwise reference', () => {
    expect(bitwiseCrc8(MANUAL_EXAMPLE, 46)).toBe(0x50);
    expect(crc8Ld06(MANUAL_EXAMPLE, 46)).toBe(0x50);
  });

  it('agrees with the bitwise reference on arbitrary data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(crc8Ld06(bytes)).toBe(bitwiseCrc8(bytes, bytes.length));
      }),
    );
  });
});

describe('Ld06Decoder', () => {
  it('decodes the manual example packet field by field', () => {
    const decoder = new Ld06Decoder();
    const [packet, ...rest] = decoder.push(MANUAL_EXAMPLE);
    expect(rest).toEqual([]);
    expect(packet).toEqual({
      speedDegPerS: 2152,
      startAngleDeg: 324.27,
      endAngleDeg: 334.7,
      timestampMs: 6714,
      points: [
        [224, 228],
        [220, 226],
        [217, 229],
        [213, 227],
        [211, 228],
        [208, 233],
        [205, 228],
        [202, 226],
        [199, 233],
        [197, 229],
        [194, 229],
        [192, 229],
      ].map(([distanceMm, intensity]) => ({ distanceMm, intensity })),
    });
    expect(decoder.counters()).toEqual({ packets: 1, badCrc: 0, droppedBytes: 0 });
  });

  it('encodes the decoded manual example back to the same bytes', () => {
    const [packet] = new Ld06Decoder().push(MANUAL_EXAMPLE);
    expect(encodeLd06Packet(packet as Ld06Packet)).toEqual(MANUAL_EXAMPLE);
  });

  it('gives the same packets whatever chunk boundary splits the stream', () => {
    const stream = concat([MANUAL_EXAMPLE, encodeLd06Packet(samplePacket(1)), encodeLd06Packet(samplePacket(2))]);
    const whole = new Ld06Decoder().push(stream);
    expect(whole).toHaveLength(3);
    for (let cut = 1; cut < stream.length; cut++) {
      expect(decodeInPieces(stream, [cut])).toEqual(whole);
    }
    const byteByByte = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    expect(decodeInPieces(stream, byteByByte)).toEqual(whole);
  });

  it('finds every real packet among garbage and stray headers, counting what it threw away', () => {
    const packets = Array.from({ length: 20 }, (_, n) => samplePacket(n));
    const parts: Uint8Array[] = [];
    let garbageBytes = 0;
    let strayHeaders = 0;
    packets.forEach((packet, n) => {
      const noise = seededBytes(n + 1, 5 + n * 3);
      // A stray header a few bytes before the real one: the 47 bytes collected from it swallow
      // the real header, fail the CRC, and the decoder must find the real packet inside them.
      const garbage = n % 2 === 0 ? concat([noise, Uint8Array.of(0x54, 0x2c), seededBytes(100 + n, n % 7)]) : noise;
      if (n % 2 === 0) strayHeaders++;
      garbageBytes += garbage.length;
      parts.push(garbage, encodeLd06Packet(packet));
    });
    // A packet cut short by garbage, then a packet with a corrupted byte.
    const truncated = encodeLd06Packet(samplePacket(50)).subarray(0, 30);
    const corrupted = encodeLd06Packet(samplePacket(51));
    corrupted[20] = (corrupted[20] as number) ^ 0x01;
    parts.push(truncated, corrupted, encodeLd06Packet(samplePacket(52)));
    garbageBytes += truncated.length + corrupted.length;
    const stream = concat(parts);

    const decoder = new Ld06Decoder();
    const decoded = decoder.push(stream);

    expect(decoded).toEqual([...packets, samplePacket(52)].map((p) => new Ld06Decoder().push(encodeLd06Packet(p))[0]));
    const counters = decoder.counters();
    expect(counters.packets).toBe(21);
    expect(counters.droppedBytes).toBe(garbageBytes);
    expect(counters.badCrc).toBeGreaterThanOrEqual(strayHeaders + 1);
    expect(decoder.pendingBytes()).toBe(0);
  });

  it('resyncs on a real header inside a bad packet', () => {
    const real = encodeLd06Packet(samplePacket(7));
    const stream = concat([Uint8Array.of(0x54, 0x2c, 1, 2, 3), real]);
    const decoder = new Ld06Decoder();
    expect(decoder.push(stream)).toHaveLength(1);
    expect(decoder.counters()).toEqual({ packets: 1, badCrc: 1, droppedBytes: 5 });
  });

  it('reset() drops a partial packet and counts its bytes', () => {
    const decoder = new Ld06Decoder();
    decoder.push(MANUAL_EXAMPLE.subarray(0, 20));
    decoder.reset();
    expect(decoder.push(MANUAL_EXAMPLE.subarray(20))).toEqual([]);
    expect(decoder.push(MANUAL_EXAMPLE)).toHaveLength(1);
    expect(decoder.counters().droppedBytes).toBe(47);
  });

  describe('properties', () => {
    const packetArb: fc.Arbitrary<Ld06Packet> = fc.record({
      speedDegPerS: fc.integer({ min: 0, max: 0xffff }),
      startAngleDeg: fc.integer({ min: 0, max: 35_999 }).map((c) => c / 100),
      endAngleDeg: fc.integer({ min: 0, max: 35_999 }).map((c) => c / 100),
      timestampMs: fc.integer({ min: 0, max: 29_999 }),
      points: fc.array(
        fc.record({ distanceMm: fc.integer({ min: 0, max: 0xffff }), intensity: fc.integer({ min: 0, max: 255 }) }),
        { minLength: 12, maxLength: 12 },
      ),
    });

    it('never throws on random bytes, and accounts for every byte', () => {
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ maxLength: 200, size: 'max' }), { maxLength: 10 }), (chunks) => {
          const decoder = new Ld06Decoder();
          let total = 0;
          for (const chunk of chunks) {
            decoder.push(chunk);
            total += chunk.length;
          }
          const { packets, droppedBytes } = decoder.counters();
          expect(packets * LD06_PACKET_LENGTH + droppedBytes + decoder.pendingBytes()).toBe(total);
          expect(decoder.pendingBytes()).toBeLessThan(LD06_PACKET_LENGTH);
        }),
      );
    });

    it('never throws on streams dense in headers', () => {
      const headerHeavy = fc
        .uint8Array({ minLength: 47, maxLength: 400, size: 'max' })
        .map((bytes) => bytes.map((b) => [0x54, 0x2c, b][b % 3] as number));
      fc.assert(
        fc.property(headerHeavy, (bytes) => {
          const decoder = new Ld06Decoder();
          decoder.push(bytes);
          const { packets, droppedBytes } = decoder.counters();
          expect(packets * LD06_PACKET_LENGTH + droppedBytes + decoder.pendingBytes()).toBe(bytes.length);
        }),
      );
    });

    it('decodes what it encodes', () => {
      fc.assert(
        fc.property(packetArb, (packet) => {
          const bytes = encodeLd06Packet(packet);
          expect(bytes).toHaveLength(LD06_PACKET_LENGTH);
          expect(bitwiseCrc8(bytes, 46)).toBe(bytes[46]);
          expect(new Ld06Decoder().push(bytes)).toEqual([packet]);
        }),
      );
    });

    it('gives the same packets for any chunking of a stream with garbage', () => {
      const streamArb = fc.array(fc.tuple(fc.uint8Array({ maxLength: 60, size: 'max' }), packetArb), {
        minLength: 1,
        maxLength: 6,
      });
      fc.assert(
        fc.property(streamArb, fc.array(fc.nat(), { maxLength: 20, size: 'max' }), (pieces, rawCuts) => {
          const stream = concat(pieces.flatMap(([garbage, packet]) => [garbage, encodeLd06Packet(packet)]));
          const cuts = [...new Set(rawCuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const whole = new Ld06Decoder().push(stream);
          expect(decodeInPieces(stream, cuts)).toEqual(whole);
          expect(whole.length).toBeGreaterThanOrEqual(1);
        }),
      );
    });
  });
});

describe('encodeLd06Packet', () => {
  it('wraps angles and the timestamp into their fields and clamps out-of-range values', () => {
    const bytes = encodeLd06Packet({
      speedDegPerS: 70_000,
      startAngleDeg: 361.5,
      endAngleDeg: -1,
      timestampMs: 30_001,
      points: Array.from({ length: 12 }, () => ({ distanceMm: -5, intensity: 300 })),
    });
    const [packet] = new Ld06Decoder().push(bytes);
    expect(packet?.speedDegPerS).toBe(0xffff);
    expect(packet?.startAngleDeg).toBe(1.5);
    expect(packet?.endAngleDeg).toBe(359);
    expect(packet?.timestampMs).toBe(1);
    expect(packet?.points[0]).toEqual({ distanceMm: 0, intensity: 255 });
  });

  it('refuses a packet without 12 points', () => {
    expect(() => encodeLd06Packet({ ...samplePacket(0), points: [] })).toThrow(RangeError);
  });
});

describe('pointAnglesDeg', () => {
  it('spreads the manual example evenly from 324.27° to 334.70°', () => {
    const [packet] = new Ld06Decoder().push(MANUAL_EXAMPLE);
    const angles = pointAnglesDeg(packet as Ld06Packet);
    expect(angles).toHaveLength(12);
    expect(angles[0]).toBeCloseTo(324.27, 9);
    expect(angles[11]).toBeCloseTo(334.7, 9);
    expect((angles[1] as number) - (angles[0] as number)).toBeCloseTo(10.43 / 11, 9);
  });

  it('crosses 0° going clockwise and stays in [0, 360)', () => {
    const angles = pointAnglesDeg({ startAngleDeg: 355.6, endAngleDeg: 4.4 });
    expect(angles[0]).toBeCloseTo(355.6, 9);
    expect(angles[6]).toBeCloseTo(0.4, 9);
    expect(angles[11]).toBeCloseTo(4.4, 9);
    for (const angle of angles) {
      expect(angle).toBeGreaterThanOrEqual(0);
      expect(angle).toBeLessThan(360);
    }
  });
});
