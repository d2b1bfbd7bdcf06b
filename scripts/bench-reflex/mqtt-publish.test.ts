import { describe, expect, it } from 'vitest';
import { decodePuback, decodePublish, encodePuback, encodePublish } from './mqtt-publish.js';

/**
 * OASIS MQTT Version 5.0, §3.3.2.3 figure "PUBLISH packet Variable Header non normative
 * example": topic "a/b", packet identifier 10, no properties; here with QoS 1 and payload "hi".
 */
const SPEC_PUBLISH = Uint8Array.of(
  0x32, // PUBLISH, QoS 1 (§3.3.1)
  0x0a, // remaining length 10
  0x00,
  0x03,
  0x61,
  0x2f,
  0x62, // topic "a/b"
  0x00,
  0x0a, // packet identifier 10
  0x00, // property length 0
  0x68,
  0x69, // payload "hi"
);

describe('MQTT 5 PUBLISH', () => {
  it('encodes the specification example', () => {
    const bytes = encodePublish({ topic: 'a/b', packetId: 10, payload: new TextEncoder().encode('hi') });
    expect(Array.from(bytes)).toEqual(Array.from(SPEC_PUBLISH));
  });

  it('decodes the specification example', () => {
    const packet = decodePublish(SPEC_PUBLISH);
    expect(packet?.topic).toBe('a/b');
    expect(packet?.packetId).toBe(10);
    expect(new TextDecoder().decode(packet?.payload)).toBe('hi');
  });

  it('writes a remaining length over 127 in two bytes, least significant group first (§1.5.5)', () => {
    // 2 + 3 (topic) + 2 (id) + 1 (properties) + 313 (payload) = 321 = 0x41 + 2 × 128
    const bytes = encodePublish({ topic: 'a/b', packetId: 1, payload: new Uint8Array(313) });
    expect(Array.from(bytes.subarray(0, 3))).toEqual([0x32, 0xc1, 0x02]);
    expect(decodePublish(bytes)?.payload.length).toBe(313);
  });

  it('gives null for malformed packets instead of throwing', () => {
    expect(decodePublish(SPEC_PUBLISH.subarray(0, 8))).toBeNull();
    expect(decodePublish(Uint8Array.of(0x30, ...SPEC_PUBLISH.subarray(1)))).toBeNull();
    const zeroId = Uint8Array.from(SPEC_PUBLISH);
    zeroId[8] = 0;
    expect(decodePublish(zeroId)).toBeNull();
    expect(decodePublish(Uint8Array.of(0x32, 0xff, 0xff, 0xff, 0xff))).toBeNull();
    expect(decodePublish(new Uint8Array(0))).toBeNull();
  });

  it('refuses packet id 0', () => {
    expect(() => encodePublish({ topic: 'a', packetId: 0, payload: new Uint8Array(0) })).toThrow(RangeError);
  });
});

describe('MQTT 5 PUBACK', () => {
  it('is four bytes when the reason is Success and there are no properties (§3.4.2.1)', () => {
    expect(Array.from(encodePuback(10))).toEqual([0x40, 0x02, 0x00, 0x0a]);
    expect(decodePuback(encodePuback(0x1234))).toBe(0x1234);
  });

  it('gives null for anything else', () => {
    expect(decodePuback(SPEC_PUBLISH)).toBeNull();
    expect(decodePuback(Uint8Array.of(0x40, 0x02, 0x00))).toBeNull();
  });
});
