import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ROBOCLAW_ACK,
  RoboclawReplyDecoder,
  RoboclawRequestDecoder,
  crc16Roboclaw,
  dutyToRaw,
  encodeRoboclawReply,
  encodeRoboclawRequest,
  rawToDuty,
  type RoboclawPacket,
  type RoboclawReply,
  type RoboclawReplyResult,
  type RoboclawRequest,
} from './codec.js';

/**
 * CRC16 exactly as printed in the RoboClaw user manual, "CRC16 Checksum Calculation" (the C
 * function `crc16`): bit by bit, polynomial 0x1021, starting from 0. Independent of the table in
 * codec.ts.
 */
function manualCrc16(bytes: readonly number[]): number {
  let crc = 0;
  for (const byte of bytes) {
    crc = (crc ^ (byte << 8)) & 0xffff;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** `bytes` followed by the manual CRC16 of `crcOver` (default: `bytes`), high byte first. */
function withCrc(bytes: readonly number[], crcOver: readonly number[] = bytes): Uint8Array {
  const crc = manualCrc16(crcOver);
  return Uint8Array.from([...bytes, crc >> 8, crc & 0xff]);
}

/** Packets written out from the command reference of the manual's "Packet Serial" chapter, address 0x80 unless said. */
const MANUAL_REQUESTS: Array<{ name: string; request: RoboclawRequest; address: number; bytes: Uint8Array }> = [
  {
    // 32 - Drive M1 With Signed Duty Cycle: [Address, 32, Duty(2 Bytes), CRC(2 bytes)]; 50 % = 16384 = 0x4000.
    name: '32 duty M1 +16384',
    address: 0x80,
    request: { kind: 'duty', motor: 'M1', duty: 16_384 },
    bytes: withCrc([0x80, 32, 0x40, 0x00]),
  },
  {
    // 33 - Drive M2 With Signed Duty Cycle; -32767 = 0x8001 (two's complement, MSB first).
    name: '33 duty M2 -32767',
    address: 0x80,
    request: { kind: 'duty', motor: 'M2', duty: -32_767 },
    bytes: withCrc([0x80, 33, 0x80, 0x01]),
  },
  {
    // 34 - Drive M1 / M2 With Signed Duty Cycle: [Address, 34, DutyM1(2 Bytes), DutyM2(2 Bytes), CRC(2 bytes)].
    name: '34 duty M1 0, M2 -1',
    address: 0x81,
    request: { kind: 'duty-both', dutyM1: 0, dutyM2: -1 },
    bytes: withCrc([0x81, 34, 0x00, 0x00, 0xff, 0xff]),
  },
  {
    // 35 - Drive M1 With Signed Speed: [Address, 35, Speed(4 Bytes), CRC(2 bytes)]; 12000 QPPS = 0x00002EE0.
    name: '35 speed M1 12000',
    address: 0x80,
    request: { kind: 'speed', motor: 'M1', speedQpps: 12_000 },
    bytes: withCrc([0x80, 35, 0x00, 0x00, 0x2e, 0xe0]),
  },
  {
    // 36 - Drive M2 With Signed Speed; -1000 = 0xFFFFFC18.
    name: '36 speed M2 -1000',
    address: 0x80,
    request: { kind: 'speed', motor: 'M2', speedQpps: -1_000 },
    bytes: withCrc([0x80, 36, 0xff, 0xff, 0xfc, 0x18]),
  },
  {
    // 37 - Drive M1 / M2 With Signed Speed: [Address, 37, SpeedM1(4 Bytes), SpeedM2(4 Bytes), CRC(2 bytes)].
    name: '37 speed M1 1, M2 -2',
    address: 0x87,
    request: { kind: 'speed-both', speedM1Qpps: 1, speedM2Qpps: -2 },
    bytes: withCrc([0x87, 37, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0xfe]),
  },
  {
    // 20 - Reset Quadrature Encoder Counters: [Address, 20, CRC(2 bytes)].
    name: '20 reset encoders',
    address: 0x80,
    request: { kind: 'reset-encoders' },
    bytes: withCrc([0x80, 20]),
  },
  {
    // 14 - Set Serial Timeout: [Address, 14, Value, CRC(2 bytes)]; 5 = 500 ms.
    name: '14 serial timeout 500 ms',
    address: 0x80,
    request: { kind: 'set-serial-timeout', tenthsOfSecond: 5 },
    bytes: withCrc([0x80, 14, 5]),
  },
  // Reads send no CRC: [Address, Command].
  {
    name: '16 read encoder M1',
    address: 0x80,
    request: { kind: 'read-encoder', motor: 'M1' },
    bytes: Uint8Array.of(0x80, 16),
  },
  {
    name: '17 read encoder M2',
    address: 0x80,
    request: { kind: 'read-encoder', motor: 'M2' },
    bytes: Uint8Array.of(0x80, 17),
  },
  {
    name: '18 read speed M1',
    address: 0x80,
    request: { kind: 'read-speed', motor: 'M1' },
    bytes: Uint8Array.of(0x80, 18),
  },
  {
    name: '19 read speed M2',
    address: 0x82,
    request: { kind: 'read-speed', motor: 'M2' },
    bytes: Uint8Array.of(0x82, 19),
  },
  { name: '21 read firmware', address: 0x80, request: { kind: 'read-firmware' }, bytes: Uint8Array.of(0x80, 21) },
  {
    name: '24 read main battery',
    address: 0x80,
    request: { kind: 'read-main-battery' },
    bytes: Uint8Array.of(0x80, 24),
  },
];

/** The manual's firmware reply example: "RoboClaw 10.2A v4.1.11", 10, 0, CRC (command 21). */
const FIRMWARE_TEXT = 'RoboClaw 10.2A v4.1.11';
const FIRMWARE_DATA = [...Array.from(FIRMWARE_TEXT, (ch) => ch.charCodeAt(0)), 10, 0];

/** Replies written out from the manual: data, then the CRC16 of address, command and data. */
const MANUAL_REPLIES: Array<{ name: string; request: RoboclawRequest; reply: RoboclawReply; bytes: Uint8Array }> = [
  {
    // 16: [Enc1(4 bytes), Status, CRC(2 bytes)]; count 6, status 0.
    name: '16 encoder M1 = 6',
    request: { kind: 'read-encoder', motor: 'M1' },
    reply: { kind: 'encoder', motor: 'M1', count: 6, status: 0 },
    bytes: withCrc([0x00, 0x00, 0x00, 0x06, 0x00], [0x80, 16, 0x00, 0x00, 0x00, 0x06, 0x00]),
  },
  {
    // 17: counter at 4294967295 (one count below zero), status bit 1 (backwards) and bit 0 (underflow).
    name: '17 encoder M2 = 0xFFFFFFFF, backwards, underflow',
    request: { kind: 'read-encoder', motor: 'M2' },
    reply: { kind: 'encoder', motor: 'M2', count: 0xffff_ffff, status: 0x03 },
    bytes: withCrc([0xff, 0xff, 0xff, 0xff, 0x03], [0x80, 17, 0xff, 0xff, 0xff, 0xff, 0x03]),
  },
  {
    // 18: [Speed(4 bytes), Status, CRC(2 bytes)]; status 0 forward.
    name: '18 speed M1 = 12000 forward',
    request: { kind: 'read-speed', motor: 'M1' },
    reply: { kind: 'speed', motor: 'M1', speedQpps: 12_000, status: 0 },
    bytes: withCrc([0x00, 0x00, 0x2e, 0xe0, 0x00], [0x80, 18, 0x00, 0x00, 0x2e, 0xe0, 0x00]),
  },
  {
    // 19: -1234 = 0xFFFFFB2E, status 1 backward.
    name: '19 speed M2 = -1234 backward',
    request: { kind: 'read-speed', motor: 'M2' },
    reply: { kind: 'speed', motor: 'M2', speedQpps: -1_234, status: 1 },
    bytes: withCrc([0xff, 0xff, 0xfb, 0x2e, 0x01], [0x80, 19, 0xff, 0xff, 0xfb, 0x2e, 0x01]),
  },
  {
    // 24: [Value(2 bytes), CRC(2 bytes)], tenths of a volt: the manual's "300 = 30v".
    name: '24 main battery = 300 (30 V)',
    request: { kind: 'read-main-battery' },
    reply: { kind: 'main-battery', voltageDecivolts: 300 },
    bytes: withCrc([0x01, 0x2c], [0x80, 24, 0x01, 0x2c]),
  },
  {
    name: '21 firmware, the manual example',
    request: { kind: 'read-firmware' },
    reply: { kind: 'firmware', version: FIRMWARE_TEXT },
    bytes: withCrc(FIRMWARE_DATA, [0x80, 21, ...FIRMWARE_DATA]),
  },
  {
    name: '32 acknowledged',
    request: { kind: 'duty', motor: 'M1', duty: 0 },
    reply: { kind: 'ack' },
    bytes: Uint8Array.of(0xff),
  },
  { name: '20 acknowledged', request: { kind: 'reset-encoders' }, reply: { kind: 'ack' }, bytes: Uint8Array.of(0xff) },
];

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Splits `bytes` at the given offsets (any order, out-of-range ones ignored). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...points, bytes.length]) {
    pieces.push(bytes.subarray(from, cut));
    from = cut;
  }
  return pieces;
}

