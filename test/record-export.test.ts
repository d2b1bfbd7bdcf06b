import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { McapIndexedReader } from '@mcap/core';
import { Ledger } from '../comms/ledger/ledger.js';
import { openSqlite } from '../comms/ledger/sqlite-driver.js';
import { ledgerSettingsFromParams } from '../comms/ledger/ledger-settings.js';
import type { BlackBoxEntry } from '../messages/runtime-event.js';
import { cliEnv, runCli } from './harness/run-cli.js';
import { paramsWith } from './harness/test-params.js';

const dir = mkdtempSync(join(tmpdir(), 'spinal-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (tUs: number, aheadFreeM: number): BlackBoxEntry => ({
  tUs,
  cmdVMps: 0.4,
  cmdWRadps: 0,
  appliedVMps: tUs < 3_000_000 ? 0.4 : 0,
  appliedWRadps: 0,
  aheadFreeM,
  lidarAgeMs: 20,
  batteryV: 12.1,
  tiltDeg: null,
  action: 'pass',
  rule: '',
});

/** Reads a whole file as `@mcap/core`'s indexed reader wants it. */
function readable(bytes: Uint8Array): {
  size(): Promise<bigint>;
  read(offset: bigint, size: bigint): Promise<Uint8Array>;
} {
  return {
    size: () => Promise.resolve(BigInt(bytes.length)),
    read: (offset, size) => Promise.resolve(bytes.subarray(Number(offset), Number(offset + size))),
  };
}

