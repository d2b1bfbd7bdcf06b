import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import foxgloveWs from '@foxglove/ws-protocol';
import WebSocket from 'ws';
import { cliEnv, debugPortOf, ROOT, startCli } from './harness/run-cli.js';

/** A port free on loopback now (the server binds it a moment later). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The stretch of sim time the rates are counted over, seconds. */
const WINDOW_S = 6;

interface Received {
  schemaName: string;
  /** Log time, robot clock, seconds. */
  atS: number;
  body: Record<string, unknown>;
}

const TOPICS = [
  '/scan',
  '/pose',
  '/map',
  '/path',
  '/tf',
  '/footprint',
  '/reflex/swept_area',
  '/reflex/state',
  '/events',
];

/** The rates the runtime is configured for, Hz of the robot's clock, and the ranges asserted around them. */
const RATES: Record<string, { configuredHz: number; min: number; max: number }> = {
  // The pose stream, 20 Hz (cli/runtime/comms-link.ts), with its transform.
  '/pose': { configuredHz: 20, min: 16, max: 25 },
  '/tf': { configuredHz: 20, min: 16, max: 25 },
  // Each revolution of the simulated LD06 (10 Hz).
  '/scan': { configuredHz: 10, min: 7, max: 13 },
  // With each status snapshot (5 Hz).
  '/reflex/state': { configuredHz: 5, min: 4, max: 6 },
  '/reflex/swept_area': { configuredHz: 5, min: 4, max: 6 },
  // Once a second.
  '/footprint': { configuredHz: 1, min: 0.6, max: 1.4 },
  // On change: at most once a second, and twice a second.
  '/map': { configuredHz: 1, min: 0, max: 1.2 },
  '/path': { configuredHz: 2, min: 0, max: 2.2 },
};

