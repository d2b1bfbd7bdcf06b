import { connect, type Socket } from 'node:net';
import createDebug from 'debug';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../time/virtual-clock.js';
import type { RuntimeStatus } from '../../messages/runtime-status.js';
import { DebugListenError, startDebugServer } from './http-server.js';
import type { DebugServer, DebugServerOptions } from './http-server.js';
import { UNMATCHED_ROUTE } from './routes.js';
import type { Route } from './routes.js';
import { StatusStore } from './status-store.js';

/** A snapshot as the main thread publishes it: a simulated robot driving a goto mission past a wall. */
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
    reflex: {
      state: 'limited',
      rule: 'obstacle-near',
      reason: 'obstacle at 0.85 m',
      lastTrip: { rule: 'obstacle-near', reason: 'obstacle at 0.85 m', atUs: 12_400_000 },
      trips: 1,
    },
    loop: { rateHz: 100, ticks: 1250, lastDurationUs: 90, maxDurationUs: 700, latenessP99Us: 1_200, deadlineMisses: 0 },
    priority: { nice: 0, raised: false, source: 'default' },
    devices: [
      {
        id: 'lidar0',
        compatible: 'ldrobot,ld06',
        kind: 'lidar',
        health: { state: 'ok', reason: '', sinceUs: 200_000 },
        counters: { frames: 1250, crcErrors: 0 },
      },
      {
        id: 'motors',
        compatible: 'waveshare,pca9685-tb6612',
        kind: 'motor',
        health: { state: 'degraded', reason: 'i2c write retried', sinceUs: 9_000_000 },
        counters: { writes: 4000, retries: 3 },
      },
    ],
  };
}

const servers: DebugServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Partial<DebugServerOptions> = {}) {
  const clock = new VirtualClock(1_000_000);
  const store = new StatusStore(clock);
  const server = await startDebugServer({ listen: '127.0.0.1:0', store, ...options });
  servers.push(server);
  const url = (path: string) => `http://${server.address}${path}`;
  return { clock, store, server, url };
}

/** A `POST /api/v1/estop` route, never rate limited as the real one, that counts the calls reaching it. */
function countingEstop(): { route: Route; calls: () => number } {
  let calls = 0;
  const route: Route = {
    method: 'POST',
    path: '/api/v1/estop',
    mutating: true,
    neverRateLimited: true,
    handle: () => {
      calls += 1;
      return { status: 200, body: {} };
    },
  };
  return { route, calls: () => calls };
}

