import { afterEach, describe, expect, it } from 'vitest';
import { MeshRobots, meshNames, ownState, until } from '../../test/harness/mesh-robots.js';
import { listening, mosquittoInstalled, PrivateMosquitto } from '../../test/harness/private-mosquitto.js';
import { freePort } from '../../test/harness/private-mosquitto.js';
import { VirtualClock } from '../../time/virtual-clock.js';
import { startEmbeddedBroker } from './embedded-broker.js';
import { MeshLink } from './mesh-link.js';

const CI = process.env.CI === 'true';
const hasSharedMosquitto = await listening('127.0.0.1', 1883);
if (CI && !hasSharedMosquitto) throw new Error('CI=true but Mosquitto is not on 127.0.0.1:1883');
const hasMosquittoBinary = mosquittoInstalled();
if (CI && !hasMosquittoBinary)
  throw new Error('CI=true but /usr/sbin/mosquitto (and mosquitto_passwd) are not installed');

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A broker the links meet on; `restart` closes it and starts it again on the same port (null: cannot). */
interface TestBroker {
  url: string;
  restart: ((downMs: number) => Promise<void>) | null;
}

const backends: Array<{
  name: string;
  skip: boolean;
  /** What the link ends up speaking: aedes knows MQTT 3.1.1 only. */
  protocol: 'mqtt-5' | 'mqtt-3.1.1';
  /** Whether the test may stop and start it (not the shared one). */
  restartable: boolean;
  start(): Promise<TestBroker>;
}> = [
  {
    name: 'the embedded broker',
    skip: false,
    protocol: 'mqtt-3.1.1',
    restartable: true,
    async start() {
      let broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
      cleanups.push(() => broker.close());
      return {
        url: broker.url,
        restart: async (downMs) => {
          await broker.close();
          await new Promise((resolve) => setTimeout(resolve, downMs));
          broker = await startEmbeddedBroker({ host: '127.0.0.1', port: broker.port });
        },
      };
    },
  },
  {
    name: 'Mosquitto at 127.0.0.1:1883',
    skip: !hasSharedMosquitto,
    protocol: 'mqtt-5',
    restartable: false,
    start: () => Promise.resolve({ url: 'mqtt://127.0.0.1:1883', restart: null }),
  },
  {
    name: 'a Mosquitto of its own',
    skip: !hasMosquittoBinary,
    protocol: 'mqtt-5',
    restartable: true,
    async start() {
      const broker = await PrivateMosquitto.start();
      cleanups.push(() => broker.close());
      return {
        url: broker.url,
        restart: async (downMs) => {
          await broker.stop();
          await new Promise((resolve) => setTimeout(resolve, downMs));
          await broker.run();
        },
      };
    },
  },
];

function fleetOn(url: string): { robots: MeshRobots; id(n: number): string } {
  const names = meshNames();
  const robots = new MeshRobots(url, names.fleet);
  cleanups.push(() => robots.close());
  return { robots, id: names.id };
}

const ready = (...links: MeshLink[]) =>
  until('the links to be ready', () => links.every((link) => link.state === 'ready'));