const motorArb = fc.constantFrom<'M1' | 'M2'>('M1', 'M2');
const int16Arb = fc.integer({ min: -32_768, max: 32_767 });
const int32Arb = fc.integer({ min: -2_147_483_648, max: 2_147_483_647 });
const addressArb = fc.integer({ min: 0x80, max: 0x87 });

const requestArb: fc.Arbitrary<RoboclawRequest> = fc.oneof(
  fc.record({ kind: fc.constant('set-serial-timeout' as const), tenthsOfSecond: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('read-encoder' as const), motor: motorArb }),
  fc.record({ kind: fc.constant('read-speed' as const), motor: motorArb }),
  fc.constant({ kind: 'reset-encoders' as const }),
  fc.constant({ kind: 'read-firmware' as const }),
  fc.constant({ kind: 'read-main-battery' as const }),
  fc.record({ kind: fc.constant('duty' as const), motor: motorArb, duty: int16Arb }),
  fc.record({ kind: fc.constant('duty-both' as const), dutyM1: int16Arb, dutyM2: int16Arb }),
  fc.record({ kind: fc.constant('speed' as const), motor: motorArb, speedQpps: int32Arb }),
  fc.record({ kind: fc.constant('speed-both' as const), speedM1Qpps: int32Arb, speedM2Qpps: int32Arb }),
);

