import { describe, expect, it } from 'vitest';
import type { RuntimeStatus } from '../../messages/runtime-status.js';
import { VirtualClock } from '../../time/virtual-clock.js';
import type { JsonResponse } from './routes.js';
import { StatusStore } from './status-store.js';
import { telemetryRoutes } from './telemetry-route.js';

/** A snapshot as the main thread publishes it: a simulated robot slowed by a box 0.85 m ahead. */
function sampleStatus(): RuntimeStatus {
  return {
    robotId: 'r1',
    board: 'sim',
    mode: 'sim',
    clockS: 12.5,
    uptimeS: 12.5,
    pose: { xM: 1.2, yM: -0.4, yawRad: 0.3 },
    speed: { vMps: 0.4, wRadps: 0.1 },
    mission: { kind: 'goto', state: 'active' },
    nearestObstacleM: 0.85,
    reflex: { state: 'limited', rule: 'obstacle-near', reason: 'obstacle at 0.85 m', lastTrip: null, trips: 0 },
    loop: { rateHz: 100, ticks: 1250, lastDurationUs: 90, maxDurationUs: 700, latenessP99Us: 1_200, deadlineMisses: 0 },
    priority: { nice: 0, raised: false, source: 'default' },
    devices: [],
  };
}

async function get(store: StatusStore): Promise<JsonResponse> {
  const [route] = telemetryRoutes(store);
  expect(route).toMatchObject({ method: 'GET', path: '/api/v1/telemetry', mutating: false });
  return (await route!.handle({
    method: 'GET',
    path: '/api/v1/telemetry',
    query: new URLSearchParams(),
    headers: {},
  })) as JsonResponse;
}

describe('GET /api/v1/telemetry', () => {
  it('is 503 with a reason before the first snapshot', async () => {
    const response = await get(new StatusStore(new VirtualClock()));
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ reason: expect.stringMatching(/not published a status yet/) });
  });

  it('answers the motion figures only, with the snapshot age', async () => {
    const clock = new VirtualClock();
    const store = new StatusStore(clock);
    store.setStatus(sampleStatus());
    clock.advanceBy(2_400_000);
    const response = await get(store);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      clockS: 12.5,
      pose: { xM: 1.2, yM: -0.4, yawRad: 0.3 },
      speed: { vMps: 0.4, wRadps: 0.1 },
      nearestObstacleM: 0.85,
      reflex: { state: 'limited', rule: 'obstacle-near' },
      mission: { kind: 'goto', state: 'active' },
      statusAgeMs: 2_400,
      stale: true,
    });
  });
});