/** Sends raw bytes and returns everything the server answers before it closes the connection. */
function raw(address: string, request: string): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) }, () => socket.end(request));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('startDebugServer', () => {
  it('binds an ephemeral port and reports the real address', async () => {
    const { server } = await start();
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.address).not.toBe('127.0.0.1:0');
  });

  it('reports an IPv6 address in brackets', async () => {
    const { server } = await start({ listen: '[::1]:0' });
    expect(server.address).toMatch(/^\[::1\]:\d+$/);
    const res = await fetch(`http://${server.address}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /healthz answers 200 ok as JSON, not cached', async () => {
    const { url } = await start();
    const res = await fetch(url('/healthz'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 503 with a reason until the main thread is ready and a status arrived', async () => {
    const { store, url } = await start();
    let res = await fetch(url('/readyz'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, reason: 'the runtime is starting' });

    store.setReady(true, '');
    res = await fetch(url('/readyz'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, reason: 'no runtime status received yet' });

    store.setStatus(sampleStatus());
    res = await fetch(url('/readyz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true });
  });

  it('GET /api/v1/status is 503 with a reason before the first snapshot', async () => {
    const { url } = await start();
    const res = await fetch(url('/api/v1/status'));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ reason: expect.stringMatching(/not published a status yet/) });
  });

  it('GET /api/v1/status serves the latest snapshot with its age', async () => {
    const { clock, store, url } = await start();
    store.setStatus(sampleStatus());
    clock.advanceBy(250_000);
    const res = await fetch(url('/api/v1/status'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...sampleStatus(), statusAgeMs: 250, stale: false });
  });

  it('marks a snapshot older than 2 s stale but still serves it', async () => {
    const { clock, store, url } = await start();
    store.setStatus(sampleStatus());
    clock.advanceBy(2_500_000);
    const res = await fetch(url('/api/v1/status'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ robotId: 'r1', statusAgeMs: 2_500, stale: true });
    const devices = await (await fetch(url('/api/v1/devices'))).json();
    expect(devices).toMatchObject({ stale: true });
  });

  it('GET /api/v1/devices lists the snapshot devices', async () => {
    const { store, url } = await start();
    expect((await fetch(url('/api/v1/devices'))).status).toBe(503);
    store.setStatus(sampleStatus());
    const res = await fetch(url('/api/v1/devices'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { devices: unknown[] };
    expect(body.devices).toEqual(sampleStatus().devices);
  });

  it('answers 404 JSON for an unknown path, echoing it', async () => {
    const { url } = await start();
    const res = await fetch(url('/api/v2/status?x=1'));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ error: 'not found', path: '/api/v2/status' });
  });

  it('answers 405 with an allow header for a known path and wrong method', async () => {
    const { url } = await start();
    const res = await fetch(url('/api/v1/status'), { method: 'POST', body: '{}' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(await res.json()).toMatchObject({ error: 'method not allowed', method: 'POST' });
  });

  it('answers HEAD like GET without a body', async () => {
    const { store, url } = await start();
    store.setStatus(sampleStatus());
    const get = await fetch(url('/api/v1/status'));
    const getLength = (await get.arrayBuffer()).byteLength;
    const head = await fetch(url('/api/v1/status'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(head.headers.get('content-length'))).toBe(getLength);
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('answers a malformed request line with 400 and keeps serving', async () => {
    const { server, url } = await start();
    const answer = await raw(server.address, 'GARBAGE\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    const absolute = await raw(
      server.address,
      'GET http://example.com/healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n',
    );
    expect(absolute).toMatch(/^HTTP\/1\.1 400 /);
    expect(absolute).toMatch(/"reason":"the request target is not a path"/);
    expect((await fetch(url('/healthz'))).status).toBe(200);
  });

  it('answers CONNECT (it is no proxy) with 405 instead of dropping the connection, and keeps serving', async () => {
    const { server, url } = await start();
    const answer = await raw(server.address, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 405 /);
    expect((await fetch(url('/healthz'))).status).toBe(200);
  });

  it('refuses oversized headers with 431 and keeps serving', async () => {
    const { server, url } = await start();
    const answer = await raw(
      server.address,
      `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect((await fetch(url('/healthz'))).status).toBe(200);
  });

  it('counts requests per route', async () => {
    const { server, url } = await start();
    await fetch(url('/healthz'));
    await fetch(url('/healthz'), { method: 'HEAD' });
    await fetch(url('/readyz'));
    await fetch(url('/nope-1'));
    await fetch(url('/nope-2'));
    expect(server.requests.total('/healthz')).toBe(2);
    expect(server.requests.rows()).toContainEqual({ route: '/readyz', status: 503, count: 1 });
    expect(server.requests.total(UNMATCHED_ROUTE)).toBe(2);
  });

  it('turns a throwing handler into a 500 and keeps serving', async () => {
    const { url } = await start({
      extraRoutes: [
        {
          method: 'GET',
          path: '/boom',
          mutating: false,
          handle: () => {
            throw new Error('boom');
          },
        },
      ],
    });
    const res = await fetch(url('/boom'));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal error' });
    expect((await fetch(url('/healthz'))).status).toBe(200);
  });

  // Tests bind to loopback only; the token rule for other addresses is proven on authorize itself
  // (request-guard.test.ts). Here: the server applies the guard to mutating routes, with the bound host.
  it('applies the token rule to mutating routes with the address it is bound to', async () => {
    let stops = 0;
    const { server } = await start({
      listen: '127.0.0.1:0',
      token: 's3cret',
      extraRoutes: [
        {
          method: 'POST',
          path: '/api/v1/estop',
          mutating: true,
          handle: () => {
            stops += 1;
            return { status: 202, body: { accepted: true } };
          },
        },
      ],
    });
    const url = `http://${server.address}/api/v1/estop`;
    const json = { 'content-type': 'application/json' };
    // On loopback no token is needed, and a wrong one is not held against the caller.
    expect((await fetch(url, { method: 'POST', headers: json })).status).toBe(202);
    expect((await fetch(url, { method: 'POST', headers: { ...json, authorization: 'Bearer nope' } })).status).toBe(202);
    // A body not declared JSON is refused before the route runs.
    expect((await fetch(url, { method: 'POST', body: 'x' })).status).toBe(415);
    expect(stops).toBe(2);
  });

  it('limits other requests per peer but never the e-stop, and refuses a foreign Host everywhere', async () => {
    let nowUs = 0;
    const estop = countingEstop();
    const { server } = await start({ listen: '127.0.0.1:0', nowUs: () => nowUs, extraRoutes: [estop.route] });
    const base = `http://${server.address}`;
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await fetch(`${base}/healthz`)).status);
    expect(statuses.filter((code) => code === 429)).toHaveLength(5);
    const limited = await fetch(`${base}/healthz`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`${base}/api/v1/estop`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(200);
    }
    expect(estop.calls()).toBe(50);
    nowUs += 1_000_000;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const port = server.address.split(':').at(-1);
    const rebound = await raw(server.address, `GET /healthz HTTP/1.1\r\nHost: evil.example:${port}\r\n\r\n`);
    expect(rebound).toMatch(/^HTTP\/1\.1 421/);
  });

  it('drops the oldest connection that has sent no request when too many wait', async () => {
    const { server } = await start({ listen: '127.0.0.1:0', maxHalfOpen: 2 });
    const [host, port] = [server.address.split(':')[0]!, Number(server.address.split(':').at(-1))];
    const idle = await Promise.all([0, 1, 2].map(() => openSocket(host, port)));
    await new Promise<void>((resolve) => idle[0]!.socket.once('close', () => resolve()));
    expect(idle[0]!.socket.destroyed).toBe(true);
    // The port still answers a real request at once.
    expect((await fetch(`http://${server.address}/healthz`)).status).toBe(200);
    for (const { socket } of idle) socket.destroy();
  });

  it('refuses a stream beyond the cap with 503 and Retry-After, and takes one again once a stream closes', async () => {
    const stream: Route = {
      method: 'GET',
      path: '/stream',
      mutating: false,
      handle: () => ({ status: 200, contentType: 'text/event-stream', open: () => () => undefined }),
    };
    const { url } = await start({ maxStreams: 2, extraRoutes: [stream] });
    const aborts = [new AbortController(), new AbortController()];
    const open = await Promise.all(aborts.map((a) => fetch(url('/stream'), { signal: a.signal })));
    expect(open.map((r) => r.status)).toEqual([200, 200]);
    const refused = await fetch(url('/stream'));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(((await refused.json()) as { reason: string }).reason).toContain('2 streams are open');
    // Other routes are still answered.
    expect((await fetch(url('/healthz'))).status).toBe(200);
    aborts[0]!.abort();
    let again = 503;
    for (let i = 0; i < 100 && again === 503; i += 1) {
      const response = await fetch(url('/stream'));
      again = response.status;
      if (again === 503) await new Promise((resolve) => setTimeout(resolve, 20));
      else void response.body?.cancel();
    }
    expect(again).toBe(200);
    aborts[1]!.abort();
  });

  it('bound beyond loopback: reading needs a token (read or write, header or ?token=), changing needs the write token', async () => {
    const counted = countingEstop();
    const { server, store } = await start({
      listen: '0.0.0.0:0',
      token: 'write-secret',
      readToken: 'read-secret',
      extraRoutes: [counted.route],
    });
    store.setStatus(sampleStatus());
    const base = `http://127.0.0.1:${server.address.split(':').at(-1)}`;
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/api/v1/status`)).status).toBe(401);
    expect((await fetch(`${base}/api/v1/status`, { headers: bearer('read-secret') })).status).toBe(200);
    expect((await fetch(`${base}/api/v1/status`, { headers: bearer('write-secret') })).status).toBe(200);
    expect((await fetch(`${base}/api/v1/status?token=read-secret`)).status).toBe(200);
    expect((await fetch(`${base}/api/v1/status?token=guess`)).status).toBe(401);
    const json = { 'content-type': 'application/json' };
    const estop = (headers: Record<string, string>) => fetch(`${base}/api/v1/estop`, { method: 'POST', headers });
    expect((await estop(json)).status).toBe(401);
    expect((await estop({ ...json, ...bearer('read-secret') })).status).toBe(401);
    expect((await estop({ ...json, ...bearer('write-secret') })).status).toBe(200);
    expect(counted.calls()).toBe(1);
  });

  it('writes ?token= values to the access log as ***, and control characters escaped', async () => {
    const lines: string[] = [];
    const savedLog = createDebug.log;
    const savedNamespaces = createDebug.disable();
    createDebug.enable(`${savedNamespaces ? `${savedNamespaces},` : ''}spinal:comms:debug-port`);
    createDebug.log = (...args: unknown[]) => lines.push(args.map(String).join(' '));
    try {
      const { url } = await start();
      await fetch(url('/api/v1/status?token=s3cret&x=%1b%5B2J'));
      await raw(
        new URL(url('/')).host,
        `GET /nope?token=abc\x1b]0;t HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      );
    } finally {
      createDebug.log = savedLog;
      createDebug.disable();
      if (savedNamespaces) createDebug.enable(savedNamespaces);
    }
    const access = lines.filter((line) => line.includes('->'));
    expect(access.length).toBeGreaterThanOrEqual(1);
    expect(access.join('\n')).toContain('token=***');
    expect(lines.join('\n')).not.toMatch(/s3cret|abc/);
    expect(lines.join('\n')).not.toContain('\x1b]0;');
  });

  it('names the address and the parameter when the port is in use', async () => {
    const { server: first } = await start();
    const error = await startDebugServer({ listen: first.address, store: new StatusStore(new VirtualClock()) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DebugListenError);
    expect(error).toMatchObject({ code: 'EADDRINUSE', address: first.address });
    expect((error as Error).message).toBe(
      `${first.address} is in use by another process; set debug.listen (SPINAL_DEBUG_LISTEN) to another port`,
    );
  });

  it('rejects a malformed address with EINVAL naming the parameter', async () => {
    const error = await startDebugServer({ listen: '::1:8080', store: new StatusStore(new VirtualClock()) }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'EINVAL' });
    expect((error as Error).message).toMatch(/^debug\.listen \(SPINAL_DEBUG_LISTEN\): "::1:8080" .*brackets/);
  });

  it('stops accepting connections once closed', async () => {
    const { server, url } = await start();
    await fetch(url('/healthz'));
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    await expect(fetch(url('/healthz'))).rejects.toThrow();
  });
});

function openSocket(host: string, port: number): Promise<{ socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => resolve({ socket }));
    socket.on('error', reject);
  });
}
