import createDebug from 'debug';
import type { Clock } from '../../time/clock.js';
import { US_PER_MS } from '../../time/clock.js';
import type { RuntimeEvent } from '../../messages/runtime-event.js';
import type { EventPages } from './event-store.js';
import type { Route, StreamSink } from './routes.js';

const log = createDebug('spinal:comms:debug-port:logs');

/** Time between `: keep-alive` comments on an idle stream, milliseconds. */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;
/** Reconnect delay suggested to the browser (`retry:` field), milliseconds. */
const RETRY_MS = 2_000;
/** Most events replayed after a `Last-Event-ID`. */
const MAX_REPLAY = 1_000;

export interface LogStreamOptions {
  /** Time between keep-alive comments, milliseconds. Default {@link DEFAULT_KEEP_ALIVE_MS}. */
  keepAliveMs?: number;
}

type WithoutBlackBox<E> = E extends { blackBox: unknown } ? Omit<E, 'blackBox'> : E;

/** A runtime event as the log stream sends it: without a trip's black box. */
export type LogEntry = WithoutBlackBox<RuntimeEvent>;

/** `event` without its black box (a reflex trip's is 2 s at loop rate: too big for a log line). */
export function logEntryOf(event: RuntimeEvent): LogEntry {
  if (event.kind !== 'reflex-trip') return event;
  const { blackBox: _blackBox, ...entry } = event;
  return entry;
}

/** One server-sent event: `id:`, `event: log`, `data:` the entry as one line of JSON, and a blank line. */
export function formatLogEvent(event: RuntimeEvent): string {
  return `id: ${event.seq}\nevent: log\ndata: ${JSON.stringify(logEntryOf(event))}\n\n`;
}

interface Client {
  sink: StreamSink;
  lastSeq: number;
}

/**
 * `GET /api/v1/logs` (BRIEF §5): runtime events as server-sent events, one `event: log` per
 * event as it is {@link LogStream.publish}ed, with a `: keep-alive` comment every
 * `keepAliveMs` (on the given clock). A client that sends `Last-Event-ID: SEQ` first gets the
 * newer events the {@link EventPages} still holds (and a comment when older ones are gone), then
 * the live ones, each once.
 */
export class LogStream {
  private readonly clients = new Set<Client>();
  private readonly keepAliveUs: number;

  constructor(
    private readonly events: EventPages,
    private readonly clock: Pick<Clock, 'every'>,
    options: LogStreamOptions = {},
  ) {
    const keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
    if (!(keepAliveMs > 0)) throw new RangeError(`LogStream: keepAliveMs must be > 0, got ${keepAliveMs}`);
    this.keepAliveUs = keepAliveMs * US_PER_MS;
  }

  /** Streams connected now. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Sends `event` to every connected client (call it as the event arrives, after storing it). */
  publish(event: RuntimeEvent): void {
    if (this.clients.size === 0) return;
    const text = formatLogEvent(event);
    for (const client of this.clients) {
      if (event.seq <= client.lastSeq) continue;
      client.lastSeq = event.seq;
      client.sink.write(text);
    }
  }

  /** The `GET /api/v1/logs` route. */
  routes(): Route[] {
    return [
      {
        method: 'GET',
        path: '/api/v1/logs',
        mutating: false,
        handle: (request) => {
          const lastEventId = parseLastEventId(request.headers['last-event-id']);
          return {
            status: 200,
            contentType: 'text/event-stream; charset=utf-8',
            headers: { connection: 'keep-alive' },
            open: (sink) => this.attach(sink, lastEventId),
          };
        },
      },
    ];
  }

  private attach(sink: StreamSink, lastEventId: number | null): () => void {
    const client: Client = { sink, lastSeq: 0 };
    sink.write(`retry: ${RETRY_MS}\n\n`);
    if (lastEventId !== null) this.replay(client, lastEventId);
    this.clients.add(client);
    const cancelKeepAlive = this.clock.every(this.keepAliveUs, () => sink.write(': keep-alive\n\n'));
    log('client connected (%d open), replaying after %s', this.clients.size, lastEventId ?? 'nothing');
    return () => {
      cancelKeepAlive();
      this.clients.delete(client);
      log('client gone (%d open)', this.clients.size);
    };
  }

  /** Sends the stored events after `after`; an id beyond the newest one is from an earlier run. */
  private replay(client: Client, after: number): void {
    const { events, firstSeq, lastSeq } = this.events.since(after, MAX_REPLAY);
    if (lastSeq === null || after > lastSeq) {
      client.sink.write(`: event ${after} is from an earlier run; live events follow\n\n`);
      return;
    }
    if (firstSeq !== null && firstSeq > after + 1) {
      client.sink.write(`: events ${after + 1}..${firstSeq - 1} are no longer kept\n\n`);
    }
    for (const event of events) client.sink.write(formatLogEvent(event));
    client.lastSeq = events.at(-1)?.seq ?? after;
  }
}

/** A whole `Last-Event-ID` >= 0, or null when absent or malformed (then nothing is replayed). */
function parseLastEventId(header: string | string[] | undefined): number | null {
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || !/^\d{1,15}$/.test(text.trim())) return null;
  return Number(text.trim());
}
