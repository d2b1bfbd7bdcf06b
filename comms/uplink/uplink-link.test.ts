import { afterEach, describe, expect, it } from 'vitest';
import { RawSupervisor } from '../../test/harness/raw-supervisor.js';
import { SilentProxy } from '../../test/harness/silent-proxy.js';
import { paramsWith } from '../../test/harness/test-params.js';
import { Ledger } from '../ledger/ledger.js';
import { ledgerSettingsFromParams } from '../ledger/ledger-settings.js';
import { UplinkAcks } from '../ledger/uplink-acks.js';
import { SupervisorFrame } from '../proto/generated/spinal/v1/uplink.generated.js';
import type { SupervisorCommand } from '../proto-adapters/supervisor-frame.js';
import { REPLAY_PAGE, UplinkLink } from './uplink-link.js';
import type { UplinkSettings } from './uplink-settings.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function robot(target: string) {
  const ledger = Ledger.open(ledgerSettingsFromParams(paramsWith(), ':memory:'), 'boot-1');
  const commands: Array<Exclude<SupervisorCommand, { kind: 'event-ack' }>> = [];
  const settings: UplinkSettings = {
    target,
    tls: 'none',
    caFile: '',
    certFile: '',
    keyFile: '',
    token: 'secret-token',
    telemetryHz: 20,
    keepaliveMs: 500,
    keepaliveTimeoutMs: 500,
  };
  const link = new UplinkLink(settings, {
    ledger,
    acks: new UplinkAcks(ledger.db),
    identity: () => ({ robotId: 'robot-1', board: 'sim-diffdrive', version: '0.1.0', capabilities: ['goto'] }),
    telemetry: () => null,
    command: (command) => {
      commands.push(command);
      return Promise.resolve({ accepted: true, reason: '' });
    },
  });
  cleanups.push(
    () => link.stop(),
    () => ledger.close(),
  );
  const write = (from: number, to: number): void => {
    for (let i = from; i <= to; i++)
      ledger.append([{ body: { kind: 'mission', mission: 'goto', state: `s${i}` }, atUs: i }]);
    link.committed();
  };
  return { ledger, link, write, commands };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('UplinkLink', () => {
  it('says hello, replays from what the supervisor holds, goes live, and after a supervisor restart sends every event once, in order', async () => {
    let holds = 10;
    const supervisor = new RawSupervisor(() => holds);
    const port = await supervisor.listen();
    cleanups.push(() => supervisor.stop());
    const r = robot(`127.0.0.1:${port}`);
    r.write(1, 50);
    r.link.start();
    await supervisor.until(() => supervisor.eventSeqs().length >= 40);
    const hello = supervisor.frames[0]?.frame;
    expect(hello?.$case === 'hello' && hello.value).toMatchObject({
      robotId: 'robot-1',
      bootId: 'boot-1',
      lastAckedSeq: 0,
    });
    expect(supervisor.metadata[0]?.get('authorization')).toEqual(['Bearer secret-token']);
    expect(supervisor.eventSeqs()).toEqual(range(11, 50));
    r.write(51, 55);
    await supervisor.until(() => supervisor.eventSeqs().length >= 45);
    expect(supervisor.eventSeqs()).toEqual(range(11, 55));
    supervisor.send({ frame: { $case: 'eventAck', value: { seq: 55 } } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.link.stats()).toMatchObject({ state: 'ready', ackedSeq: 55, backlog: 0 });

    // WHEN the supervisor goes away while the robot keeps writing
    await supervisor.stop();
    r.write(56, 70);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.link.state).not.toBe('ready');
    expect(r.link.stats().backlog).toBe(15);
    // THEN once it is back (holding what it acked) the rest arrives exactly once, in order
    holds = 55;
    const again = new RawSupervisor(() => holds);
    await again.listen(port);
    cleanups.push(() => again.stop());
    await again.until(() => again.eventSeqs().length >= 15, 15_000);
    const hello2 = again.frames[0]?.frame;
    expect(hello2?.$case === 'hello' && hello2.value.lastAckedSeq).toBe(55);
    expect(again.eventSeqs()).toEqual(range(56, 70));
  }, 30_000);

  it('replays a backlog of several pages, with events committed while it runs, once each and in order across the page boundaries', async () => {
    const holds = REPLAY_PAGE - 1;
    const supervisor = new RawSupervisor(() => holds);
    const port = await supervisor.listen();
    cleanups.push(() => supervisor.stop());
    const r = robot(`127.0.0.1:${port}`);
    const backlog = 2 * REPLAY_PAGE + 3;
    r.ledger.append(
      Array.from({ length: backlog }, (_, i) => ({
        body: { kind: 'mission' as const, mission: 'goto', state: `s${i + 1}` },
        atUs: i + 1,
      })),
    );
    r.link.start();
    // WHEN more events are committed while the first pages are still on their way
    await supervisor.until(() => supervisor.eventSeqs().length >= 1);
    r.write(backlog + 1, backlog + 50);
    const last = backlog + 50;
    await supervisor.until(() => supervisor.eventSeqs().includes(last), 20_000);
    // THEN the supervisor got everything after what it held, once, in order
    expect(supervisor.eventSeqs()).toEqual(range(holds + 1, last));
  }, 30_000);

  it('refuses garbage, a mission with NaN and a truncated frame with a reason, carries out an e-stop, and keeps the link', async () => {
    const supervisor = new RawSupervisor(() => 0);
    const port = await supervisor.listen();
    cleanups.push(() => supervisor.stop());
    const r = robot(`127.0.0.1:${port}`);
    r.link.start();
    await supervisor.until((frames) => frames.some((f) => f.frame?.$case === 'hello'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    supervisor.sendBytes(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    supervisor.send({
      frame: {
        $case: 'mission',
        value: {
          commandId: 7,
          missionId: 'm-7',
          mission: {
            kind: { $case: 'goto', value: { goal: { xM: Number.NaN, yM: 1 }, toleranceM: 0.2, heading: undefined } },
          },
          priorityGiven: undefined,
        },
      },
    });
    supervisor.sendBytes(
      Buffer.from(
        SupervisorFrame.encode({
          frame: {
            $case: 'mission',
            value: { commandId: 8, missionId: 'm-8', mission: undefined, priorityGiven: undefined },
          },
        })
          .finish()
          .subarray(0, 3),
      ),
    );
    supervisor.send({ frame: { $case: 'estop', value: { commandId: 9, reason: 'fleet stop' } } });
    await supervisor.until((frames) => frames.filter((f) => f.frame?.$case === 'commandAck').length >= 4);
    const acks = supervisor.frames.flatMap((f) => (f.frame?.$case === 'commandAck' ? [f.frame.value] : []));
    expect(acks[0]).toMatchObject({ accepted: false, reason: expect.stringContaining('malformed protobuf') });
    expect(acks[1]).toMatchObject({ commandId: 7, accepted: false, reason: expect.stringContaining('NaN') });
    expect(acks[2]).toMatchObject({ accepted: false });
    expect(acks[3]).toMatchObject({ commandId: 9, accepted: true });
    expect(r.commands).toEqual([{ kind: 'estop', commandId: 9, reason: 'fleet stop' }]);
    expect(r.link.stats()).toMatchObject({ state: 'ready', framesRejected: 3, connects: 1 });
  }, 20_000);

  it('notices a link that drops packets silently by its keepalive, reconnects, and sends what was written meanwhile once', async () => {
    const supervisor: RawSupervisor = new RawSupervisor((): number => Math.max(0, ...supervisor.eventSeqs()));
    const port = await supervisor.listen();
    const proxy = new SilentProxy(port);
    const proxyPort = await proxy.listen();
    cleanups.push(
      () => supervisor.stop(),
      () => proxy.close(),
    );
    const r = robot(`127.0.0.1:${proxyPort}`);
    r.write(1, 10);
    r.link.start();
    await supervisor.until(() => supervisor.eventSeqs().length >= 10);
    // WHEN the proxy starts swallowing every byte, without closing anything
    proxy.cut();
    const cutAt = Date.now();
    r.write(11, 20);
    while (r.link.state === 'ready' && Date.now() - cutAt < 10_000)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const noticedMs = Date.now() - cutAt;
    // THEN the keepalive (500 ms + 500 ms here) notices within seconds
    expect(r.link.state).not.toBe('ready');
    expect(noticedMs).toBeLessThan(5_000);
    proxy.restore();
    await supervisor.until(() => supervisor.eventSeqs().includes(20), 15_000);
    const seqs = supervisor.eventSeqs();
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual(range(1, 20));
  }, 30_000);

  it('GIVEN a 100 MB frame from the supervisor THEN the robot refuses it as too large, reconnects, and every event still arrives once, in order', async () => {
    const supervisor: RawSupervisor = new RawSupervisor((): number => Math.max(0, ...supervisor.eventSeqs()));
    const port = await supervisor.listen();
    cleanups.push(() => supervisor.stop());
    const r = robot(`127.0.0.1:${port}`);
    const failures: string[] = [];
    r.link.onStateChange((to, _from, why) => {
      if (to === 'transient-failure') failures.push(why);
    });
    r.write(1, 10);
    r.link.start();
    await supervisor.until(() => supervisor.eventSeqs().length >= 10);
    supervisor.sendBytes(Buffer.alloc(100 * 1024 * 1024, 0x0a));
    r.write(11, 20);
    await supervisor.until(() => supervisor.eventSeqs().includes(20), 20_000);
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(failures[0]).toMatch(/larger than max/i);
    expect(r.commands).toEqual([]);
    expect(r.link.stats()).toMatchObject({ state: 'ready' });
    const seqs = supervisor.eventSeqs();
    // The replay after the reconnect starts from the supervisor's last ack: nothing twice, nothing missing.
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(range(1, 20));
  }, 40_000);
});