const packetArb: fc.Arbitrary<RoboclawPacket> = fc.record({ address: addressArb, request: requestArb });

/** A printable version text that fits the 48-byte reply. */
const versionArb = fc
  .array(fc.integer({ min: 0x20, max: 0x7e }), { minLength: 0, maxLength: 46 })
  .map((codes) => String.fromCharCode(...codes));

/** A request and a valid reply to it. */
const exchangeArb: fc.Arbitrary<{ address: number; request: RoboclawRequest; reply: RoboclawReply }> = fc
  .tuple(
    addressArb,
    requestArb,
    fc.nat({ max: 0xffff_ffff }),
    fc.nat({ max: 0xff }),
    int32Arb,
    fc.nat({ max: 0xffff }),
    versionArb,
  )
  .map(([address, request, count, status, speedQpps, decivolts, version]) => {
    let reply: RoboclawReply;
    switch (request.kind) {
      case 'read-encoder':
        reply = { kind: 'encoder', motor: request.motor, count, status };
        break;
      case 'read-speed':
        reply = { kind: 'speed', motor: request.motor, speedQpps, status };
        break;
      case 'read-main-battery':
        reply = { kind: 'main-battery', voltageDecivolts: decivolts };
        break;
      case 'read-firmware':
        reply = { kind: 'firmware', version };
        break;
      default:
        reply = { kind: 'ack' };
    }
    return { address, request, reply };
  });