describe.each(backends)('mesh links through $name', ({ start, skip, protocol }) => {
  it.skipIf(skip)(
    'GIVEN two robots WHEN each publishes THEN each sees the other’s state, claim and hazard',
    async () => {
      const broker = await start();
      const { robots, id } = fleetOn(broker.url);
      const one = robots.start(id(1));
      const two = robots.start(id(2));
      await ready(one, two);
      const seenByOne: string[] = [];
      one.onPeers((peers) => seenByOne.push(...peers.map((p) => p.id)));

      expect(one.publishState(ownState({ missionPriority: 70, carryingPayload: true }))).toEqual({ sent: true });
      expect(two.publishState(ownState({ pose: { xM: 5, yM: 6, yawRad: 1 } }))).toEqual({ sent: true });
      expect(two.publishClaim({ path: [{ xM: 5, yM: 7 }], forMs: 2_000 })).toEqual({ sent: true });
      expect(two.publishHazard({ kind: 'blocked-aisle', position: { xM: 9, yM: 9 }, radiusM: 1.5 })).toEqual({
        sent: true,
      });

      await until('robot 1 to see robot 2’s state, claim and hazard', () => {
        const peer = one.peers().find((p) => p.id === id(2));
        return !!peer?.state && !!peer.claim && one.hazards().length === 1;
      });
      await until('robot 2 to see robot 1', () => !!two.peers().find((p) => p.id === id(1))?.state);

      const peerTwo = one.peers().find((p) => p.id === id(2));
      expect(peerTwo).toMatchObject({ online: true, stale: false, state: { robotId: id(2), pose: { xM: 5, yM: 6 } } });
      expect(peerTwo?.claim).toMatchObject({ robotId: id(2), claimSeq: 1, path: [{ xM: 5, yM: 7 }] });
      expect(peerTwo!.claim!.untilUs - peerTwo!.claim!.fromUs).toBe(2_000_000);
      expect(one.hazards()[0]).toMatchObject({ robotId: id(2), kind: 'blocked-aisle', radiusM: 1.5 });
      expect(two.peers().find((p) => p.id === id(1))?.state).toMatchObject({
        missionPriority: 70,
        carryingPayload: true,
      });
      expect(seenByOne).toContain(id(2));

      // Neither saw itself, nor counted its own messages coming back as forged.
      expect(one.peers().map((p) => p.id)).not.toContain(id(1));
      expect(one.status().dropped.forged).toBe(0);
      expect(two.status().dropped.forged).toBe(0);
      // MQTT 3.1.1 has no No Local: the broker sends a robot's own messages back, and they are recognised.
      if (protocol === 'mqtt-3.1.1') expect(two.status().ownEchoes).toBeGreaterThan(0);
      expect(one.status()).toMatchObject({
        state: 'ready',
        broker: broker.url,
        protocol,
        connects: 1,
        refusedTransitions: 0,
      });
      expect(two.status().sent).toMatchObject({ state: 1, claims: 1, hazards: 1, presence: 1 });

      // A second claim goes with the next sequence number.
      two.publishClaim({ path: [], forMs: 500 });
      await until('the second claim', () => one.peers().find((p) => p.id === id(2))?.claim?.claimSeq === 2);
    },
  );

  it.skipIf(skip)('marks a robot offline by its last will when its connection dies', async () => {
    const broker = await start();
    const { robots, id } = fleetOn(broker.url);
    const one = robots.start(id(1));
    // Robot 2 waits long before it reconnects, so the will is seen before it comes back.
    const two = robots.start(id(2), { backoff: { initialMs: 3_000, maxMs: 3_000 } });
    await ready(one, two);
    await until('robot 1 to see robot 2 online', () => one.peers().find((p) => p.id === id(2))?.online === true);
    const socket = (two as unknown as { client: { stream: { destroy(): void } } }).client.stream;
    socket.destroy();
    await until('robot 1 to see robot 2 offline', () => one.peers().find((p) => p.id === id(2))?.online === false);
    expect(two.state).toBe('transient-failure');
  });

  it.skipIf(skip)('says it is not ready, and sends nothing, before it is connected', async () => {
    const broker = await start();
    const { robots, id } = fleetOn(broker.url);
    const two = robots.start(id(2));
    await ready(two);
    const one = robots.start(id(1));
    expect(one.publishState(ownState())).toEqual({ sent: false, reason: 'not-ready' });
    expect(one.publishClaim({ path: [], forMs: 1_000 })).toEqual({ sent: false, reason: 'not-ready' });
    // A hazard waits for the connection.
    expect(one.publishHazard({ kind: 'obstacle', position: { xM: 1, yM: 1 }, radiusM: 0.2 })).toEqual({
      sent: false,
      reason: 'held-until-ready',
    });
    await ready(one);
    await until('the held hazard at robot 2', () => two.hazards().some((h) => h.robotId === id(1)));
    expect(one.status().sent.hazards).toBe(1);
    expect(one.publishState(ownState({ vMps: 50 }))).toMatchObject({ sent: false, reason: 'out-of-range' });
    expect(one.status().notSent).toMatchObject({ state: 2, claims: 1 });
  });
});

