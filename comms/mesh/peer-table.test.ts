import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeClaim,
  encodeHazard,
  encodePresence,
  encodeState,
  type MeshEncoded,
  type SentClaim,
  type SentHazard,
  type SentState,
} from './mesh-payloads.js';
import { meshTopic, type MeshTopicKind } from './mesh-topics.js';
import { PeerTable } from './peer-table.js';

const FLEET = 'test-fleet';
const MAX = 4_096;
const ms = (value: number): number => value * 1_000;

function bytes(encoded: MeshEncoded): Uint8Array {
  if (!encoded.ok) throw new Error(encoded.detail);
  return encoded.bytes;
}
const topic = (robotId: string, kind: MeshTopicKind): string => meshTopic(FLEET, robotId, kind);
const state = (atUs: number, change: Partial<SentState> = {}): Uint8Array =>
  bytes(
    encodeState(
      {
        atUs,
        pose: { xM: 1, yM: 2, yawRad: 0 },
        vMps: 0.5,
        wRadps: 0,
        pathPreview: [{ xM: 2, yM: 2 }],
        footprintRadiusM: 0.3,
        missionPriority: 10,
        carryingPayload: false,
        safetyStopped: false,
        ...change,
      },
      MAX,
    ),
  );
const claim = (claimSeq: number, fromUs = 5_000_000_000, lengthUs = 2_000_000): Uint8Array =>
  bytes(
    encodeClaim({ claimSeq, path: [{ xM: 3, yM: 3 }], fromUs, untilUs: fromUs + lengthUs } satisfies SentClaim, MAX),
  );
const hazard = (detectedAtUs: number, ttlMs = 30_000, xM = 4): Uint8Array =>
  bytes(
    encodeHazard(
      { kind: 'blocked-aisle', position: { xM, yM: 0 }, radiusM: 1, detectedAtUs, ttlMs } satisfies SentHazard,
      MAX,
    ),
  );
const presence = (bootId: string, online = true): Uint8Array =>
  bytes(encodePresence({ online, bootId, version: '0.1.0' }, MAX));

function table(): PeerTable {
  return new PeerTable({ ownId: 'robot-1', fleet: FLEET, peerStaleMs: 1_000, maxPayloadBytes: MAX });
}

