import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Hazard as WireHazard,
  PeerState as WirePeerState,
  Presence as WirePresence,
  RightOfWayClaim as WireClaim,
} from '../proto/generated/spinal/v1/mesh.generated.js';
import {
  decodeClaim,
  decodeHazard,
  decodePresence,
  decodeState,
  encodeClaim,
  encodeHazard,
  encodePresence,
  encodeState,
  MESH_PAYLOAD_LIMITS,
  type MeshEncoded,
  type SentClaim,
  type SentHazard,
  type SentPresence,
  type SentState,
} from './mesh-payloads.js';

const MAX = 1_048_576;
const noNegZero = (v: number): number => (v === 0 ? 0 : v);
const coordinate = fc.double({ min: -100_000, max: 100_000, noNaN: true }).map(noNegZero);
const point = fc.record({ xM: coordinate, yM: coordinate });
const speed = fc.double({ min: -10, max: 10, noNaN: true }).map(noNegZero);
const radius = fc.double({ min: 0, max: 10, noNaN: true }).map(noNegZero);
const time = fc.integer({ min: -(2 ** 52), max: 2 ** 52 });

const sentState: fc.Arbitrary<SentState> = fc.record({
  atUs: time,
  pose: fc.record({
    xM: coordinate,
    yM: coordinate,
    yawRad: fc.double({ noNaN: true, noDefaultInfinity: true }).map(noNegZero),
  }),
  vMps: speed,
  wRadps: speed,
  pathPreview: fc.array(point, { maxLength: 200 }),
  footprintRadiusM: radius,
  missionPriority: fc.integer({ min: 0, max: 100 }),
  carryingPayload: fc.boolean(),
  safetyStopped: fc.boolean(),
});
const sentClaim: fc.Arbitrary<SentClaim> = fc
  .record({
    claimSeq: fc.maxSafeNat(),
    path: fc.array(point, { maxLength: 200 }),
    fromUs: fc.integer({ min: -(2 ** 52), max: 2 ** 52 }),
    lengthUs: fc.integer({ min: 0, max: 60_000_000 }),
  })
  .map(({ lengthUs, ...claim }) => ({ ...claim, untilUs: claim.fromUs + lengthUs }));
const sentHazard: fc.Arbitrary<SentHazard> = fc.record({
  kind: fc.constantFrom('blocked-aisle' as const, 'obstacle' as const),
  position: point,
  radiusM: radius,
  detectedAtUs: time,
  ttlMs: fc.integer({ min: 1, max: 3_600_000 }),
});
const sentPresence: fc.Arbitrary<SentPresence> = fc.record({
  online: fc.boolean(),
  bootId: fc.string({ minLength: 1, maxLength: 64 }),
  version: fc.string({ maxLength: 64 }),
});

function bytesOf(encoded: MeshEncoded): Uint8Array {
  if (!encoded.ok) throw new Error(`refused: ${encoded.reason} ${encoded.detail}`);
  return encoded.bytes;
}

const state: SentState = {
  atUs: 1_000_000,
  pose: { xM: 1, yM: 2, yawRad: 0.5 },
  vMps: 0.4,
  wRadps: 0.1,
  pathPreview: [{ xM: 1.5, yM: 2 }],
  footprintRadiusM: 0.3,
  missionPriority: 50,
  carryingPayload: true,
  safetyStopped: false,
};
const claim: SentClaim = { claimSeq: 3, path: [{ xM: 1, yM: 1 }], fromUs: 10, untilUs: 2_000_010 };
const hazard: SentHazard = {
  kind: 'obstacle',
  position: { xM: 3, yM: 4 },
  radiusM: 0.5,
  detectedAtUs: 7,
  ttlMs: 30_000,
};

