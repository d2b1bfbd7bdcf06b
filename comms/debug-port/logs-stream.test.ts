import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../../messages/runtime-event.js';
import { VirtualClock } from '../../time/virtual-clock.js';
import { EventStore } from './event-store.js';
import { startDebugServer } from './http-server.js';
import type { DebugServer } from './http-server.js';
import { LogStream, formatLogEvent, logEntryOf } from './logs-stream.js';
import type { StreamResponse, StreamSink } from './routes.js';
import { StatusStore } from './status-store.js';

/** Events as the main thread posts them: the lidar drops out, the reflex stops the robot, the lidar comes back. */
function lidarOutage(): RuntimeEvent[] {
  return [
    {
      seq: 1,
      atUs: 4_000_000,
      kind: 'device-health',
      device: 'lidar0',
      from: 'ok',
      to: 'failed',
      reason: 'no data for 200 ms',
    },
    {
      seq: 2,
      atUs: 4_010_000,
      kind: 'reflex-trip',
      rule: 'lidar-stale',
      reason: 'lidar data is 210 ms old',
      blackBox: [
        {
          tUs: 4_000_000,
          cmdVMps: 0.4,
          cmdWRadps: 0,
          appliedVMps: 0.4,
          appliedWRadps: 0,
          aheadFreeM: 1.5,
          lidarAgeMs: 200,
          batteryV: 12.1,
          tiltDeg: 0.5,
          action: 'pass',
          rule: '',
        },
      ],
    },
    { seq: 3, atUs: 6_500_000, kind: 'device-health', device: 'lidar0', from: 'failed', to: 'ok', reason: '' },
  ];
}

class RecordingSink implements StreamSink {
  text = '';
  ended = false;
  write(chunk: string): void {
    this.text += chunk;
  }
  end(): void {
    this.ended = true;
  }
}

/** Opens the stream route as the server would, with the given headers. */
function open(logs: LogStream, headers: Record<string, string> = {}) {
  const [route] = logs.routes();
  const response = route!.handle({ method: 'GET', path: '/api/v1/logs', query: new URLSearchParams(), headers });
  const stream = response as StreamResponse;
  const sink = new RecordingSink();
  const close = stream.open(sink);
  return { stream, sink, close };
}

/** The `data:` payloads and `id:` fields of every `event: log` in `text`. */
function logEvents(text: string): Array<{ id: number; data: unknown }> {
  return text
    .split('\n\n')
    .filter((block) => block.includes('event: log'))
    .map((block) => {
      const lines = block.split('\n');
      const id = Number(lines.find((l) => l.startsWith('id: '))?.slice(4));
      const data = JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6)) as unknown;
      return { id, data };
    });
}

describe('formatLogEvent', () => {
  it('writes id, event and one line of JSON without the black box', () => {
    const trip = lidarOutage()[1]!;
    expect(formatLogEvent(trip)).toBe(
      'id: 2\nevent: log\ndata: {"seq":2,"atUs":4010000,"kind":"reflex-trip","rule":"lidar-stale","reason":"lidar data is 210 ms old"}\n\n',
    );
    expect(logEntryOf(lidarOutage()[0]!)).toEqual(lidarOutage()[0]);
  });
});

