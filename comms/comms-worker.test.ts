import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { RuntimeStatus } from '../messages/runtime-status.js';
import { VirtualClock } from '../time/virtual-clock.js';
import type { CommsToMain, MainToComms } from './comms-thread-protocol.js';
import type { RuntimeEvent } from '../messages/runtime-event.js';
import { paramsWith } from '../test/harness/test-params.js';
import { runCommsWorker } from './comms-worker.js';
import { debugPortSettingsFromParams } from './debug-port/debug-port-settings.js';
import { ledgerSettingsFromParams } from './ledger/ledger-settings.js';

/** The debug port as users run it, but on a free port the system picks. */
const ANY_PORT = debugPortSettingsFromParams(paramsWith({ 'debug.listen': '127.0.0.1:0' }));

/** A snapshot as the main thread publishes it: a simulated robot idle at the origin with one lidar. */
function sampleStatus(): RuntimeStatus {
  return {
    robotId: 'r1',
    board: 'sim',
    mode: 'sim',
    clockS: 3,
    uptimeS: 3,
    pose: { xM: 0, yM: 0, yawRad: 0 },
    speed: { vMps: 0, wRadps: 0 },
    mission: { kind: 'goto', state: 'idle' },
    nearestObstacleM: 2.4,
    reflex: { state: 'clear', rule: '', reason: '', lastTrip: null, trips: 0 },
    loop: { rateHz: 100, ticks: 300, lastDurationUs: 75, maxDurationUs: 500, latenessP99Us: 800, deadlineMisses: 0 },
    priority: { nice: 0, raised: false, source: 'default' },
    devices: [
      {
        id: 'lidar0',
        compatible: 'ldrobot,ld06',
        kind: 'lidar',
        health: { state: 'ok', reason: '', sinceUs: 100_000 },
        counters: { frames: 300 },
      },
    ],
  };
}

/** Stands in for `parentPort`: the test sends with `send`, and reads what the worker posted. */
class FakePort extends EventEmitter {
  readonly posted: CommsToMain[] = [];
  private waiters: Array<() => void> = [];

  postMessage(message: CommsToMain): void {
    this.posted.push(message);
    for (const wake of this.waiters.splice(0)) wake();
  }

  send(message: MainToComms | unknown): void {
    this.emit('message', message);
  }

  async next<T extends CommsToMain['t']>(t: T): Promise<Extract<CommsToMain, { t: T }>> {
    for (;;) {
      const found = this.posted.find((m) => m.t === t);
      if (found) return found as Extract<CommsToMain, { t: T }>;
      await new Promise<void>((wake) => this.waiters.push(wake));
    }
  }
}

