import { describe, expect, it } from 'vitest';
import type { RuntimeStatus, SweptAreaStatus } from '../../messages/runtime-status.js';
import type { FoxgloveChannelRole } from './foxglove-channels.js';
import { FoxglovePublisher } from './foxglove-publisher.js';
import type { FoxgloveSink } from './foxglove-server.js';

/** A sink every topic is subscribed to, keeping what was sent. */
function recordingSink(): FoxgloveSink & { sent: Array<{ role: FoxgloveChannelRole; message: object }> } {
  const sent: Array<{ role: FoxgloveChannelRole; message: object }> = [];
  return { sent, wanted: () => true, send: (role, _logTimeNs, message) => sent.push({ role, message }) };
}

/** A snapshot of a robot driving straight, with the swept area of its command (or none). */
function status(sweptArea: SweptAreaStatus | null): RuntimeStatus {
  return {
    robotId: 'r1',
    board: 'sim',
    mode: 'sim',
    clockS: 1,
    uptimeS: 1,
    pose: { xM: 1, yM: 2, yawRad: 0 },
    speed: { vMps: 0.3, wRadps: 0 },
    mission: { kind: 'goto', state: 'active' },
    nearestObstacleM: 1.2,
    reflex: { state: 'clear', rule: '', reason: '', lastTrip: null, trips: 0 },
    loop: { rateHz: 100, ticks: 100, lastDurationUs: 80, maxDurationUs: 400, latenessP99Us: 900, deadlineMisses: 0 },
    priority: { nice: 0, raised: false, source: 'default' },
    devices: [],
    sweptArea,
  };
}

const CORRIDOR: SweptAreaStatus = {
  stampUs: 990_000,
  vMps: 0.3,
  wRadps: 0,
  kind: 'corridor',
  lookAheadM: 0.4,
  pose: { xM: 1, yM: 2, yawRad: 0 },
  polygons: [
    [
      { xM: -0.05, yM: -0.17 },
      { xM: 0.65, yM: -0.17 },
      { xM: 0.65, yM: 0.17 },
      { xM: -0.05, yM: 0.17 },
    ],
  ],
};

describe('FoxglovePublisher', () => {
  it('publishes the pose stream on /pose and /tf at its own rate, apart from the status', () => {
    const sink = recordingSink();
    const publisher = new FoxglovePublisher(sink, 'r1', { lengthM: 0.3, widthM: 0.24 });
    // One second of the 20 Hz pose stream, and the status at 5 Hz.
    for (let i = 0; i < 20; i++) publisher.pose({ xM: i * 0.01, yM: 0, yawRad: 0 }, 1_000_000 + i * 50_000);
    for (let i = 0; i < 5; i++) publisher.status(status(CORRIDOR), 1_000_000 + i * 200_000);
    const count = (role: FoxgloveChannelRole): number => sink.sent.filter((s) => s.role === role).length;
    expect(count('pose')).toBe(20);
    expect(count('tf')).toBe(20);
    expect(count('reflex')).toBe(5);
    expect(count('sweptArea')).toBe(5);
  });

  it('draws the swept area filled and outlined on the map at the pose of the check, and deletes it when none is checked', () => {
    const sink = recordingSink();
    const publisher = new FoxglovePublisher(sink, 'r1', null);
    publisher.status(status(CORRIDOR), 1_000_000);
    publisher.status(status(null), 1_200_000);
    const [drawn, deleted] = sink.sent.filter((s) => s.role === 'sweptArea').map((s) => s.message) as Array<{
      entities: Array<{
        id: string;
        frame_id: string;
        triangles: Array<{ pose: { position: { x: number; y: number } }; points: unknown[] }>;
        lines: Array<{ type: number; points: Array<{ x: number; y: number }> }>;
      }>;
      deletions: Array<{ id: string }>;
    }>;
    const entity = drawn!.entities[0]!;
    expect(entity).toMatchObject({ id: 'swept-area', frame_id: 'map' });
    // The rectangle as a fan of two triangles, placed at the robot's pose of the check, and its outline as a loop.
    expect(entity.triangles[0]!.points).toHaveLength(6);
    expect(entity.triangles[0]!.pose.position).toMatchObject({ x: 1, y: 2 });
    expect(entity.lines[0]!.type).toBe(1);
    expect(entity.lines[0]!.points.map((p) => [p.x, p.y])).toEqual(CORRIDOR.polygons[0]!.map((p) => [p.xM, p.yM]));
    expect(deleted).toMatchObject({ entities: [], deletions: [{ id: 'swept-area' }] });
  });
});
