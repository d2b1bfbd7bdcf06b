import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { RuntimeStatus } from '../messages/runtime-status.js';
import { debugPortOf, startCli } from './harness/run-cli.js';

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('debug port while `spinal sim` runs', () => {
  it('GIVEN an interactive sim WHEN the status is fetched THEN it names mode, pose, speed, reflex state, device health and loop timing', async () => {
    const child = startCli(['sim', '--speed', '2']);
    const announced = debugPortOf(child);
    const address = await announced.address;
    try {
      expect((await getJson(`http://${address}/healthz`)).status).toBe(200);
      let status = await getJson(`http://${address}/api/v1/status`);
      for (let i = 0; i < 50 && (status.status !== 200 || (status.body.speed as { vMps: number }).vMps === 0); i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = await getJson(`http://${address}/api/v1/status`);
      }
      expect(status.status).toBe(200);
      const body = status.body as unknown as RuntimeStatus;
      expect(body.mode).toBe('sim');
      expect(body.pose).toEqual({ xM: expect.any(Number), yM: expect.any(Number), yawRad: expect.any(Number) });
      expect(body.speed.vMps).toBeGreaterThan(0);
      expect(body.reflex).toMatchObject({ state: expect.any(String), lastTrip: null, trips: expect.any(Number) });
      expect(body.loop).toMatchObject({ rateHz: 100, ticks: expect.any(Number), deadlineMisses: expect.any(Number) });
      expect(body.loop.ticks).toBeGreaterThan(0);
      const lidar = body.devices.find((d) => d.id === 'lidar');
      expect(lidar).toMatchObject({ compatible: 'ldrobot,ld06', kind: 'lidar', health: { state: 'ok' } });
      expect(lidar?.counters.packets).toBeGreaterThan(0);
      const devices = await getJson(`http://${address}/api/v1/devices`);
      expect((devices.body.devices as unknown[]).length).toBe(2);
      expect((await getJson(`http://${address}/readyz`)).status).toBe(200);
      const statusLine =
        /t \d+\.\d s \| goto active \| x \d+\.\d\d y \d+\.\d\d θ -?\d+° \| \d\.\d\d m\/s \| nearest \d+\.\d\d m \| reflex /;
      for (let i = 0; i < 50 && !statusLine.test(announced.stderr()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(announced.stderr()).toMatch(statusLine);
    } finally {
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    }
  }, 60_000);

  it('GIVEN a running sim WHEN an override is posted THEN it is answered with the decision taken for that very command, and becomes an event', async () => {
    const child = startCli(['sim', '--speed', '1']);
    const announced = debugPortOf(child);
    const address = await announced.address;
    try {
      const before = (await getJson(`http://${address}/api/v1/status`)).body as unknown as RuntimeStatus;
      const response = await fetch(`http://${address}/api/v1/override`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ vMps: 0.05, wRadps: 0.1 }),
      });
      expect(response.status).toBe(200);
      const answer = (await response.json()) as {
        decision: { atUs: number; state: string; commanded: { vMps: number; wRadps: number }; applied: unknown };
      };
      expect(answer.decision.commanded).toEqual({ vMps: 0.05, wRadps: 0.1 });
      expect(answer.decision.atUs / 1e6).toBeGreaterThanOrEqual(before.clockS);
      expect(answer.decision).toMatchObject({ state: expect.any(String), applied: { vMps: expect.any(Number) } });
      const events = (await getJson(`http://${address}/api/v1/events`)).body.events as Array<Record<string, unknown>>;
      expect(events.find((e) => e.kind === 'override')).toMatchObject({
        phase: 'start',
        vMps: 0.05,
        wRadps: 0.1,
        by: { via: 'debug-port', remoteAddress: '127.0.0.1', origin: null, authenticated: false },
      });
      for (let i = 0; i < 50 && !announced.stderr().includes('manual override started by 127.0.0.1'); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(announced.stderr()).toContain('manual override started by 127.0.0.1 (no origin, no token)');
    } finally {
      child.kill('SIGINT');
      await once(child, 'exit');
    }
  }, 60_000);
});
