import { afterEach, describe, expect, it } from 'vitest';
import type { CommsToCortex, MissionVerdictName } from '../../messages/cortex-comms-protocol.js';
import { VirtualClock } from '../../time/virtual-clock.js';
import { MissionDesk } from '../mission-desk.js';
import { startDebugServer, type DebugServer } from './http-server.js';
import { missionRoutes } from './mission-routes.js';
import { StatusStore } from './status-store.js';

const servers: DebugServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/**
 * The mission routes on a port whose cortex answers every order and cancel with `verdict` (and
 * `reason`), recording what it was sent.
 */
async function serve(verdict: MissionVerdictName | 'silent', options: { listen?: string; token?: string } = {}) {
  const received: CommsToCortex[] = [];
  const desk: MissionDesk = new MissionDesk(
    {
      postMessage(message) {
        received.push(message);
        if (verdict === 'silent') return;
        queueMicrotask(() =>
          desk.answered({
            t: 'mission-result',
            id: message.id,
            accepted: verdict === 'accepted',
            verdict,
            reason: verdict === 'accepted' ? '' : `the cortex says ${verdict}`,
          }),
        );
      },
    },
    200,
  );
  desk.missions = [
    {
      id: 'p',
      kind: 'patrol',
      priority: 40,
      source: 'scenario',
      state: 'active',
      reason: 'started',
      progress: 0.25,
      etaS: 30,
      lapsDone: 0,
    },
  ];
  const server = await startDebugServer({
    listen: options.listen ?? '127.0.0.1:0',
    store: new StatusStore(new VirtualClock()),
    token: options.token,
    extraRoutes: missionRoutes(desk),
  });
  servers.push(server);
  const port = server.address.split(':').at(-1);
  return { url: `http://127.0.0.1:${port}/api/v1/missions`, received };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const GOTO = { kind: 'goto', goal: { xM: 3, yM: 4 }, toleranceM: 0.2 };

describe('mission routes of the debug port', () => {
  it('POST queues a mission with the cortex and answers 200 with its id and priority', async () => {
    const { url, received } = await serve('accepted');
    const response = await post(url, { id: 'm-1', priority: 70, mission: GOTO });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'm-1', priority: 70, kind: 'goto' });
    expect(received).toEqual([
      { t: 'mission', id: 1, order: { id: 'm-1', priority: 70, source: 'debug-port', mission: GOTO } },
    ]);
  });

  it('a malformed mission gets 400 naming the field, and never reaches the cortex', async () => {
    const { url, received } = await serve('accepted');
    const response = await post(url, { mission: { kind: 'goto', goal: { xM: 'north', yM: 4 } } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'malformed', reason: 'mission.goal.xM: must be a finite number' });
    expect(received).toEqual([]);
  });

  it.each([
    ['impossible', 422],
    ['conflict', 409],
    ['malformed', 400],
  ] as const)('the cortex refusing it as %s answers %d with its reason', async (verdict, status) => {
    const { url } = await serve(verdict);
    const response = await post(url, { mission: GOTO });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: verdict, reason: `the cortex says ${verdict}` });
  });

  it('a cortex that does not answer gives 503, not a hung request', async () => {
    const { url } = await serve('silent');
    const response = await post(url, { mission: GOTO });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ reason: 'the cortex did not answer within 200 ms' });
  });

  it('GET lists the missions as the cortex last reported them', async () => {
    const { url } = await serve('accepted');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      missions: [expect.objectContaining({ id: 'p', kind: 'patrol', state: 'active', progress: 0.25, etaS: 30 })],
    });
  });

  it('DELETE /api/v1/missions/{id} aborts it (200), or answers 404 for no such mission', async () => {
    const found = await serve('accepted');
    const response = await fetch(`${found.url}/p%3A1`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'p:1', aborted: true });
    expect(found.received).toEqual([
      { t: 'mission-cancel', id: 1, missionId: 'p:1', reason: 'aborted from the debug port' },
    ]);
    const missing = await serve('unknown');
    expect((await fetch(`${missing.url}/nope`, { method: 'DELETE' })).status).toBe(404);
  });

  it('follows the rule of every mutating route: a foreign page is refused, and beyond loopback the token is needed', async () => {
    const { url, received } = await serve('accepted');
    const foreign = await post(
      url,
      { mission: GOTO },
      { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
    );
    expect(foreign.status).toBe(403);
    const wide = await serve('accepted', { listen: '0.0.0.0:0', token: 'secret' });
    expect((await post(wide.url, { mission: GOTO })).status).toBe(401);
    expect((await fetch(`${wide.url}/p`, { method: 'DELETE' })).status).toBe(401);
    expect((await post(wide.url, { mission: GOTO }, { authorization: 'Bearer secret' })).status).toBe(200);
    expect(received).toEqual([]);
  });
});
