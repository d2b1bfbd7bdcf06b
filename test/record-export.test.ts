import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { McapIndexedReader } from '@mcap/core';
import { Ledger } from '../comms/ledger/ledger.js';
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

  it('exits 2 naming --format for a missing or unknown format, and 1 without a ledger', async () => {
    const env = cliEnv({ SPINAL_LEDGER_PATH: join(dir, 'none.db') });
    for (const args of [[], ['--format', 'bag']]) {
      const bad = await runCli(['record', 'export', ...args], { env });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--format');
    }
    const none = await runCli(['record', 'export', '--format', 'mcap', '--out', join(dir, 'x.mcap')], { env });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no ledger at');
  });
});