describe('crc16Roboclaw', () => {
  it('gives the CRC-16/XMODEM check value 0x31C3 for "123456789", like the manual algorithm', () => {
    const check = Array.from('123456789', (ch) => ch.charCodeAt(0));
    expect(manualCrc16(check)).toBe(0x31c3);
    expect(crc16Roboclaw(Uint8Array.from(check))).toBe(0x31c3);
  });

  it('agrees with the manual algorithm on arbitrary data, and continues from an initial CRC', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
        expect(crc16Roboclaw(a)).toBe(manualCrc16([...a]));
        expect(crc16Roboclaw(b, crc16Roboclaw(a))).toBe(manualCrc16([...a, ...b]));
      }),
    );
  });
});

describe('encodeRoboclawRequest', () => {
  for (const { name, address, request, bytes } of MANUAL_REQUESTS) {
    it(`writes ${name} as the manual lays it out`, () => {
      expect([...encodeRoboclawRequest(address, request)]).toEqual([...bytes]);
    });
  }

  it('gives byte-for-byte literal packets (CRCs worked out by hand with the manual algorithm)', () => {
    // Duty M1 50 % to 0x80: 80 20 40 00, CRC16 = 0x5632.
    expect([...encodeRoboclawRequest(0x80, { kind: 'duty', motor: 'M1', duty: 16_384 })]).toEqual([
      0x80, 0x20, 0x40, 0x00, 0x56, 0x32,
    ]);
    // Reply to "read main battery" from 0x80 with 300 (30.0 V): 01 2C, CRC16 over 80 18 01 2C = 0xE125.
    expect([
      ...encodeRoboclawReply(0x80, { kind: 'read-main-battery' }, { kind: 'main-battery', voltageDecivolts: 300 }),
    ]).toEqual([0x01, 0x2c, 0xe1, 0x25]);
  });

  it('refuses addresses outside 0x80..0x87 and values that do not fit their field', () => {
    expect(() => encodeRoboclawRequest(0x7f, { kind: 'read-firmware' })).toThrow(RangeError);
    expect(() => encodeRoboclawRequest(0x88, { kind: 'read-firmware' })).toThrow(RangeError);
    expect(() => encodeRoboclawRequest(0x80, { kind: 'duty', motor: 'M1', duty: 32_768 })).toThrow(RangeError);
    expect(() => encodeRoboclawRequest(0x80, { kind: 'duty', motor: 'M1', duty: 0.5 })).toThrow(RangeError);
    expect(() => encodeRoboclawRequest(0x80, { kind: 'speed', motor: 'M1', speedQpps: 2 ** 31 })).toThrow(RangeError);
    expect(() => encodeRoboclawRequest(0x80, { kind: 'set-serial-timeout', tenthsOfSecond: 256 })).toThrow(RangeError);
  });
});

describe('dutyToRaw / rawToDuty', () => {
  it('maps ±1 to ±32767 and back, clamps beyond, and reads -32768 as -1', () => {
    expect(dutyToRaw(1)).toBe(32_767);
    expect(dutyToRaw(-1)).toBe(-32_767);
    expect(dutyToRaw(0.5)).toBe(16_384);
    expect(dutyToRaw(2)).toBe(32_767);
    expect(dutyToRaw(Number.NaN)).toBe(0);
    expect(rawToDuty(-32_768)).toBe(-1);
    expect(rawToDuty(16_384)).toBeCloseTo(0.5, 4);
  });
});

