import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../time/virtual-clock.js';
import type { OperatorCommand, OperatorResult } from '../comms-thread-protocol.js';
import { startDebugServer, type DebugServer } from './http-server.js';
import { operatorRoutes } from './operator-routes.js';
import { StatusStore } from './status-store.js';

const servers: DebugServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(
  answer: (command: OperatorCommand) => Promise<OperatorResult>,
  options: { listen?: string; token?: string } = {},
): Promise<{ url: string; received: OperatorCommand[] }> {
  const received: OperatorCommand[] = [];
  const server = await startDebugServer({
    listen: options.listen ?? '127.0.0.1:0',
    store: new StatusStore(new VirtualClock()),
    token: options.token,
    extraRoutes: operatorRoutes((command) => {
      received.push(command);
      return answer(command);
    }),
  });
  servers.push(server);
  const port = server.address.split(':').at(-1);
  return { url: `http://127.0.0.1:${port}`, received };
}

const post = (url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('operator routes of the debug port', () => {
  it('POST /api/v1/estop relays an e-stop with its reason and answers with what the reflex did', async () => {
    const { url, received } = await serve(async () => ({ ok: true, body: { reflex: { state: 'estop' } } }));
    const response = await post(`${url}/api/v1/estop`, { reason: 'person on the track' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ reflex: { state: 'estop' } });
    expect(received).toEqual([
      {
        kind: 'estop',
        reason: 'person on the track',
        by: { via: 'debug-port', remoteAddress: '127.0.0.1', origin: null, authenticated: false },
      },
    ]);
  });

  it('escapes control characters in the reason before it goes anywhere', async () => {
    const { url, received } = await serve(async () => ({ ok: true, body: {} }));
    await post(`${url}/api/v1/estop`, { reason: 'ok\n[0.000 s] forged line\u001b]0;pwned\u0007' });
    expect(received[0]).toMatchObject({ reason: 'ok\\u000a[0.000 s] forged line\\u001b]0;pwned\\u0007' });
  });

  it('names who asked: the origin, and whether a valid token came with it', async () => {
    const { url, received } = await serve(async () => ({ ok: true, body: {} }), { token: 's3cret' });
    const host = url.replace('http://', '');
    await post(`${url}/api/v1/estop/reset`, {}, { origin: `http://${host}`, authorization: 'Bearer s3cret' });
    expect(received[0]).toMatchObject({
      kind: 'estop-reset',
      by: { via: 'debug-port', remoteAddress: '127.0.0.1', origin: `http://${host}`, authenticated: true },
    });
  });

  it('a refused reset (the button is still pressed) answers 409 with what still holds', async () => {
    const { url } = await serve(async () => ({
      ok: false,
      body: { stillActive: [{ rule: 'estop-input', reason: 'pressed' }] },
    }));
    const response = await post(`${url}/api/v1/estop/reset`);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ stillActive: [{ rule: 'estop-input' }] });
  });

  it('POST /api/v1/override needs both vMps and wRadps, as its refusal says', async () => {
    const { url, received } = await serve(async () => ({ ok: true, body: {} }));
    for (const body of [{ vMps: 'fast', wRadps: 0 }, { vMps: 0.2 }, { wRadps: 0 }, { vMps: 0.1, wRadps: null }]) {
      const refused = await post(`${url}/api/v1/override`, body);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ reason: expect.stringMatching(/both are required/) });
    }
    expect((await post(`${url}/api/v1/override`, { vMps: 0.2, wRadps: 0 })).status).toBe(200);
    expect(received).toMatchObject([{ kind: 'override', vMps: 0.2, wRadps: 0 }]);
    const malformed = await post(`${url}/api/v1/override`, undefined, {});
    expect(malformed.status).toBe(400);
  });

  it('answers 504 when the runtime does not answer', async () => {
    const { url } = await serve(() => Promise.reject(new Error('no answer within 2000 ms')));
    const response = await post(`${url}/api/v1/estop`);
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ reason: 'no answer within 2000 ms' });
  });
});
