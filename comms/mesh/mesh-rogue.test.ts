import fc from 'fast-check';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { MeshRobots, meshNames, ownState, until } from '../../test/harness/mesh-robots.js';
import { listening } from '../../test/harness/private-mosquitto.js';
import { PeerState as WirePeerState } from '../proto/generated/spinal/v1/mesh.generated.js';
import { startEmbeddedBroker } from './embedded-broker.js';
import { encodeClaim, encodePresence, encodeState, type MeshEncoded } from './mesh-payloads.js';
import { meshTopic } from './mesh-topics.js';

const hasSharedMosquitto = await listening('127.0.0.1', 1883);
if (process.env.CI === 'true' && !hasSharedMosquitto) throw new Error('CI=true but Mosquitto is not on 127.0.0.1:1883');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const bytes = (encoded: MeshEncoded): Buffer => {
  if (!encoded.ok) throw new Error(encoded.detail);
  return Buffer.from(encoded.bytes);
};

const backends = [
  {
    name: 'the embedded broker',
    skip: false,
    async url() {
      const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
      cleanups.push(() => broker.close());
      return broker.url;
    },
  },
  {
    name: 'Mosquitto at 127.0.0.1:1883',
    skip: !hasSharedMosquitto,
    url: () => Promise.resolve('mqtt://127.0.0.1:1883'),
  },
];

describe.each(backends)('a rogue client on $name', ({ skip, url }) => {
  it.skipIf(skip)(
    'GIVEN garbage, oversized, out-of-range, forged and replayed messages THEN each is counted under its reason and the peer views stay right',
    async () => {
      const brokerUrl = await url();
      const { fleet, id } = meshNames();
      const robots = new MeshRobots(brokerUrl, fleet);
      cleanups.push(() => robots.close());
      const one = robots.start(id(1));
      const two = robots.start(id(2));
      await until('both ready', () => one.state === 'ready' && two.state === 'ready');
      two.publishState(ownState({ pose: { xM: 3, yM: 4, yawRad: 0 }, missionPriority: 30 }));
      two.publishClaim({ path: [{ xM: 3, yM: 5 }], forMs: 5_000 });
      await until('robot 1 to hear robot 2', () => {
        const peer = one.peers().find((p) => p.id === id(2));
        return !!peer?.state && !!peer.claim;
      });

      const rogue = await mqtt.connectAsync(brokerUrl, { clientId: `rogue-${fleet}`, reconnectPeriod: 0 });
      cleanups.push(() => rogue.endAsync(true));
      const send = (topic: string, payload: Buffer) => rogue.publishAsync(topic, payload, { qos: 1 });
      const state = (atUs: number, xM = 1) =>
        bytes(encodeState({ ...ownState({ pose: { xM, yM: 0, yawRad: 0 } }), atUs }, 4_096));
      const outOfRange = Buffer.from(
        WirePeerState.encode({
          ...WirePeerState.fromPartial({ pose: { xM: 0, yM: 0, yawRad: 0 } }),
          atUs: 1,
          velocity: { vMps: 55, wRadps: 0 },
        }).finish(),
      );

      // Garbage, oversized and out of range under a third robot's id.
      await send(meshTopic(fleet, id(3), 'state'), Buffer.from([0xff, 0xff, 0xff, 0x01]));
      await send(meshTopic(fleet, id(3), 'hazards'), Buffer.alloc(5_000, 7));
      await send(meshTopic(fleet, id(3), 'state'), outOfRange);
      // Malformed topics.
      await send(`spinal/v1/${fleet}/Robot_3/state`, state(1));
      await send(`spinal/v1/${fleet}/${id(3)}/telemetry`, state(1));
      // Forged: robot 1's own id, as seen by robot 1.
      await send(meshTopic(fleet, id(1), 'state'), state(Date.now() * 1_000 + 1e9, 66));
      await send(
        meshTopic(fleet, id(1), 'presence'),
        bytes(encodePresence({ online: false, bootId: 'x', version: '' }, 4_096)),
      );
      // Replayed under robot 2's id: an old state, a claim sequence already used.
      await send(meshTopic(fleet, id(2), 'state'), state(1, 99));
      await send(
        meshTopic(fleet, id(2), 'claims'),
        bytes(encodeClaim({ claimSeq: 1, path: [{ xM: 99, yM: 99 }], fromUs: 0, untilUs: 10 }, 4_096)),
      );
      const expected = { undecodable: 1, oversized: 1, 'out-of-range': 1, 'bad-topic': 2, forged: 2, replayed: 2 };
      const accounted = () => {
        const s = one.status();
        return s.accepted + Object.values(s.dropped).reduce((a, b) => a + b, 0) + s.ownEchoes;
      };
      await until('the rogue’s messages counted at robot 1', () => {
        const { dropped } = one.status();
        return Object.entries(expected).every(([reason, n]) => dropped[reason as keyof typeof dropped] >= n);
      });
      expect(one.status().dropped).toMatchObject({ ...expected, 'missing-field': 0, 'unknown-kind': 0, duplicate: 0 });
      expect(one.status().received).toBe(accounted());

      // Then a flood of random bytes on every kind of a fourth robot's topics: every one accounted for.
      const flood = fc.sample(
        fc.tuple(fc.constantFrom('state', 'presence', 'hazards', 'claims' as const), fc.uint8Array({ maxLength: 300 })),
        300,
      );
      const before = one.status().received;
      for (const [kind, payload] of flood)
        rogue.publish(meshTopic(fleet, id(4), kind), Buffer.from(payload), { qos: 0 });
      await send(meshTopic(fleet, id(4), 'claims'), Buffer.from([0xff]));
      await until('the flood counted at robot 1', () => one.status().received >= before + flood.length + 1);
      expect(one.status().received).toBe(accounted());

      // The views stay right: robot 2 as it said it was, robot 3 unknown, robot 1 never among its own peers.
      const peers = one.peers();
      expect(peers.map((p) => p.id)).not.toContain(id(1));
      expect(peers.map((p) => p.id)).not.toContain(id(3));
      expect(peers.find((p) => p.id === id(2))).toMatchObject({
        online: true,
        state: { pose: { xM: 3, yM: 4 }, missionPriority: 30 },
        claim: { claimSeq: 1, path: [{ xM: 3, yM: 5 }] },
      });
      // And the link carries on: robot 2's next state arrives.
      expect(one.state).toBe('ready');
      two.publishState(ownState({ pose: { xM: 8, yM: 4, yawRad: 0 } }));
      await until('robot 2’s next state', () => one.peers().find((p) => p.id === id(2))?.state?.pose.xM === 8);
    },
  );
});