describe('LogStream', () => {
  it('sends each event once as it is published, to every client', () => {
    const events = new EventStore();
    const logs = new LogStream(events, new VirtualClock());
    const a = open(logs);
    const b = open(logs);
    expect(a.stream).toMatchObject({ status: 200, contentType: 'text/event-stream; charset=utf-8' });
    for (const event of lidarOutage()) {
      events.add(event);
      logs.publish(event);
    }
    logs.publish(lidarOutage()[2]!);
    expect(logEvents(a.sink.text).map((e) => e.id)).toEqual([1, 2, 3]);
    expect(logEvents(b.sink.text).map((e) => e.id)).toEqual([1, 2, 3]);
    expect(a.sink.text.startsWith('retry: ')).toBe(true);
    expect(logs.clientCount).toBe(2);
  });

  it('writes a keep-alive comment every 15 s until the client goes', () => {
    const clock = new VirtualClock();
    const logs = new LogStream(new EventStore(), clock);
    const { sink, close } = open(logs);
    clock.advanceBy(14_999_000);
    expect(sink.text).not.toContain(': keep-alive');
    clock.advanceBy(1_000);
    expect(sink.text.match(/^: keep-alive$/gm)).toHaveLength(1);
    clock.advanceBy(30_000_000);
    expect(sink.text.match(/^: keep-alive$/gm)).toHaveLength(3);
    close();
    expect(logs.clientCount).toBe(0);
    const before = sink.text;
    clock.advanceBy(60_000_000);
    logs.publish(lidarOutage()[0]!);
    expect(sink.text).toBe(before);
  });

  it('replays the stored events after Last-Event-ID, then carries on live without repeats', () => {
    const events = new EventStore();
    const logs = new LogStream(events, new VirtualClock());
    const [first, second, third] = lidarOutage() as [RuntimeEvent, RuntimeEvent, RuntimeEvent];
    events.add(first);
    events.add(second);
    const { sink } = open(logs, { 'last-event-id': '1' });
    expect(logEvents(sink.text).map((e) => e.id)).toEqual([2]);
    logs.publish(second);
    events.add(third);
    logs.publish(third);
    expect(logEvents(sink.text).map((e) => e.id)).toEqual([2, 3]);
    expect(logEvents(sink.text)[0]!.data).not.toHaveProperty('blackBox');
  });

  it('says which events are gone when the store no longer holds them', () => {
    const events = new EventStore(2);
    const logs = new LogStream(events, new VirtualClock());
    for (const event of lidarOutage()) events.add(event);
    const { sink } = open(logs, { 'last-event-id': '0' });
    expect(sink.text).toContain(': events 1..1 are no longer kept\n\n');
    expect(logEvents(sink.text).map((e) => e.id)).toEqual([2, 3]);
  });

  it('takes an id beyond the newest event as one from an earlier run and streams live events', () => {
    const events = new EventStore();
    const logs = new LogStream(events, new VirtualClock());
    const { sink } = open(logs, { 'last-event-id': '500' });
    expect(sink.text).toContain(': event 500 is from an earlier run');
    const event = lidarOutage()[0]!;
    events.add(event);
    logs.publish(event);
    expect(logEvents(sink.text).map((e) => e.id)).toEqual([1]);
  });

  it('ignores a malformed Last-Event-ID', () => {
    const events = new EventStore();
    const logs = new LogStream(events, new VirtualClock());
    for (const event of lidarOutage()) events.add(event);
    const { sink } = open(logs, { 'last-event-id': '-1; drop table' });
    expect(logEvents(sink.text)).toEqual([]);
  });

  it('refuses a keep-alive period that is not positive', () => {
    expect(() => new LogStream(new EventStore(), new VirtualClock(), { keepAliveMs: 0 })).toThrow(/keepAliveMs/);
  });
});

describe('GET /api/v1/logs over HTTP', () => {
  const servers: DebugServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function serve() {
    const clock = new VirtualClock();
    const events = new EventStore();
    const logs = new LogStream(events, clock);
    const server = await startDebugServer({
      listen: '127.0.0.1:0',
      store: new StatusStore(clock),
      extraRoutes: logs.routes(),
    });
    servers.push(server);
    return { clock, events, logs, server };
  }

  /** Opens the stream and collects what arrives; `ended` settles when the server ends it. */
  function connect(address: string, headers: Record<string, string> = {}) {
    const [host, port] = address.split(':');
    const received = { text: '' };
    let wake: () => void = () => undefined;
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      const req = request({ host, port: Number(port), path: '/api/v1/logs', headers }, resolve);
      req.on('error', reject);
      req.end();
    });
    const ended = response.then(
      (res) =>
        new Promise<void>((resolve) => {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            received.text += chunk;
            wake();
          });
          res.on('end', resolve);
        }),
    );
    const until = async (predicate: (text: string) => boolean): Promise<void> => {
      while (!predicate(received.text)) await new Promise<void>((resolve) => (wake = resolve));
    };
    return { response, ended, received, until };
  }

  it('streams events with the SSE headers and ends cleanly when the server closes', async () => {
    const { clock, events, logs, server } = await serve();
    const [first, second] = lidarOutage() as [RuntimeEvent, RuntimeEvent];
    events.add(first);
    const client = connect(server.address, { 'last-event-id': '0' });
    const res = await client.response;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    await client.until((t) => t.includes('id: 1\n'));

    events.add(second);
    logs.publish(second);
    clock.advanceBy(15_000_000);
    await client.until((t) => t.includes(': keep-alive'));
    expect(logEvents(client.received.text).map((e) => e.id)).toEqual([1, 2]);
    expect(logs.clientCount).toBe(1);
    expect(server.requests.rows()).toContainEqual({ route: '/api/v1/logs', status: 200, count: 1 });

    await server.close();
    servers.splice(0);
    await client.ended;
    expect(logs.clientCount).toBe(0);
  });

  it('forgets a client that disconnects', async () => {
    const { logs, server } = await serve();
    const client = connect(server.address);
    const res = await client.response;
    await client.until((t) => t.includes('retry:'));
    expect(logs.clientCount).toBe(1);
    res.destroy();
    while (logs.clientCount > 0) await new Promise((resolve) => setImmediate(resolve));
    expect(logs.clientCount).toBe(0);
  });

  it('answers HEAD with the headers only', async () => {
    const { logs, server } = await serve();
    const res = await fetch(`http://${server.address}/api/v1/logs`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(logs.clientCount).toBe(0);
  });
});