// The shared Mosquitto is not the tests' to stop and start.
describe.each(backends.filter((b) => b.restartable))('mesh links through $name, restarted', ({ start, skip }) => {
  it.skipIf(skip)(
    'GIVEN the broker goes away WHEN it comes back on the same port THEN the links reconnect with backoff and hear each other again',
    async () => {
      const broker = await start();
      if (!broker.restart) throw new Error('this broker cannot be restarted');
      const { robots, id } = fleetOn(broker.url);
      const one = robots.start(id(1));
      const two = robots.start(id(2));
      await ready(one, two);
      const transitions: Array<{ to: string; atMs: number }> = [];
      one.onStateChange((to) => transitions.push({ to, atMs: performance.now() }));

      await broker.restart(700);
      await ready(one, two);
      await until('robot 2’s presence after the restart', () => one.peers().some((p) => p.id === id(2)));
      // Subscriptions were made afresh: a state sent now arrives.
      two.publishState(ownState({ pose: { xM: 42, yM: 0, yawRad: 0 } }));
      await until(
        'robot 2’s state after the restart',
        () => one.peers().find((p) => p.id === id(2))?.state?.pose.xM === 42,
      );

      expect(transitions[0]?.to).toBe('transient-failure');
      expect(transitions.at(-1)?.to).toBe('ready');
      const attempts = transitions.filter((t) => t.to === 'connecting');
      expect(attempts.length).toBeGreaterThanOrEqual(2);
      // Waits between attempts: each one a backoff delay (100 ms, then x1.6, +/- 20 %).
      const fails = transitions.filter((t) => t.to === 'transient-failure');
      expect(attempts[0]!.atMs - fails[0]!.atMs).toBeGreaterThanOrEqual(70);
      expect(one.status().connects).toBeGreaterThanOrEqual(2);
      expect(one.status().refusedTransitions).toBe(0);
    },
  );
});

describe('a mesh link on a virtual clock', () => {
  it('waits out its backoff on the clock it is given, and its claim keeps its window’s length at a peer on another clock', async () => {
    const clock = new VirtualClock(5_000_000);
    const port = await freePort();
    const { robots, id } = fleetOn(`mqtt://127.0.0.1:${port}`);
    const link = robots.start(id(1), { clock, backoff: { initialMs: 1_000, maxMs: 1_000 } });
    const transitions: string[] = [];
    link.onStateChange((to) => transitions.push(to));
    await until('the first attempt to fail', () => link.state === 'transient-failure');
    const broker = await startEmbeddedBroker({ host: '127.0.0.1', port });
    cleanups.push(() => broker.close());
    // Real time passes, virtual time does not: no new attempt.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(link.state).toBe('transient-failure');
    expect(transitions).toEqual(['transient-failure']);
    clock.advanceBy(1_200_000);
    await until('the link to be ready', () => link.state === 'ready');

    const peer = robots.start(id(2));
    await until('the peer ready', () => peer.state === 'ready');
    clock.advanceBy(1_000_000);
    link.publishClaim({ path: [], forMs: 1_000 });
    // The peer sees the window's length, whatever the sender's clock says.
    await until('the claim at the peer', () => peer.peers().some((p) => p.id === id(1) && p.claim !== null));
    const claim = peer.peers().find((p) => p.id === id(1))!.claim!;
    expect(claim.untilUs - claim.fromUs).toBe(1_000_000);
  });

  it('tells its listeners when a peer goes stale, by the clock it is given', async () => {
    const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => broker.close());
    const clock = new VirtualClock(1_000_000);
    const { robots, id } = fleetOn(broker.url);
    const observer = robots.start(id(1), { clock });
    const peer = robots.start(id(2));
    const seen: boolean[] = [];
    observer.onPeers((peers) => {
      const view = peers.find((p) => p.id === id(2));
      if (view) seen.push(view.stale);
    });
    // The first attempt (MQTT 5) is refused by the embedded broker; the 3.1.1 one follows at once.
    await until('both ready', () => observer.state === 'ready' && peer.state === 'ready');
    peer.publishState(ownState());
    await until('the peer’s state', () => observer.peers().some((p) => p.id === id(2) && p.state !== null));
    expect(seen.at(-1)).toBe(false);
    clock.advanceBy(900_000);
    expect(observer.peers().find((p) => p.id === id(2))).toMatchObject({ stale: false, ageMs: 900 });
    clock.advanceBy(400_000);
    expect(seen.at(-1)).toBe(true);
    expect(observer.status().peers).toEqual([expect.objectContaining({ id: id(2), stale: true, ageMs: 1_300 })]);
  });

  it('shows its broker without the credentials in its URL, and starts idle', () => {
    const names = meshNames();
    const robots = new MeshRobots('mqtt://robot:secret@127.0.0.1:1', names.fleet);
    const link = new MeshLink(robots.settings(names.id(1)), {
      clock: new VirtualClock(),
      bootId: 'b',
      version: 'v',
      brokerUrl: 'mqtt://robot:secret@127.0.0.1:1',
    });
    expect(link.status()).toMatchObject({ state: 'idle', broker: 'mqtt://127.0.0.1:1', connects: 0, lastError: null });
    expect(
      () => new MeshLink(robots.settings(names.id(1)), { clock: new VirtualClock(), bootId: 'b', version: 'v' }),
    ).toThrow('is not mqtt:// nor mqtts://');
    void link.close();
  });
});
