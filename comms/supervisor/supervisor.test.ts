import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { paramsWith } from '../../test/harness/test-params.js';
import { Ledger } from '../ledger/ledger.js';
import { ledgerSettingsFromParams } from '../ledger/ledger-settings.js';
import { UplinkAcks } from '../ledger/uplink-acks.js';
import type { SupervisorCommand } from '../proto-adapters/supervisor-frame.js';
import { UplinkLink } from '../uplink/uplink-link.js';
import { openSupervisorStore } from './open-store.js';
import { SupervisorServer } from './supervisor-server.js';

const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
const dir = mkdtempSync(join(tmpdir(), 'spinal-supervisor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** True when something accepts connections on 127.0.0.1:5432. */
async function postgresListening(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 5432 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const hasPostgres = await postgresListening();
if (process.env.CI === 'true' && !hasPostgres) throw new Error('CI=true but PostgreSQL is not on 127.0.0.1:5432');

function robot(robotId: string, target: string) {
  const ledger = Ledger.open(ledgerSettingsFromParams(paramsWith(), ':memory:'), 'boot-1');
  const commands: Array<Exclude<SupervisorCommand, { kind: 'event-ack' }>> = [];
  const link = new UplinkLink(
    {
      target,
      tls: 'none',
      caFile: '',
      certFile: '',
      keyFile: '',
      token: '',
      telemetryHz: 10,
      keepaliveMs: 500,
      keepaliveTimeoutMs: 500,
    },
    {
      ledger,
      acks: new UplinkAcks(ledger.db),
      identity: () => ({ robotId, board: 'sim-diffdrive', version: '0.1.0', capabilities: [] }),
      telemetry: () => ({
        atUs: 1,
        pose: undefined,
        velocity: undefined,
        battery: undefined,
        mode: 1,
        mission: undefined,
        reflex: undefined,
        devices: [],
      }),
      command: (command) => {
        commands.push(command);
        return Promise.resolve({ accepted: true, reason: '' });
      },
    },
  );
  cleanups.push(
    () => link.stop(),
    () => ledger.close(),
  );
  const write = (from: number, to: number): void => {
    for (let i = from; i <= to; i++) {
      ledger.append([{ body: { kind: 'mission', mission: 'goto', state: `s${i}` }, atUs: i }]);
    }
    link.committed();
  };
  return { link, write, commands };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const stores = [
  { name: 'SQLite', url: () => `sqlite:${join(dir, `${randomUUID()}.db`)}`, skip: false },
  { name: 'PostgreSQL', url: () => POSTGRES_URL, skip: !hasPostgres },
];

describe.each(stores)('the reference supervisor on $name', ({ url, skip }) => {
  it.skipIf(skip)(
    'stores batches committed together once per (robot, boot, sequence), and counts each new event for the first batch that carried it',
    async () => {
      const store = openSupervisorStore(url())!;
      await store.init();
      cleanups.push(() => store.close());
      const key = fc.record({
        robot: fc.constantFrom('a', 'b'),
        boot: fc.constantFrom('boot-1', 'boot-2'),
        seq: fc.integer({ min: 1, max: 6 }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(key, { maxLength: 8 }), { maxLength: 5 }), async (batches) => {
          const run = randomUUID();
          const toStore = batches.map((batch) =>
            batch.map((k) => ({
              robotId: `${run}-${k.robot}`,
              bootId: k.boot,
              seq: k.seq,
              atUs: k.seq,
              wallMs: 0,
              kind: 'mission',
              payload: '{}',
            })),
          );
          const added = await store.insertEvents(toStore);
          const seen = new Set<string>();
          const expected = toStore.map((batch) => {
            let n = 0;
            for (const e of batch) {
              const id = `${e.robotId}/${e.bootId}/${e.seq}`;
              if (!seen.has(id)) n += 1;
              seen.add(id);
            }
            return n;
          });
          expect(added).toEqual(expected);
          const held = [...(await store.events(`${run}-a`)), ...(await store.events(`${run}-b`))];
          expect(held.map((e) => `${e.robotId}/${e.bootId}/${e.seq}`).sort()).toEqual([...seen].sort());
          // The same batches again: nothing new.
          expect(await store.insertEvents(toStore)).toEqual(toStore.map(() => 0));
        }),
        { numRuns: 25 },
      );
    },
    40_000,
  );

  it.skipIf(skip)(
    'stores every event exactly once and in order across its own restart, assigns the planned mission and sends an e-stop',
    async () => {
      const storeUrl = url();
      const robotId = `robot-${randomUUID()}`;
      const store = openSupervisorStore(storeUrl)!;
      await store.init();
      const mission = { kind: 'goto' as const, goal: { xM: 2, yM: 1 }, toleranceM: 0.2 };
      const supervisor = new SupervisorServer(store, [{ robotId, missionId: 'm-1', mission }]);
      const port = await supervisor.listen('127.0.0.1:0');
      const r = robot(robotId, `127.0.0.1:${port}`);
      r.write(1, 200);
      r.link.start();
      await until(async () => (await store.lastSeq(robotId)) === 200);
      await until(() => r.commands.length >= 1);
      expect(r.commands[0]).toMatchObject({ kind: 'mission', missionId: 'm-1', mission });
      expect(supervisor.command(robotId, 'estop', 'fleet stop')).not.toBeNull();
      await until(() => r.commands.length >= 2);
      expect(r.commands[1]).toMatchObject({ kind: 'estop', reason: 'fleet stop' });

      // WHEN the supervisor is stopped while the robot keeps writing, then restarted on the same store
      await supervisor.stop();
      await store.close();
      r.write(201, 300);
      await until(() => r.link.state !== 'ready');
      const store2 = openSupervisorStore(storeUrl)!;
      await store2.init();
      const again = new SupervisorServer(store2);
      await again.listen(`127.0.0.1:${port}`);
      cleanups.push(
        () => again.stop(),
        () => store2.close(),
      );
      r.write(301, 320);
      // THEN every event is there exactly once, in order
      await until(async () => (await store2.lastSeq(robotId)) === 320, 20_000);
      const events = await store2.events(robotId);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 320 }, (_, i) => i + 1));
      expect(events.every((e) => e.bootId === 'boot-1')).toBe(true);
      expect(again.robots().find((v) => v.robotId === robotId)).toMatchObject({ outOfOrder: 0, link: 'up' });
      await until(() => r.link.stats().backlog === 0);
    },
    40_000,
  );
});