describe('mesh payloads', () => {
  it('round-trips every well-formed message', () => {
    fc.assert(
      fc.property(sentState, (s) => {
        expect(decodeState(bytesOf(encodeState(s, MAX)), MAX)).toEqual({ ok: true, value: s });
      }),
    );
    fc.assert(
      fc.property(sentClaim, (c) => {
        expect(decodeClaim(bytesOf(encodeClaim(c, MAX)), MAX)).toEqual({ ok: true, value: c });
      }),
    );
    fc.assert(
      fc.property(sentHazard, (h) => {
        expect(decodeHazard(bytesOf(encodeHazard(h, MAX)), MAX)).toEqual({ ok: true, value: h });
      }),
    );
    fc.assert(
      fc.property(sentPresence, (p) => {
        expect(decodePresence(bytesOf(encodePresence(p, MAX)), MAX)).toEqual({ ok: true, value: p });
      }),
    );
  });

  it('never throws on random bytes, and refuses them with a known reason when it does not read them', () => {
    const reasons = new Set(['oversized', 'undecodable', 'missing-field', 'unknown-kind', 'out-of-range']);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        for (const decode of [decodeState, decodeClaim, decodeHazard, decodePresence]) {
          const read = decode(bytes, 512);
          if (!read.ok) expect(reasons).toContain(read.reason);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses a payload over the size limit unread', () => {
    const bytes = bytesOf(encodeState({ ...state, pathPreview: Array(100).fill({ xM: 1.25, yM: 2.5 }) }, MAX));
    expect(decodeState(bytes, bytes.length)).toMatchObject({ ok: true });
    expect(decodeState(bytes, bytes.length - 1)).toMatchObject({ ok: false, reason: 'oversized' });
    expect(encodeState({ ...state, pathPreview: Array(100).fill({ xM: 1.25, yM: 2.5 }) }, 256)).toMatchObject({
      ok: false,
      reason: 'oversized',
    });
  });

  it('refuses truncated bytes and integers beyond 2^53 as undecodable', () => {
    const bytes = bytesOf(encodeState(state, MAX));
    expect(decodeState(bytes.subarray(0, bytes.length - 3), MAX)).toMatchObject({ ok: false, reason: 'undecodable' });
    const huge = WirePeerState.encode({ ...WirePeerState.fromPartial({ pose: state.pose }) }).finish();
    // at_us (field 1, varint) = 2^60: more than a number holds exactly.
    const withHugeTime = new Uint8Array([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, ...huge]);
    expect(decodeState(withHugeTime, MAX)).toMatchObject({ ok: false, reason: 'undecodable' });
  });

  it('refuses a state without a pose, and a hazard of an unknown kind', () => {
    expect(decodeState(new Uint8Array(), MAX)).toMatchObject({ ok: false, reason: 'missing-field', detail: 'pose' });
    const unknownKind = bytesOf(encodeHazard(hazard, MAX)).slice();
    expect(unknownKind[0]).toBe(0x08); // field 1 (kind), varint
    unknownKind[1] = 9;
    expect(decodeHazard(unknownKind, MAX)).toMatchObject({ ok: false, reason: 'unknown-kind' });
  });

  it.each<[string, Partial<SentState>]>([
    ['x beyond 100 km', { pose: { xM: 100_001, yM: 0, yawRad: 0 } }],
    ['a NaN y', { pose: { xM: 0, yM: Number.NaN, yawRad: 0 } }],
    ['an infinite yaw', { pose: { xM: 0, yM: 0, yawRad: Number.POSITIVE_INFINITY } }],
    ['a speed over 10 m/s', { vMps: 10.5 }],
    ['a turn rate over 10 rad/s', { wRadps: -11 }],
    ['201 preview points', { pathPreview: Array(201).fill({ xM: 0, yM: 0 }) }],
    ['a preview point beyond 100 km', { pathPreview: [{ xM: 0, yM: -100_000.5 }] }],
    ['a footprint over 10 m', { footprintRadiusM: 10.01 }],
    ['a negative footprint', { footprintRadiusM: -0.1 }],
    ['priority 101', { missionPriority: 101 }],
    ['priority -1', { missionPriority: -1 }],
  ])('refuses a state with %s as out of range, sent or received', (_, change) => {
    const bad = { ...state, ...change };
    expect(encodeState(bad, MAX)).toMatchObject({ ok: false, reason: 'out-of-range' });
    // The same message written by a sender that does not check: the receiver refuses it too.
    const raw = WirePeerState.encode({
      atUs: bad.atUs,
      pose: bad.pose,
      velocity: { vMps: bad.vMps, wRadps: bad.wRadps },
      pathPreview: bad.pathPreview,
      missionPriority: bad.missionPriority,
      carryingPayload: false,
      safetyStopped: false,
      footprintRadiusM: bad.footprintRadiusM,
    }).finish();
    expect(decodeState(raw, MAX)).toMatchObject({ ok: false, reason: 'out-of-range' });
  });

  it.each<[string, Partial<SentClaim>]>([
    ['a window that ends before it starts', { fromUs: 100, untilUs: 99 }],
    ['a window over 60 s', { fromUs: 0, untilUs: MESH_PAYLOAD_LIMITS.claimWindowUs + 1 }],
    ['201 points', { path: Array(201).fill({ xM: 0, yM: 0 }) }],
  ])('refuses a claim with %s', (_, change) => {
    expect(encodeClaim({ ...claim, ...change }, MAX)).toMatchObject({ ok: false, reason: 'out-of-range' });
  });

  it('accepts the edges of the limits', () => {
    expect(encodeClaim({ ...claim, fromUs: 0, untilUs: 60_000_000 }, MAX).ok).toBe(true);
    expect(encodeClaim({ ...claim, fromUs: 5, untilUs: 5 }, MAX).ok).toBe(true);
    expect(encodeHazard({ ...hazard, ttlMs: 3_600_000, radiusM: 10 }, MAX).ok).toBe(true);
    expect(encodeState({ ...state, vMps: -10, pose: { xM: -100_000, yM: 100_000, yawRad: 0 } }, MAX).ok).toBe(true);
  });

  it.each<[string, Partial<SentHazard>]>([
    ['a ttl over 1 h', { ttlMs: 3_600_001 }],
    ['a ttl of 0', { ttlMs: 0 }],
    ['a radius over 10 m', { radiusM: 12 }],
    ['a position beyond 100 km', { position: { xM: 1e6, yM: 0 } }],
  ])('refuses a hazard with %s', (_, change) => {
    expect(encodeHazard({ ...hazard, ...change }, MAX)).toMatchObject({ ok: false, reason: 'out-of-range' });
  });

  it('refuses a presence without a boot id or with an endless one', () => {
    expect(encodePresence({ online: true, bootId: '', version: '1' }, MAX)).toMatchObject({ reason: 'out-of-range' });
    expect(encodePresence({ online: true, bootId: 'b'.repeat(65), version: '1' }, MAX)).toMatchObject({
      reason: 'out-of-range',
    });
  });

  it('writes every field of every mesh message: a field added to mesh.proto without its mapping fails here', () => {
    const fieldsSet = (
      codec: { decode(b: Uint8Array): object; fromPartial(o: object): object },
      samples: Uint8Array[],
    ) => {
      const all = Object.keys(codec.fromPartial({})).filter((key) => key !== '$type');
      const set = new Set<string>();
      for (const bytes of samples) {
        const wire = codec.decode(bytes) as Record<string, unknown>;
        for (const key of all) {
          const value = wire[key];
          if (
            value !== undefined &&
            value !== 0 &&
            value !== '' &&
            value !== false &&
            !(Array.isArray(value) && value.length === 0)
          ) {
            set.add(key);
          }
        }
      }
      return { all: all.sort(), set: [...set].sort() };
    };
    const check = <T>(
      codec: Parameters<typeof fieldsSet>[0],
      arbitrary: fc.Arbitrary<T>,
      encode: (v: T) => MeshEncoded,
    ) => {
      const { all, set } = fieldsSet(
        codec,
        fc.sample(arbitrary, 200).map((v) => bytesOf(encode(v))),
      );
      expect(set).toEqual(all);
    };
    check(WirePeerState, sentState, (v) => encodeState(v, MAX));
    check(WireClaim, sentClaim, (v) => encodeClaim(v, MAX));
    check(WireHazard, sentHazard, (v) => encodeHazard(v, MAX));
    check(WirePresence, sentPresence, (v) => encodePresence(v, MAX));
  });
});