describe('RoboclawRequestDecoder', () => {
  it('decodes every manual packet, fed back to back in one chunk', () => {
    const decoder = new RoboclawRequestDecoder();
    const packets = decoder.push(concat(MANUAL_REQUESTS.map((p) => p.bytes)));
    expect(packets).toEqual(MANUAL_REQUESTS.map(({ address, request }) => ({ address, request })));
    expect(decoder.counters()).toEqual({ packets: MANUAL_REQUESTS.length, badCrc: 0, droppedBytes: 0 });
  });

  it('ignores a packet whose CRC is off by one bit, and finds the good one right after it', () => {
    const good = MANUAL_REQUESTS[0]!.bytes;
    const bad = good.slice();
    bad[3]! ^= 0x01;
    const decoder = new RoboclawRequestDecoder();
    expect(decoder.push(concat([bad, good]))).toEqual([
      { address: 0x80, request: { kind: 'duty', motor: 'M1', duty: 16_384 } },
    ]);
    expect(decoder.counters().badCrc).toBe(1);
  });

  it('after reset() (the 10 ms packet timeout) forgets half a packet', () => {
    const decoder = new RoboclawRequestDecoder();
    const good = MANUAL_REQUESTS[0]!.bytes;
    expect(decoder.push(good.subarray(0, 3))).toEqual([]);
    expect(decoder.pendingBytes()).toBe(3);
    decoder.reset();
    expect(decoder.push(good)).toHaveLength(1);
    expect(decoder.counters().droppedBytes).toBe(3);
  });

  it('round-trips any packet', () => {
    fc.assert(
      fc.property(packetArb, (packet) => {
        expect(new RoboclawRequestDecoder().push(encodeRoboclawRequest(packet.address, packet.request))).toEqual([
          packet,
        ]);
      }),
    );
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const decoder = new RoboclawRequestDecoder();
        expect(() => decoder.push(bytes)).not.toThrow();
      }),
    );
  });

  it('resyncs: a valid packet after any garbage is decoded once enough bytes follow it', () => {
    // Packets have no start marker: garbage can open a false frame that reaches past the real
    // packet, and only the bytes after it (here: further packets) show that frame's CRC is wrong.
    // The decoder then slides one byte at a time, so the real packet is found.
    const filler = encodeRoboclawRequest(0x80, { kind: 'duty-both', dutyM1: 0, dutyM2: 0 });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), packetArb, (garbage, packet) => {
        const decoder = new RoboclawRequestDecoder();
        const out = decoder.push(
          concat([garbage, encodeRoboclawRequest(packet.address, packet.request), filler, filler, filler]),
        );
        expect(out).toContainEqual(packet);
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives the same packets however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            packetArb.map((p) => encodeRoboclawRequest(p.address, p.request)),
            fc.uint8Array({ maxLength: 12 }),
          ),
          {
            maxLength: 10,
          },
        ),
        fc.array(fc.nat({ max: 200 }), { maxLength: 20 }),
        (parts, cuts) => {
          const stream = concat(parts);
          const whole = new RoboclawRequestDecoder();
          const pieces = new RoboclawRequestDecoder();
          const expected = whole.push(stream);
          expect(split(stream, cuts).flatMap((piece) => pieces.push(piece))).toEqual(expected);
          expect(pieces.counters()).toEqual(whole.counters());
        },
      ),
    );
  });
});

describe('encodeRoboclawReply', () => {
  for (const { name, request, reply, bytes } of MANUAL_REPLIES) {
    it(`writes ${name} as the manual lays it out`, () => {
      expect([...encodeRoboclawReply(0x80, request, reply)]).toEqual([...bytes]);
    });
  }

  it('refuses a reply that does not answer the request, and a version too long for 48 bytes', () => {
    expect(() =>
      encodeRoboclawReply(0x80, { kind: 'read-main-battery' }, { kind: 'encoder', motor: 'M1', count: 0, status: 0 }),
    ).toThrow(RangeError);
    expect(() =>
      encodeRoboclawReply(0x80, { kind: 'read-firmware' }, { kind: 'firmware', version: 'x'.repeat(47) }),
    ).toThrow(RangeError);
  });
});

