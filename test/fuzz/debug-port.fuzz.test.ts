/**
 * Fuzzing the HTTP debug port (BRIEF §5) in process on 127.0.0.1:0, with every route the runtime
 * serves: random methods, targets, headers and bodies, well-formed or not, over raw sockets. The
 * server never crashes and stays up; a well-formed request always gets an answer; no answer is a
 * 5xx, except the 503s the contract gives (`/readyz` before ready, `/api/v1/scan` and
 * `/api/v1/map` before there is a scan or a map).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fc, FEW_RUNS } from './fuzz-settings.js';
import { VirtualClock } from '../../time/virtual-clock.js';
import { MissionDesk } from '../../comms/mission-desk.js';
import { startDebugServer, type DebugServer } from '../../comms/debug-port/http-server.js';
import { StatusStore } from '../../comms/debug-port/status-store.js';
import { EventStore } from '../../comms/debug-port/event-store.js';
import { eventRoutes } from '../../comms/debug-port/routes.js';
import { LogStream } from '../../comms/debug-port/logs-stream.js';
import { metricsRoutes } from '../../comms/debug-port/metrics.js';
import { webPageRoutes } from '../../comms/debug-port/web-page.js';
import { operatorRoutes } from '../../comms/debug-port/operator-routes.js';
import { missionRoutes } from '../../comms/debug-port/mission-routes.js';
import { ScanStore, scanRoutes } from '../../comms/debug-port/scan-route.js';
import { MapStore, mapRoutes } from '../../comms/debug-port/map-route.js';
import { telemetryRoutes } from '../../comms/debug-port/telemetry-route.js';
import { RequestCounts } from '../../comms/debug-port/routes.js';
import type { RuntimeStatus } from '../../messages/runtime-status.js';

/** A published status, so the status routes answer from it (before one, they answer 503 by contract). */
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

/** The routes whose 503 the contract defines. */
const MAY_BE_UNAVAILABLE = ['/readyz', '/api/v1/scan', '/api/v1/map'];

let server: DebugServer;
let port: number;

beforeAll(async () => {
  const clock = new VirtualClock();
  const store = new StatusStore(clock);
  store.setStatus(sampleStatus());
  const events = new EventStore();
  const logs = new LogStream(events, clock);
  const requests = new RequestCounts();
  const desk: MissionDesk = new MissionDesk(
    {
      postMessage(message) {
        queueMicrotask(() =>
          desk.answered({ t: 'mission-result', id: message.id, accepted: true, verdict: 'accepted', reason: '' }),
        );
      },
    },
    200,
  );
  server = await startDebugServer({
    listen: '127.0.0.1:0',
    store,
    requests,
    extraRoutes: [
      ...telemetryRoutes(store),
      ...eventRoutes(events),
      ...logs.routes(),
      ...metricsRoutes(store, requests),
      ...webPageRoutes(),
      ...operatorRoutes(async () => ({ ok: true, body: { done: true } })),
      ...missionRoutes(desk),
      ...scanRoutes(new ScanStore()),
      ...mapRoutes(new MapStore()),
    ],
  });
  port = Number(server.address.split(':').at(-1));
});

afterAll(async () => {
  await server?.close();
});

/**
 * Sends `bytes` on a fresh connection and half-closes it; resolves with the status of the answer
 * (null when the server closed the connection without one). Stops reading once the status line is in.
 */
function exchange(bytes: Buffer): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    let settled = false;
    const finish = (status: number | null): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(status);
    };
    socket.on('connect', () => socket.end(bytes));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const line = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(received);
      if (line) finish(Number(line[1]));
      else if (received.length > 64 && !received.startsWith('HTTP/'))
        reject(new Error(`not HTTP: ${received.slice(0, 64)}`));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') finish(null);
      else reject(error);
    });
    socket.on('close', () => finish(null));
  });
}