describe('the peer table', () => {
  it('GIVEN a peer’s presence and state WHEN read THEN it shows the state timed on this robot’s clock', () => {
    const peers = table();
    expect(peers.receive(topic('robot-2', 'presence'), presence('boot-a'), ms(100))).toEqual({
      accepted: true,
      peerId: 'robot-2',
      kind: 'presence',
    });
    // The peer's clock is far ahead of ours: its times are not ours.
    peers.receive(topic('robot-2', 'state'), state(9_000_000_000, { missionPriority: 42 }), ms(150));
    const [view] = peers.peers(ms(400));
    expect(view).toMatchObject({ id: 'robot-2', online: true, bootId: 'boot-a', ageMs: 250, stale: false });
    expect(view?.state).toMatchObject({ robotId: 'robot-2', atUs: ms(150), missionPriority: 42, vMps: 0.5 });
    expect(peers.peers(ms(1_151))[0]?.stale).toBe(true);
    expect(peers.peers(ms(1_150))[0]?.stale).toBe(false);
  });

  it('starts a claim when it arrives, keeping its length, and hides it once over', () => {
    const peers = table();
    peers.receive(topic('robot-2', 'claims'), claim(1, 123_456_789, 2_000_000), ms(1_000));
    expect(peers.peer('robot-2', ms(1_000))?.claim).toEqual({
      robotId: 'robot-2',
      claimSeq: 1,
      path: [{ xM: 3, yM: 3 }],
      fromUs: ms(1_000),
      untilUs: ms(3_000),
    });
    expect(peers.peer('robot-2', ms(3_000))?.claim).not.toBeNull();
    expect(peers.peer('robot-2', ms(3_001))?.claim).toBeNull();
  });

  it('holds a hazard for its ttl after it arrived, and drops the same one delivered twice', () => {
    const peers = table();
    peers.receive(topic('robot-2', 'hazards'), hazard(777, 5_000), ms(10));
    expect(peers.receive(topic('robot-2', 'hazards'), hazard(777, 5_000), ms(20))).toMatchObject({
      accepted: false,
      reason: 'duplicate',
    });
    peers.receive(topic('robot-3', 'hazards'), hazard(1, 1_000, 9), ms(10));
    expect(peers.hazards(ms(500))).toEqual([
      {
        robotId: 'robot-2',
        kind: 'blocked-aisle',
        position: { xM: 4, yM: 0 },
        radiusM: 1,
        detectedAtUs: ms(10),
        expiresAtUs: ms(5_010),
      },
      {
        robotId: 'robot-3',
        kind: 'blocked-aisle',
        position: { xM: 9, yM: 0 },
        radiusM: 1,
        detectedAtUs: ms(10),
        expiresAtUs: ms(1_010),
      },
    ]);
    expect(peers.hazards(ms(1_010)).map((h) => h.robotId)).toEqual(['robot-2']);
    expect(peers.hazards(ms(5_010))).toEqual([]);
  });

  it('drops what claims this robot’s own id as forged', () => {
    const peers = table();
    for (const [kind, payload] of [
      ['state', state(1)],
      ['claims', claim(1)],
      ['hazards', hazard(1)],
      ['presence', presence('x')],
    ] as const) {
      expect(peers.receive(topic('robot-1', kind), payload, ms(1))).toMatchObject({
        accepted: false,
        reason: 'forged',
      });
    }
    expect(peers.drops().forged).toBe(4);
    expect(peers.peers(ms(1))).toEqual([]);
  });

  it('drops a replayed state, claim or hazard of the same boot, and takes them afresh after a new boot', () => {
    const peers = table();
    peers.receive(topic('robot-2', 'presence'), presence('boot-a'), ms(1));
    expect(peers.receive(topic('robot-2', 'state'), state(1_000), ms(2)).accepted).toBe(true);
    expect(peers.receive(topic('robot-2', 'state'), state(1_000), ms(3))).toMatchObject({ reason: 'replayed' });
    expect(peers.receive(topic('robot-2', 'state'), state(999, { missionPriority: 99 }), ms(3))).toMatchObject({
      reason: 'replayed',
    });
    expect(peers.peer('robot-2', ms(3))?.state?.missionPriority).toBe(10);
    expect(peers.receive(topic('robot-2', 'claims'), claim(5), ms(4)).accepted).toBe(true);
    expect(peers.receive(topic('robot-2', 'claims'), claim(5), ms(5))).toMatchObject({ reason: 'replayed' });
    expect(peers.receive(topic('robot-2', 'claims'), claim(4), ms(5))).toMatchObject({ reason: 'replayed' });
    expect(peers.receive(topic('robot-2', 'hazards'), hazard(500), ms(5)).accepted).toBe(true);
    expect(peers.receive(topic('robot-2', 'hazards'), hazard(499, 30_000, 7), ms(5))).toMatchObject({
      reason: 'replayed',
    });
    expect(peers.drops()).toMatchObject({ replayed: 5 });

    // It restarts: a new boot id, and its clock and sequence begin again.
    peers.receive(topic('robot-2', 'presence'), presence('boot-b'), ms(6));
    expect(peers.peer('robot-2', ms(6))).toMatchObject({ bootId: 'boot-b', claim: null });
    expect(peers.receive(topic('robot-2', 'state'), state(10), ms(7)).accepted).toBe(true);
    expect(peers.receive(topic('robot-2', 'claims'), claim(1), ms(7)).accepted).toBe(true);
    // The old boot's presence played back does not reopen the old boot's sequence.
    expect(peers.receive(topic('robot-2', 'presence'), presence('boot-a'), ms(8))).toMatchObject({
      reason: 'replayed',
    });
    expect(peers.peer('robot-2', ms(8))?.bootId).toBe('boot-b');
  });

  it('marks a peer offline on its last will and forgets its claim', () => {
    const peers = table();
    peers.receive(topic('robot-2', 'presence'), presence('boot-a'), ms(1));
    peers.receive(topic('robot-2', 'claims'), claim(1), ms(2));
    peers.receive(topic('robot-2', 'presence'), presence('boot-a', false), ms(3));
    expect(peers.peer('robot-2', ms(3))).toMatchObject({ online: false, claim: null, bootId: 'boot-a' });
  });

  it('drops malformed topics, bad payloads and an endless stream of new ids, counting each', () => {
    const peers = new PeerTable({
      ownId: 'robot-1',
      fleet: FLEET,
      peerStaleMs: 1_000,
      maxPayloadBytes: 256,
      maxPeers: 2,
    });
    expect(peers.receive('spinal/v1/test-fleet/Robot_2/state', state(1), 0)).toMatchObject({ reason: 'bad-topic' });
    expect(peers.receive('spinal/v1/other-fleet/robot-2/state', state(1), 0)).toMatchObject({ reason: 'bad-topic' });
    expect(peers.receive(topic('robot-2', 'state'), new Uint8Array(300), 0)).toMatchObject({ reason: 'oversized' });
    expect(peers.receive(topic('robot-2', 'state'), new Uint8Array([0xff, 0xff]), 0)).toMatchObject({
      reason: 'undecodable',
    });
    expect(peers.receive(topic('robot-2', 'state'), new Uint8Array(), 0)).toMatchObject({ reason: 'missing-field' });
    expect(peers.receive(topic('robot-2', 'claims'), claim(1), 0).accepted).toBe(true);
    expect(peers.receive(topic('robot-3', 'claims'), claim(1), 0).accepted).toBe(true);
    expect(peers.receive(topic('robot-4', 'claims'), claim(1), 0)).toMatchObject({ reason: 'too-many-peers' });
    expect(peers.drops()).toMatchObject({
      'bad-topic': 2,
      oversized: 1,
      undecodable: 1,
      'missing-field': 1,
      'too-many-peers': 1,
      forged: 0,
    });
    expect(peers.accepted()).toBe(2);
    expect(peers.peers(0).map((p) => p.id)).toEqual(['robot-2', 'robot-3']);
  });

  it('forgets a peer gone for long, and keeps one heard from lately', () => {
    const peers = new PeerTable({
      ownId: 'robot-1',
      fleet: FLEET,
      peerStaleMs: 1_000,
      maxPayloadBytes: MAX,
      forgetAfterMs: 60_000,
    });
    peers.receive(topic('robot-2', 'state'), state(1), ms(0));
    peers.receive(topic('robot-3', 'state'), state(1), ms(30_000));
    expect(peers.prune(ms(60_000))).toEqual([]);
    expect(peers.prune(ms(60_001))).toEqual(['robot-2']);
    expect(peers.peers(ms(60_001)).map((p) => p.id)).toEqual(['robot-3']);
  });

  it('never throws on any topic and payload, and counts every message once', () => {
    const kinds = fc.constantFrom('state', 'presence', 'hazards', 'claims', 'x');
    const ids = fc.constantFrom('robot-1', 'robot-2', 'robot-3', 'BAD', '');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(ids, kinds, fc.uint8Array({ maxLength: 80 }), fc.nat(1_000_000)), { maxLength: 40 }),
        (messages) => {
          const peers = table();
          for (const [id, kind, payload, at] of messages)
            peers.receive(`spinal/v1/${FLEET}/${id}/${kind}`, payload, at);
          const dropped = Object.values(peers.drops()).reduce((a, b) => a + b, 0);
          expect(dropped + peers.accepted()).toBe(messages.length);
          peers.peers(0);
          peers.hazards(0);
        },
      ),
    );
  });
});
