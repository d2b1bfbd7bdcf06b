import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeersMessage } from '../messages/cortex-comms-protocol.js';
import { meshSettingsFromParams, type MeshSettings } from './mesh/mesh-settings.js';
import { MeshRelay, type MeshRelayFailure } from './mesh-relay.js';
import { meshNames, ownState } from '../test/harness/mesh-robots.js';
import { paramsWith, type ParamOverrides } from '../test/harness/test-params.js';
import { MonotonicClock } from '../time/monotonic-clock.js';

const running: MeshRelay[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((relay) => relay.close()));
});

function settings(robotId: string, overrides: ParamOverrides): MeshSettings {
  return meshSettingsFromParams(paramsWith(overrides), robotId)!;
}

async function start(robotId: string, overrides: ParamOverrides, heard: PeersMessage[] = []): Promise<MeshRelay> {
  const started = await MeshRelay.start(settings(robotId, overrides), {
    clock: new MonotonicClock(),
    bootId: `boot-${robotId}`,
    version: 'test',
    cortex: { postMessage: (message) => heard.push(message) },
  });
  if (!(started instanceof MeshRelay)) throw new Error(started.reason);
  running.push(started);
  return started;
}

async function until(what: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the comms thread’s mesh relay', () => {
  it(
    'GIVEN no broker named THEN the first robot runs the embedded broker, a second robot meets it there, and each ' +
      'hears of the other in its peers (to the cortex) and in its status',
    async () => {
      const names = meshNames();
      const heardByTwo: PeersMessage[] = [];
      const one = await start(names.id(1), { 'mesh.fleet': names.fleet, 'mesh.listen': '127.0.0.1:0' });
      const url = one.status().embeddedBroker!;
      expect(url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
      const two = await start(names.id(2), { 'mesh.fleet': names.fleet, 'mesh.broker': url }, heardByTwo);
      expect(two.status().embeddedBroker).toBeNull();
      await until(() => one.status().state === 'ready' && two.status().state === 'ready');

      const claim = {
        path: [
          { xM: 1, yM: 2 },
          { xM: 3, yM: 2 },
        ],
        forMs: 2_000,
      };
      await until(() => {
        one.publish(ownState(), claim);
        return heardByTwo.some((m) => m.peers.some((p) => p.id === names.id(1) && p.claim !== null));
      });
      const last = heardByTwo.at(-1)!;
      const peer = last.peers.find((p) => p.id === names.id(1))!;
      expect(peer.state).toMatchObject({ pose: { xM: 1, yM: 2 }, missionPriority: 20 });
      expect(peer.claim!.path).toEqual(claim.path);
      expect(two.status().peers.map((p) => p.id)).toContain(names.id(1));
    },
    30_000,
  );

  it('GIVEN the embedded broker’s address taken THEN the relay does not start and says why', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const started = await MeshRelay.start(settings('robot-1', { 'mesh.listen': `127.0.0.1:${port}` }), {
        clock: new MonotonicClock(),
        bootId: 'boot',
        version: 'test',
        cortex: null,
      });
      expect(started).toMatchObject({ state: 'failed' } satisfies Partial<MeshRelayFailure>);
      expect((started as MeshRelayFailure).reason).toContain(`127.0.0.1:${port}`);
    } finally {
      blocker.close();
    }
  });
});