/** The server is still up and answering. */
async function expectAlive(): Promise<void> {
  const status = await exchange(Buffer.from('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
  expect([200, 429]).toContain(status);
}

const KNOWN_PATHS = [
  '/',
  '/healthz',
  '/readyz',
  '/metrics',
  '/api/v1/status',
  '/api/v1/devices',
  '/api/v1/telemetry',
  '/api/v1/scan',
  '/api/v1/map',
  '/api/v1/events',
  '/api/v1/logs',
  '/api/v1/estop',
  '/api/v1/estop/reset',
  '/api/v1/override',
  '/api/v1/missions',
  '/api/v1/missions/m-1',
];
const pathChar = fc.constantFrom(...'abcz09-._~%2F%00%ZZ/?=&#;@:+$,!*()[]'.split(''), '%2e%2e', '..', '%C3%A9', '%FF');
const path = fc.oneof(
  fc.constantFrom(...KNOWN_PATHS),
  fc.tuple(fc.constantFrom(...KNOWN_PATHS), fc.array(pathChar, { maxLength: 12 })).map(([p, cs]) => p + cs.join('')),
  fc.array(pathChar, { maxLength: 20 }).map((cs) => `/${cs.join('')}`),
  fc.constantFrom(
    '*',
    'http://127.0.0.1/healthz',
    '//x',
    '/api/v1/missions/',
    '/api/v1/missions/%',
    '/api/v1/events?since=-1',
    '/api/v1/events?since=1e999',
    '/api/v1/scan?device=%00',
  ),
);
const method = fc.oneof(
  fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT'),
  fc.stringMatching(/^[A-Z]{1,10}$/),
);
const token = fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/);
const headerValue = fc.oneof(
  fc.stringMatching(/^[ -~]{0,60}$/),
  fc.constantFrom('', 'null', 'http://evil.example', 'Bearer x', 'application/json', '*/*'),
);
const header = fc.oneof(
  fc.tuple(
    fc.constantFrom(
      'Host',
      'Origin',
      'Referer',
      'Authorization',
      'Content-Type',
      'Last-Event-ID',
      'Accept',
      'Sec-Fetch-Site',
      'Cookie',
      'X-Forwarded-For',
    ),
    headerValue,
  ),
  fc.tuple(token, headerValue),
);
const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{"vMps":0.1,"wRadps":0}',
    '{"vMps":1e308,"wRadps":-1e308}',
    '{"reason":"x"}',
    '{"id":"m-2","priority":70,"mission":{"kind":"goto","goal":{"xM":3,"yM":4},"toleranceM":0.2}}',
    '{"mission":{"kind":"patrol","waypoints":[]}}',
    '{"__proto__":{"x":1}}',
    '[',
    '{"a":',
    '\u0000',
  ),
  fc.string({ maxLength: 100 }),
);

/** A well-formed HTTP/1.1 request: right framing, random content. */
const wellFormed = fc
  .record({
    method,
    path,
    headers: fc.array(header, { maxLength: 6 }),
    host: fc.constantFrom('127.0.0.1', 'localhost', '[::1]', 'evil.example', '127.0.0.1:1'),
    body: fc.option(jsonBody),
  })
  .map(({ method: m, path: p, headers, host, body }) => {
    const bodyBytes = body === null ? Buffer.alloc(0) : Buffer.from(body, 'utf8');
    const lines = [`${m} ${p} HTTP/1.1`, `Host: ${host}`];
    for (const [name, value] of headers) {
      if (/^(host|content-length|transfer-encoding)$/i.test(name)) continue;
      lines.push(`${name}: ${value}`);
    }
    lines.push(`Content-Length: ${bodyBytes.length}`, 'Connection: close');
    return {
      path: p.split('?')[0] as string,
      bytes: Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bodyBytes]),
    };
  });

/** Anything at all: random bytes, broken request lines, lying lengths, bad chunking. */
const malformed = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 200 }).map((s) => Buffer.from(s, 'utf8')),
  fc
    .tuple(
      method,
      path,
      fc.constantFrom('HTTP/1.1', 'HTTP/9.9', 'HTTP/1.1 x', ''),
      fc.constantFrom(
        'Content-Length: 5\r\n\r\nab',
        'Content-Length: -1\r\n\r\n',
        'Content-Length: 2\r\nContent-Length: 3\r\n\r\nabc',
        'Transfer-Encoding: chunked\r\n\r\nzz\r\n',
        'Transfer-Encoding: chunked\r\n\r\n5\r\nab',
        'X: \u0001\r\n\r\n',
        `X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        '\r\n',
        'Content-Length: 20000\r\n\r\n' + 'x'.repeat(20_000),
      ),
    )
    .map(([m, p, version, rest]) => Buffer.from(`${m} ${p} ${version}\r\nHost: 127.0.0.1\r\n${rest}`, 'latin1')),
);

function allowed(path: string, status: number): boolean {
  if (status < 500) return true;
  return status === 503 && MAY_BE_UNAVAILABLE.includes(path);
}

describe('the debug port under fuzzing', () => {
  it('answers every well-formed request, never with an unexpected 5xx, and stays up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(wellFormed, { minLength: 1, maxLength: 4 }), async (requests) => {
        for (const request of requests) {
          const status = await exchange(request.bytes);
          expect(status, request.bytes.toString('latin1').slice(0, 300)).not.toBeNull();
          expect(
            allowed(request.path, status!),
            `${status} for ${request.bytes.toString('latin1').slice(0, 300)}`,
          ).toBe(true);
        }
        await expectAlive();
      }),
      { numRuns: Math.max(FEW_RUNS, 20) },
    );
  });
  it('refuses malformed requests with a 4xx (or a closed connection), and stays up', async () => {
    await fc.assert(
      fc.asyncProperty(malformed, async (bytes) => {
        const status = await exchange(bytes);
        if (status !== null) expect(status, bytes.toString('latin1').slice(0, 200)).toBeLessThan(500);
        await expectAlive();
      }),
      { numRuns: Math.max(FEW_RUNS, 20) },
    );
  });
});
