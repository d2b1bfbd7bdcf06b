import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import foxgloveWs from '@foxglove/ws-protocol';
import WebSocket from 'ws';
import { cliEnv, debugPortOf, startCli } from './harness/run-cli.js';

/** A port free on loopback now (the server binds it a moment later). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Received {
  schemaName: string;
  /** Log time, robot clock, seconds. */
  atS: number;
  body: Record<string, unknown>;
}

const TOPICS = ['/scan', '/pose', '/map', '/path', '/tf', '/footprint', '/reflex/state', '/events'];

describe('the Foxglove WebSocket server while `spinal sim` runs', () => {
  it('GIVEN the default scenario (a goto across a room) WHEN a Foxglove client subscribes THEN scans, pose, grid and path arrive with the standard schemas at their rates', async () => {
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
      // Collected until the robot's clock has moved 6 s past the first pose (counts over a sim window).
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no 6 s of sim time: ${announced.stderr()}`)), 45_000);
        client.on('message', ({ subscriptionId, timestamp, data }) => {
          const channel = topicOf.get(subscriptionId);
          if (!channel) return;
          const body = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString()) as Record<
            string,
            unknown
          >;
          byTopic.get(channel.topic)!.push({ schemaName: channel.schemaName, atS: Number(timestamp) / 1e9, body });
          const poses = byTopic.get('/pose')!;
          if (poses.length > 1 && poses.at(-1)!.atS - poses[0]!.atS >= 6) {
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
      client.close();

      expect(Object.fromEntries([...advertised].filter(([topic]) => TOPICS.includes(topic)))).toEqual({
        '/scan': 'foxglove.LaserScan',
        '/pose': 'foxglove.PoseInFrame',
        '/map': 'foxglove.Grid',
        '/path': 'foxglove.PosesInFrame',
        '/tf': 'foxglove.FrameTransform',
        '/footprint': 'foxglove.SceneUpdate',
        '/reflex/state': 'spinal.ReflexState',
        '/events': 'foxglove.Log',
      });
      const poses = byTopic.get('/pose')!;
      const windowS = poses.at(-1)!.atS - poses[0]!.atS;
      const rate = (topic: string): number => {
        const inWindow = byTopic.get(topic)!.filter((m) => m.atS >= poses[0]!.atS && m.atS <= poses.at(-1)!.atS);
        return inWindow.length / windowS;
      };
      // Pose: every status snapshot (5 Hz), never beyond 10 Hz.
      expect(rate('/pose')).toBeGreaterThan(3.5);
      expect(rate('/pose')).toBeLessThanOrEqual(10.5);
      // Scan: the simulated lidar's revolutions (about 10 Hz), capped at 20 Hz.
      expect(rate('/scan')).toBeGreaterThan(3);
      expect(rate('/scan')).toBeLessThanOrEqual(20.5);
      // Map: on change, at most once a second.
      expect(byTopic.get('/map')!.length).toBeGreaterThan(0);
      expect(rate('/map')).toBeLessThanOrEqual(1.2);
      expect(byTopic.get('/path')!.length).toBeGreaterThan(0);
      expect(rate('/path')).toBeLessThanOrEqual(2.2);

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