describe('runCommsWorker', () => {
  it('serves the debug port from the messages the main thread posts, and stops on shutdown', async () => {
    const port = new FakePort();
    const clock = new VirtualClock();
    runCommsWorker(port, ANY_PORT, clock);
    const { address } = await port.next('listening');
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const url = (path: string) => `http://${address}${path}`;

    expect((await fetch(url('/readyz'))).status).toBe(503);
    port.send({ t: 'status', status: sampleStatus() });
    port.send({ t: 'ready', ready: true, reason: '' });
    expect((await fetch(url('/readyz'))).status).toBe(200);

    port.send({ t: 'status', status: { nonsense: true } });
    port.send('garbage');
    port.send({ t: 'launch-rockets' });
    clock.advanceBy(3_000_000);
    const status = await (await fetch(url('/api/v1/status'))).json();
    expect(status).toMatchObject({ robotId: 'r1', nearestObstacleM: 2.4, statusAgeMs: 3_000, stale: true });

    port.send({ t: 'shutdown' });
    await port.next('stopped');
    expect(port.listenerCount('message')).toBe(0);
    expect(port.posted.map((m) => m.t)).toEqual(['listening', 'stopped']);
    await expect(fetch(url('/healthz'))).rejects.toThrow();
  });

  it('serves telemetry, metrics, the web page and the log stream from what the main thread posts', async () => {
    const port = new FakePort();
    runCommsWorker(port, ANY_PORT, new VirtualClock());
    const { address } = await port.next('listening');
    const url = (path: string) => `http://${address}${path}`;
    port.send({ t: 'status', status: sampleStatus() });

    expect(await (await fetch(url('/api/v1/telemetry'))).json()).toMatchObject({ nearestObstacleM: 2.4, stale: false });
    const metrics = await fetch(url('/metrics'));
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await metrics.text();
    expect(text).toContain('spinal_device_counter_total{device="lidar0",counter="frames"} 300\n');
    expect(text).toContain('spinal_http_requests_total{route="/api/v1/telemetry",status="200"} 1\n');
    expect((await fetch(url('/'))).headers.get('content-type')).toBe('text/html; charset=utf-8');

    const logs = await fetch(url('/api/v1/logs'));
    expect(logs.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = logs.body!.pipeThrough(new TextDecoderStream()).getReader();
    port.send({ t: 'record', id: 7, body: { kind: 'mission', mission: 'goto', state: 'active' }, atUs: 3_000_000 });
    const committed = await port.next('committed');
    expect(committed.committed).toEqual([{ id: 7, seq: 1 }]);
    let received = '';
    while (!received.includes('event: log')) received += (await reader.read()).value ?? '';
    expect(received).toContain('id: 1\nevent: log\ndata: {');
    expect(received).toContain('"seq":1,');
    const page = (await (await fetch(url('/api/v1/events?since=0'))).json()) as { events: RuntimeEvent[] };
    expect(page.events.map((e) => [e.seq, e.kind, e.atUs])).toEqual([[1, 'mission', 3_000_000]]);

    port.send({ t: 'shutdown' });
    await port.next('stopped');
    for (;;) if ((await reader.read()).done) break;
  });

  it('posts listen-failed naming the address and the parameter when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const taken = `127.0.0.1:${(blocker.address() as AddressInfo).port}`;
    try {
      const port = new FakePort();
      runCommsWorker(
        port,
        debugPortSettingsFromParams(paramsWith({ 'debug.listen': taken, 'debug.token': 't' })),
        new VirtualClock(),
      );
      const failed = await port.next('listen-failed');
      expect(failed).toEqual({
        t: 'listen-failed',
        code: 'EADDRINUSE',
        message: `${taken} is in use by another process; set debug.listen (SPINAL_DEBUG_LISTEN) to another port`,
      });
      port.send({ t: 'shutdown' });
      await port.next('stopped');
      expect(port.listenerCount('message')).toBe(0);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('answers a shutdown that arrives before the bind settles', async () => {
    const port = new FakePort();
    runCommsWorker(port, ANY_PORT, new VirtualClock());
    port.send({ t: 'shutdown' });
    port.send({ t: 'shutdown' });
    await port.next('stopped');
    expect(port.posted.map((m) => m.t)).toEqual(['listening', 'stopped']);
  });
  it("keeps the robot's clock in lock step: ages and keep-alives move only with the main thread's ticks, each answered with the next timer", async () => {
    const port = new FakePort();
    runCommsWorker(port, {
      listen: '127.0.0.1:0',
      token: '',
      readToken: '',
      allowedHosts: [],
      clock: 'virtual',
      startUs: 5_000_000,
    });
    const { address } = await port.next('listening');
    const url = (path: string) => `http://${address}${path}`;
    port.send({ t: 'status', status: sampleStatus() });

    // No timer yet: the tick is answered with none due
    port.send({ t: 'tick', nowUs: 5_500_000 });
    expect(await port.next('tick-done')).toEqual({ t: 'tick-done', nowUs: 5_500_000, nextDueUs: Infinity });
    // The snapshot's age is robot-clock time since it arrived (at 5.0 s), whatever the wall clock did
    expect(await (await fetch(url('/api/v1/status'))).json()).toMatchObject({ statusAgeMs: 500, stale: false });
    port.posted.length = 0;
    port.send({ t: 'tick', nowUs: 7_600_000 });
    await port.next('tick-done');
    expect(await (await fetch(url('/api/v1/status'))).json()).toMatchObject({ statusAgeMs: 2_600, stale: true });

    // A log-stream client: its keep-alive is due 15 s of robot clock after it connected (7.6 s)
    const logs = await fetch(url('/api/v1/logs'));
    const reader = logs.body!.pipeThrough(new TextDecoderStream()).getReader();
    port.posted.length = 0;
    port.send({ t: 'tick', nowUs: 8_000_000 });
    expect(await port.next('tick-done')).toEqual({ t: 'tick-done', nowUs: 8_000_000, nextDueUs: 22_600_000 });
    port.posted.length = 0;
    port.send({ t: 'tick', nowUs: 22_600_000 });
    expect(await port.next('tick-done')).toEqual({ t: 'tick-done', nowUs: 22_600_000, nextDueUs: 37_600_000 });
    let received = '';
    while (!received.includes(': keep-alive')) received += (await reader.read()).value ?? '';

    port.send({ t: 'tick', nowUs: Number.NaN });
    port.send({ t: 'shutdown' });
    await port.next('stopped');
    for (;;) if ((await reader.read()).done) break;
  });

  it('GIVEN an upgrade journal with a rollback WHEN the comms thread starts twice on the same ledger THEN the rollback is committed and told once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinal-comms-upgrade-'));
    const ledger = ledgerSettingsFromParams(paramsWith({}), join(dir, 'ledger.db'));
    const rollback = {
      kind: 'upgrade' as const,
      outcome: 'rolled-back' as const,
      journalSeq: 1,
      atIso: '2026-12-03T10:00:00.000Z',
      fromVersion: '1.0.0',
      toVersion: '1.1.0',
      reason: 'no READY=1 within 60 s',
    };
    const told: RuntimeEvent[] = [];
    try {
      for (const boot of ['boot-1', 'boot-2']) {
        const port = new FakePort();
        runCommsWorker(port, { ...ANY_PORT, ledger, bootId: boot, upgrades: [rollback] });
        await port.next('listening');
        port.send({ t: 'shutdown' });
        await port.next('stopped');
        for (const message of port.posted) if (message.t === 'committed') told.push(...message.events);
      }
      expect(told.map(({ seq: _seq, atUs: _atUs, ...body }) => body)).toEqual([rollback]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