describe('spinal record export --format mcap', () => {
  it('GIVEN a ledger with missions, a device failure and two reflex trips WHEN exported THEN the MCAP holds every event, its log line and each black-box line, with their schemas', async () => {
    const path = join(dir, 'robot.db');
    let wallMs = Date.parse('2026-01-31T12:00:00Z');
    const ledger = Ledger.open(ledgerSettingsFromParams(paramsWith(), path), 'boot-a', { nowWallMs: () => wallMs });
    const bodies = [
      { kind: 'mission', mission: 'goto', state: 'active' },
      { kind: 'device-health', device: 'lidar', from: 'ok', to: 'failed', reason: 'unplugged' },
      {
        kind: 'reflex-trip',
        rule: 'obstacle',
        reason: 'wall 0.2 m ahead',
        blackBox: [1, 2, 3].map((s) => line(s * 1e6, 1 / s)),
      },
      {
        kind: 'reflex-trip',
        rule: 'lidar-stale',
        reason: 'no scan for 300 ms',
        blackBox: [line(5e6, 0.5), line(5.1e6, 0.4)],
      },
      { kind: 'mission', mission: 'goto', state: 'succeeded' },
    ] as const;
    for (const [i, body] of bodies.entries()) {
      ledger.append([{ body: structuredClone(body) as never, atUs: (i + 1) * 1e6 }]);
      wallMs += 1_000;
    }
    ledger.close();

    const out = join(dir, 'run.mcap');
    const result = await runCli(['record', 'export', '--format', 'mcap', '--out', out, '--ledger', path], {
      env: cliEnv(),
    });
    expect(result.code, result.stderr).toBe(0);

    const reader = await McapIndexedReader.Initialize({ readable: readable(readFileSync(out)) });
    const schemaOf = new Map(
      [...reader.channelsById.values()].map((c) => [c.topic, reader.schemasById.get(c.schemaId)?.name]),
    );
    expect(Object.fromEntries(schemaOf)).toEqual({
      '/ledger/events': 'spinal.LedgerEvent',
      '/events': 'foxglove.Log',
      '/reflex/black_box': 'spinal.BlackBoxEntry',
    });
    for (const channel of reader.channelsById.values()) {
      expect(channel.messageEncoding).toBe('json');
      expect(reader.schemasById.get(channel.schemaId)?.encoding).toBe('jsonschema');
    }
    const byTopic = new Map<string, Array<Record<string, unknown>>>();
    for await (const message of reader.readMessages()) {
      const topic = reader.channelsById.get(message.channelId)!.topic;
      const list = byTopic.get(topic) ?? [];
      list.push(JSON.parse(new TextDecoder().decode(message.data)) as Record<string, unknown>);
      byTopic.set(topic, list);
    }
    // The ledger's counts: 5 events, 5 log lines, 3 + 2 black-box lines.
    expect(byTopic.get('/ledger/events')!.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'mission'],
      [2, 'device-health'],
      [3, 'reflex-trip'],
      [4, 'reflex-trip'],
      [5, 'mission'],
    ]);
    expect(byTopic.get('/events')!.length).toBe(5);
    expect(byTopic.get('/events')![1]).toMatchObject({ level: 4, file: 'device-health', line: 2 });
    expect(byTopic.get('/reflex/black_box')!.map((b) => [b.trip_seq, b.ahead_free_m])).toEqual([
      [3, 1],
      [3, 0.5],
      [3, 1 / 3],
      [4, 0.5],
      [4, 0.4],
    ]);
    expect(reader.statistics?.messageCount).toBe(15n);
    expect(result.stderr).toContain('/ledger/events 5, /events 5, /reflex/black_box 5');
  });

  it('GIVEN a 10 s headless simulation with a ledger file WHEN exported THEN the telemetry is on the live topics with the standard schemas, at its rates, one message per recorded row, in time order', async () => {
    const path = join(dir, 'sim.db');
    const durationS = 10;
    const env = cliEnv({ SPINAL_LEDGER_PATH: path, SPINAL_DEBUG_LISTEN: '127.0.0.1:0' });
    const sim = await runCli(['sim', '--headless', '--duration', String(durationS)], { env });
    expect(sim.code, sim.stderr).toBe(0);
    const db = openSqlite(path, { readonly: true });
    const rowsOf = Object.fromEntries(
      (
        db.prepare('SELECT topic, COUNT(*) AS n FROM telemetry GROUP BY topic').all() as Array<{
          topic: string;
          n: number;
        }>
      ).map((r) => [r.topic, r.n]),
    );
    const events = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    db.close();

    const out = join(dir, 'sim.mcap');
    const result = await runCli(['record', 'export', '--format', 'mcap', '--out', out, '--ledger', path], { env });
    expect(result.code, result.stderr).toBe(0);
    const reader = await McapIndexedReader.Initialize({ readable: readable(readFileSync(out)) });
    const schemaOf = Object.fromEntries(
      [...reader.channelsById.values()].map((c) => [c.topic, reader.schemasById.get(c.schemaId)?.name]),
    );
    expect(schemaOf).toMatchObject({
      '/pose': 'foxglove.PoseInFrame',
      '/tf': 'foxglove.FrameTransform',
      '/motion': 'spinal.Motion',
      '/scan': 'foxglove.LaserScan',
      '/path': 'foxglove.PosesInFrame',
      '/reflex/state': 'spinal.ReflexState',
      '/footprint': 'foxglove.SceneUpdate',
      '/map': 'foxglove.Grid',
      '/events': 'foxglove.Log',
      '/ledger/events': 'spinal.LedgerEvent',
    });
    const byTopic = new Map<string, Array<{ logTime: bigint; sequence: number; body: Record<string, unknown> }>>();
    for await (const message of reader.readMessages()) {
      const topic = reader.channelsById.get(message.channelId)!.topic;
      const body = JSON.parse(new TextDecoder().decode(message.data)) as Record<string, unknown>;
      byTopic.set(topic, [
        ...(byTopic.get(topic) ?? []),
        { logTime: message.logTime, sequence: message.sequence, body },
      ]);
    }
    const count = (topic: string): number => byTopic.get(topic)?.length ?? 0;
    // One message per recorded row: a pose row is a pose, a transform and a motion message.
    expect([count('/pose'), count('/tf'), count('/motion')]).toEqual([rowsOf.pose, rowsOf.pose, rowsOf.pose]);
    expect(count('/scan')).toBe(rowsOf.scan);
    expect(count('/path')).toBe(rowsOf.path);
    expect(count('/reflex/state')).toBe(rowsOf.reflex);
    expect(count('/map')).toBe(rowsOf.map);
    expect(count('/footprint')).toBe(1);
    expect(count('/ledger/events')).toBe(events);
    // The rates over the run: 5 Hz of pose, 2 Hz of scans (the first second goes to start-up).
    expect(count('/pose')).toBeGreaterThanOrEqual((durationS - 1.5) * 5);
    expect(count('/pose')).toBeLessThanOrEqual(durationS * 5 + 1);
    expect(count('/scan')).toBeGreaterThanOrEqual((durationS - 1.5) * 2);
    expect(count('/scan')).toBeLessThanOrEqual(durationS * 2 + 1);
    expect(count('/path')).toBeGreaterThanOrEqual(1);
    // Per channel: written in time order (sequence follows log time), each stamped with its log time.
    for (const [topic, messages] of byTopic) {
      for (let i = 1; i < messages.length; i++) {
        expect(messages[i]!.logTime >= messages[i - 1]!.logTime, topic).toBe(true);
        expect(messages[i]!.sequence, topic).toBeGreaterThan(messages[i - 1]!.sequence);
      }
    }
    for (const { logTime, body } of byTopic.get('/pose')!) {
      const stamp = body.timestamp as { sec: number; nsec: number };
      expect(BigInt(stamp.sec) * 1_000_000_000n + BigInt(stamp.nsec)).toBe(logTime);
    }
    // The poses span the simulated run (recorded robot time), however fast it ran on the wall.
    const poses = byTopic.get('/pose')!;
    const spanS = Number(poses.at(-1)!.logTime - poses[0]!.logTime) / 1e9;
    expect(spanS).toBeGreaterThan(durationS - 2);
    expect(spanS).toBeLessThanOrEqual(durationS);
    const moved = poses.map((p) => (p.body.pose as { position: { x: number } }).position.x);
    expect(Math.max(...moved) - Math.min(...moved)).toBeGreaterThan(0.5);

    // WHEN only the second half is asked for THEN only it is written
    const half = new Date(Number(poses[0]!.logTime / 1_000_000n) + (durationS / 2) * 1000).toISOString();
    const halfOut = join(dir, 'half.mcap');
    const second = await runCli(
      ['record', 'export', '--format', 'mcap', '--out', halfOut, '--ledger', path, '--since', half],
      {
        env,
      },
    );
    expect(second.code, second.stderr).toBe(0);
    const halfReader = await McapIndexedReader.Initialize({ readable: readable(readFileSync(halfOut)) });
    const halfPoses = [...halfReader.channelsById.entries()].find(([, c]) => c.topic === '/pose')![0];
    const halfCount = Number(halfReader.statistics!.channelMessageCounts.get(halfPoses));
    expect(halfCount).toBeLessThan(count('/pose') * 0.7);
    expect(halfCount).toBeGreaterThan(count('/pose') * 0.3);
  });

  it('exits 2 naming --format for a missing or unknown format, and 1 without a ledger', async () => {
    const env = cliEnv({ SPINAL_LEDGER_PATH: join(dir, 'none.db') });
    for (const args of [[], ['--format', 'bag']]) {
      const bad = await runCli(['record', 'export', ...args], { env });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--format');
    }
    const badSince = await runCli(['record', 'export', '--format', 'mcap', '--since', 'soon'], { env });
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since');
    const none = await runCli(['record', 'export', '--format', 'mcap', '--out', join(dir, 'x.mcap')], { env });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no ledger at');
  });
});