describe('the Foxglove WebSocket server while `spinal sim` runs', () => {
  it('GIVEN the default scenario (a goto across a room) WHEN a Foxglove client subscribes THEN scans, pose, grid, path, footprint, swept area, reflex state and events arrive with their schemas at their rates', async () => {
    const port = await freePort();
    const child = startCli(['sim', '--scenario', 'default', '--speed', '2'], {
      env: cliEnv({ SPINAL_FOXGLOVE_LISTEN: `127.0.0.1:${port}` }),
    });
    const announced = debugPortOf(child);
    const byTopic = new Map<string, Received[]>(TOPICS.map((topic) => [topic, []]));
    try {
      await announced.address;
      const client = new foxgloveWs.FoxgloveClient({
        ws: new WebSocket(`ws://127.0.0.1:${port}`, [foxgloveWs.FoxgloveClient.SUPPORTED_SUBPROTOCOL]),
      });
      const topicOf = new Map<number, { topic: string; schemaName: string }>();
      const advertised = new Map<string, string>();
      client.on('advertise', (channels) => {
        for (const channel of channels) {
          advertised.set(channel.topic, channel.schemaName);
          if (!TOPICS.includes(channel.topic)) continue;
          const id = client.subscribe(channel.id);
          topicOf.set(id, { topic: channel.topic, schemaName: channel.schemaName });
        }
      });
      // Collected until the robot's clock has moved past the window after the first pose (counts over sim time).
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${WINDOW_S} s of sim time: ${announced.stderr()}`)),
          45_000,
        );
        client.on('message', ({ subscriptionId, timestamp, data }) => {
          const channel = topicOf.get(subscriptionId);
          if (!channel) return;
          const body = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString()) as Record<
            string,
            unknown
          >;
          byTopic.get(channel.topic)!.push({ schemaName: channel.schemaName, atS: Number(timestamp) / 1e9, body });
          const poses = byTopic.get('/pose')!;
          if (poses.length > 1 && poses.at(-1)!.atS - poses[0]!.atS >= WINDOW_S) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      await done;
      // A bad client message is dropped; the server keeps serving.
      const raw = new WebSocket(`ws://127.0.0.1:${port}`, [foxgloveWs.FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
      await new Promise((resolve) => raw.once('open', resolve));
      raw.send('{"op": "subscribe", "subscriptions": "nope"}');
      raw.send('null');
      raw.send(Buffer.from([0xff, 0x00, 0x01]));
      raw.close();
      const more = byTopic.get('/pose')!.length;
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (byTopic.get('/pose')!.length > more + 2) {
            clearInterval(poll);
            resolve();
          }
        }, 50);
      });
      // The swept area in the status while the robot drives: what /reflex/swept_area carries.
      const status = (await (await fetch(`http://${await announced.address}/api/v1/status`)).json()) as {
        sweptArea: { polygons: unknown[]; vMps: number } | null;
      };
      expect(status.sweptArea?.polygons.length).toBeGreaterThan(0);
      // An event while subscribed: an e-stop from the debug port, on /events as a warning.
      const estop = await fetch(`http://${await announced.address}/api/v1/estop`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'foxglove test' }),
      });
      expect(estop.status).toBe(200);
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          const stopped = byTopic.get('/reflex/state')!.at(-1)?.body.state === 'estop';
          if (stopped && byTopic.get('/events')!.some((m) => m.body.file === 'operator-estop')) {
            clearInterval(poll);
            resolve();
          }
        }, 50);
      });
      client.close();

      expect(Object.fromEntries([...advertised].filter(([topic]) => TOPICS.includes(topic)))).toEqual({
        '/scan': 'foxglove.LaserScan',
        '/pose': 'foxglove.PoseInFrame',
        '/map': 'foxglove.Grid',
        '/path': 'foxglove.PosesInFrame',
        '/tf': 'foxglove.FrameTransform',
        '/footprint': 'foxglove.SceneUpdate',
        '/reflex/swept_area': 'foxglove.SceneUpdate',
        '/reflex/state': 'spinal.ReflexState',
        '/events': 'foxglove.Log',
      });
      const poses = byTopic.get('/pose')!;
      const fromS = poses[0]!.atS;
      const toS = fromS + WINDOW_S;
      const rate = (topic: string): number =>
        byTopic.get(topic)!.filter((m) => m.atS >= fromS && m.atS < toS).length / WINDOW_S;
      const measured = Object.fromEntries(Object.keys(RATES).map((topic) => [topic, Number(rate(topic).toFixed(2))]));
      // Kept as a test artefact: the rates measured, beside the configured ones.
      mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
      writeFileSync(
        join(ROOT, 'test-artifacts', 'foxglove-rates.json'),
        `${JSON.stringify({ windowS: WINDOW_S, measuredHz: measured, configured: RATES })}\n`,
      );
      for (const [topic, { min, max }] of Object.entries(RATES)) {
        expect(rate(topic), topic).toBeGreaterThanOrEqual(min);
        expect(rate(topic), topic).toBeLessThanOrEqual(max);
      }
      expect(byTopic.get('/map')!.length).toBeGreaterThan(0);
      expect(byTopic.get('/path')!.length).toBeGreaterThan(0);

      const footprint = byTopic.get('/footprint')!.at(-1)!.body as {
        entities: Array<{ id: string; frame_id: string }>;
      };
      expect(footprint.entities[0]).toMatchObject({ id: 'footprint', frame_id: 'base_link' });
      // The swept area while driving: filled polygons placed on the map at the pose of the check.
      const swept = byTopic
        .get('/reflex/swept_area')!
        .map(
          (m) =>
            m.body as { entities: Array<{ id: string; frame_id: string; triangles: unknown[]; lines: unknown[] }> },
        )
        .filter((u) => u.entities.length > 0);
      expect(swept.length).toBeGreaterThan(0);
      expect(swept.at(-1)!.entities[0]).toMatchObject({ id: 'swept-area', frame_id: 'map' });
      expect(swept.at(-1)!.entities[0]!.triangles.length).toBeGreaterThan(0);
      expect(swept.at(-1)!.entities[0]!.lines.length).toBe(swept.at(-1)!.entities[0]!.triangles.length);
      const reflexState = byTopic.get('/reflex/state')!.at(-1)!.body;
      expect(reflexState.state).toBe('estop');
      const estopLine = byTopic.get('/events')!.find((m) => m.body.file === 'operator-estop')!;
      expect(estopLine.schemaName).toBe('foxglove.Log');
      expect(estopLine.body.level).toBe(3);

      const scan = byTopic.get('/scan')!.at(-1)!.body;
      expect(scan.frame_id).toBe('base_link');
      expect((scan.ranges as number[]).filter((r) => r > 0).length).toBeGreaterThan(100);
      const grid = byTopic.get('/map')!.at(-1)!.body;
      expect(grid.frame_id).toBe('map');
      const columns = grid.column_count as number;
      expect(Buffer.from(grid.data as string, 'base64').length % columns).toBe(0);
      const path = byTopic.get('/path')!.find((m) => (m.body.poses as unknown[]).length > 0)!.body;
      const last = (path.poses as Array<{ position: { x: number; y: number } }>).at(-1)!;
      // The goal of the default scenario is (6, 3).
      expect(Math.hypot(last.position.x - 6, last.position.y - 3)).toBeLessThan(0.3);
      const pose = poses.at(-1)!.body.pose as { position: { x: number } };
      expect(pose.position.x).toBeGreaterThan(1.2);
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 60_000);
});