describe('RoboclawReplyDecoder', () => {
  for (const { name, request, reply, bytes } of MANUAL_REPLIES) {
    it(`decodes ${name}`, () => {
      const decoder = new RoboclawReplyDecoder();
      decoder.expect(0x80, request);
      expect(decoder.push(bytes)).toEqual([{ ok: true, reply }]);
      expect(decoder.awaiting()).toBe(false);
      expect(decoder.counters()).toEqual({ replies: 1, badCrc: 0, badReplies: 0, droppedBytes: 0 });
    });
  }

  it('checks the CRC against the address that was asked: a reply from 0x80 fails when 0x81 was asked', () => {
    const encoder = MANUAL_REPLIES[0]!;
    const decoder = new RoboclawReplyDecoder();
    decoder.expect(0x81, encoder.request);
    const [result] = decoder.push(encoder.bytes);
    expect(result?.ok).toBe(false);
    expect(decoder.counters().badCrc).toBe(1);
  });

  it('reports a byte other than 0xFF where an acknowledgement was due, once, and drops what follows', () => {
    const decoder = new RoboclawReplyDecoder();
    decoder.expect(0x80, { kind: 'duty', motor: 'M1', duty: 100 });
    const results = decoder.push(Uint8Array.of(0x00, ROBOCLAW_ACK));
    expect(results).toEqual([{ ok: false, reason: expect.stringMatching(/0xFF, got 0x00/) }]);
    expect(decoder.counters()).toMatchObject({ replies: 0, badReplies: 1, droppedBytes: 1 });
  });

  it('gives up on a version text that runs past 48 bytes without its 10, 0 terminator', () => {
    const decoder = new RoboclawReplyDecoder();
    decoder.expect(0x80, { kind: 'read-firmware' });
    const results = decoder.push(new Uint8Array(60).fill(0x41));
    expect(results).toEqual([{ ok: false, reason: expect.stringMatching(/no terminator/) }]);
    expect(decoder.counters()).toMatchObject({ badReplies: 1, droppedBytes: 12 });
  });

  it('drops bytes that come while nothing is expected, and those left when a new request starts', () => {
    const decoder = new RoboclawReplyDecoder();
    expect(decoder.push(Uint8Array.of(1, 2, 3))).toEqual([]);
    decoder.expect(0x80, { kind: 'read-main-battery' });
    decoder.push(Uint8Array.of(0x01));
    decoder.cancel();
    expect(decoder.awaiting()).toBe(false);
    expect(decoder.counters().droppedBytes).toBe(4);
  });

  it('round-trips any reply to any request', () => {
    fc.assert(
      fc.property(exchangeArb, ({ address, request, reply }) => {
        const decoder = new RoboclawReplyDecoder();
        decoder.expect(address, request);
        expect(decoder.push(encodeRoboclawReply(address, request, reply))).toEqual([{ ok: true, reply }]);
      }),
    );
  });

  it('never throws on random bytes, whatever it expects', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.option(fc.tuple(addressArb, requestArb)), (bytes, expected) => {
        const decoder = new RoboclawReplyDecoder();
        if (expected) decoder.expect(expected[0], expected[1]);
        let results: RoboclawReplyResult[] = [];
        expect(() => (results = decoder.push(bytes))).not.toThrow();
        expect(results.length).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('resyncs: after garbage (stray, or taken for a reply), the next request decodes its valid reply', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.option(fc.tuple(addressArb, requestArb)),
        exchangeArb,
        (garbage, garbageTakenFor, { address, request, reply }) => {
          const decoder = new RoboclawReplyDecoder();
          if (garbageTakenFor) decoder.expect(garbageTakenFor[0], garbageTakenFor[1]);
          decoder.push(garbage);
          decoder.expect(address, request);
          expect(decoder.push(encodeRoboclawReply(address, request, reply))).toEqual([{ ok: true, reply }]);
        },
      ),
    );
  });

  it('gives the same results however the bytes after each request are split', () => {
    const segmentArb = fc.tuple(
      exchangeArb,
      fc.uint8Array({ maxLength: 10 }),
      fc.boolean(),
      fc.uint8Array({ maxLength: 10 }),
      fc.array(fc.nat({ max: 80 }), { maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(segmentArb, { maxLength: 6 }), (segments) => {
        const whole = new RoboclawReplyDecoder();
        const pieces = new RoboclawReplyDecoder();
        const fromWhole: RoboclawReplyResult[] = [];
        const fromPieces: RoboclawReplyResult[] = [];
        for (const [{ address, request, reply }, before, garbled, after, cuts] of segments) {
          const encoded = encodeRoboclawReply(address, request, reply);
          const bytes = concat([garbled ? before : new Uint8Array(0), encoded, after]);
          whole.expect(address, request);
          pieces.expect(address, request);
          fromWhole.push(...whole.push(bytes));
          for (const piece of split(bytes, cuts)) fromPieces.push(...pieces.push(piece));
        }
        expect(fromPieces).toEqual(fromWhole);
        expect(pieces.counters()).toEqual(whole.counters());
      }),
    );
  });
});
