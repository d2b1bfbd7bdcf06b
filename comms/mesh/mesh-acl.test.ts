import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshRobots, ownState, until } from '../../test/harness/mesh-robots.js';
import { mosquittoInstalled, PrivateMosquitto } from '../../test/harness/private-mosquitto.js';
import { encodeState } from './mesh-payloads.js';
import { meshTopic } from './mesh-topics.js';

const hasMosquitto = mosquittoInstalled();
if (process.env.CI === 'true' && !hasMosquitto) {
  throw new Error('CI=true but /usr/sbin/mosquitto and mosquitto_passwd are not installed');
}

/** The ACL as docs/mesh.md gives it: the test proves the documented one, not a copy. */
function documentedAcl(): string {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'mesh.md'), 'utf8');
  const block = [...doc.matchAll(/```conf\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('pattern write'));
  if (!block) throw new Error('docs/mesh.md has no ACL block');
  return block;
}

const FLEET = 'acl-fleet';
const PASSWORDS = { 'robot-1': 'pw-one', 'robot-2': 'pw-two' };

describe.skipIf(!hasMosquitto)('the documented Mosquitto ACL', () => {
  let broker: PrivateMosquitto;
  beforeAll(async () => {
    broker = await PrivateMosquitto.start({ users: PASSWORDS, acl: documentedAcl() });
  });
  afterAll(() => broker?.close());

  const payload = (xM: number): Buffer => {
    const encoded = encodeState({ ...ownState({ pose: { xM, yM: 0, yawRad: 0 } }), atUs: Date.now() * 1_000 }, 4_096);
    if (!encoded.ok) throw new Error(encoded.detail);
    return Buffer.from(encoded.bytes);
  };

  it('refuses robot 2’s publishes under robot 1’s id, and lets its own through', async () => {
    const watcher = await mqtt.connectAsync(broker.url, {
      protocolVersion: 5,
      clientId: 'robot-1-watch',
      username: 'robot-1',
      password: PASSWORDS['robot-1'],
      reconnectPeriod: 0,
    });
    const heard: string[] = [];
    watcher.on('message', (topic) => heard.push(topic));
    await watcher.subscribeAsync(`spinal/v1/${FLEET}/+/+`, { qos: 1 });
    const rogue = await mqtt.connectAsync(broker.url, {
      protocolVersion: 5,
      clientId: 'robot-2',
      username: 'robot-2',
      password: PASSWORDS['robot-2'],
      reconnectPeriod: 0,
    });
    try {
      const other = meshTopic(FLEET, 'robot-1', 'state');
      const own = meshTopic(FLEET, 'robot-2', 'state');
      // QoS 1 under another's id: PUBACK with 0x87, Not authorized (MQTT 5.0 §3.4.2.1).
      await expect(rogue.publishAsync(other, payload(1), { qos: 1 })).rejects.toMatchObject({ code: 0x87 });
      await expect(
        rogue.publishAsync(meshTopic(FLEET, 'robot-1', 'presence'), payload(1), { qos: 1, retain: true }),
      ).rejects.toMatchObject({ code: 0x87 });
      // QoS 0 under another's id: no answer, and it never arrives.
      await rogue.publishAsync(other, payload(2), { qos: 0 });
      // Its own topics go through; the one sent last arriving means the ones before it had their chance.
      await rogue.publishAsync(own, payload(3), { qos: 1 });
      await until('robot 2’s own state at the watcher', () => heard.includes(own));
      expect(heard).toEqual([own]);
    } finally {
      await Promise.all([rogue.endAsync(), watcher.endAsync()]);
    }
  });

  it('lets mesh links with their passwords see each other, and keeps one without a password out', async () => {
    const robots = new MeshRobots(broker.url, FLEET);
    try {
      const one = robots.start('robot-1', { overrides: { 'mesh.password': PASSWORDS['robot-1'] } });
      const two = robots.start('robot-2', { overrides: { 'mesh.password': PASSWORDS['robot-2'] } });
      const intruder = robots.start('robot-3');
      await until('both links ready', () => one.state === 'ready' && two.state === 'ready');
      two.publishState(ownState({ pose: { xM: 7, yM: 0, yawRad: 0 } }));
      one.publishState(ownState());
      await until(
        'each to see the other',
        () =>
          one.peers().some((p) => p.id === 'robot-2' && p.state?.pose.xM === 7) &&
          two.peers().some((p) => p.id === 'robot-1' && p.state !== null),
      );
      await until(
        'the intruder refused',
        () => intruder.status().lastError !== null && intruder.status().connects === 0,
      );
      expect(intruder.state).not.toBe('ready');
      expect(intruder.status().lastError).toMatch(/[Nn]ot authorized|Bad User Name or Password/);
    } finally {
      await robots.close();
    }
  });
});
