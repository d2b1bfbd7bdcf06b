import type { IncomingHttpHeaders } from 'node:http';
import type { Requester } from '../../messages/runtime-event.js';
import type { EventPages } from './event-store.js';
import type { StatusStore } from './status-store.js';

/** A JSON answer; the server serializes `body` and adds the common headers. */
export interface JsonResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** What a handler sees of a request. */
export interface RouteRequest {
  method: string;
  /** Path without the query, as sent (not percent-decoded). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body of a POST/PUT (undefined when empty). */
  body?: unknown;
  /** Who sent it (peer address, origin, whether a valid token came with it), for the event log; the server always sets it. */
  requester?: Requester;
  /** The values of the route's `{name}` path segments, percent-decoded. */
  params?: Record<string, string>;
}

/** A text answer sent as is (the metrics exposition, the web page); the server adds the common headers. */
export interface TextResponse {
  status: number;
  /** The `content-type` header, e.g. `text/html; charset=utf-8`. */
  contentType: string;
  text: string;
  headers?: Record<string, string>;
}

/** Where a streaming answer writes; the server drops a client that falls too far behind. */
export interface StreamSink {
  write(chunk: string): void;
  /** Ends the answer; the close callback still runs. */
  end(): void;
}

/**
 * An open-ended answer (server-sent events). The server sends the headers, then calls `open` with
 * the sink; the function `open` returns is called once when the client goes away or the server
 * closes (after which the sink ignores writes). A HEAD request gets the headers only.
 */
export interface StreamResponse {
  status: number;
  contentType: string;
  headers?: Record<string, string>;
  open(sink: StreamSink): () => void;
}

/** Any answer a route may give. */
export type RouteResponse = JsonResponse | TextResponse | StreamResponse;

export type RouteHandler = (request: RouteRequest) => RouteResponse | Promise<RouteResponse>;

/** One method on one path. A GET route answers HEAD as well. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path; a segment `{name}` matches any one segment, given to the handler in `params`. */
  path: string;
  /**
   * Changes robot state: only the port's own page and tools may call it (same origin, JSON body),
   * and beyond loopback it needs the write token (see `request-guard.ts`).
   */
  mutating: boolean;
  /** Readable without a token even beyond loopback (`/healthz` only). Default false. */
  open?: boolean;
  /** Never rate limited (the e-stop: a flood of other requests must not keep it out). Default false. */
  neverRateLimited?: boolean;
  handle: RouteHandler;
}

/** Outcome of looking a request up in the route table. */
export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

/** Most events one `GET /api/v1/events` answers with. */
const MAX_EVENTS_PER_PAGE = 1_000;

/** `GET /api/v1/events?since=SEQ[&limit=N]`: events after SEQ, oldest first. */
export function eventRoutes(events: EventPages): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/events',
      mutating: false,
      handle: (request) => {
        const since = Number(request.query.get('since') ?? '0');
        const limit = Number(request.query.get('limit') ?? String(MAX_EVENTS_PER_PAGE));
        if (!Number.isInteger(since) || since < 0) {
          return { status: 400, body: { error: 'since must be a whole number >= 0 (an event sequence number)' } };
        }
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENTS_PER_PAGE) {
          return { status: 400, body: { error: `limit must be a whole number in 1..${MAX_EVENTS_PER_PAGE}` } };
        }
        return { status: 200, body: events.since(since, limit) };
      },
    },
  ];
}

/** Longest path echoed back in a 404 body, characters. */
const MAX_ECHOED_PATH = 256;

/** The read-only routes of the debug port (BRIEF §5), answering from `store`. */
export function statusRoutes(store: StatusStore): Route[] {
  const unavailable = (): JsonResponse => ({
    status: 503,
    body: { error: 'status unavailable', reason: 'the runtime has not published a status yet' },
  });
  return [
    {
      method: 'GET',
      path: '/healthz',
      mutating: false,
      open: true,
      handle: () => ({ status: 200, body: { status: 'ok' } }),
    },
    {
      method: 'GET',
      path: '/readyz',
      mutating: false,
      handle: () => {
        const readiness = store.readiness();
        if (readiness.ready) return { status: 200, body: { ready: true } };
        return { status: 503, body: { ready: false, reason: readiness.reason } };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/status',
      mutating: false,
      handle: () => {
        const snapshot = store.latest();
        if (!snapshot) return unavailable();
        return { status: 200, body: { ...snapshot.status, statusAgeMs: snapshot.ageMs, stale: snapshot.stale } };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/devices',
      mutating: false,
      handle: () => {
        const snapshot = store.latest();
        if (!snapshot) return unavailable();
        return {
          status: 200,
          body: { devices: snapshot.status.devices, statusAgeMs: snapshot.ageMs, stale: snapshot.stale },
        };
      },
    },
  ];
}

/**
 * Finds the route for `method` and `path`. HEAD matches a GET route. A known path asked with another
 * method yields the methods it allows (for the `allow` header).
 */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const matches = routes.flatMap((route) => {
    const params = matchPath(route.path, path);
    return params ? [{ route, params }] : [];
  });
  if (matches.length === 0) return { kind: 'not-found' };
  const onPath = matches.map((m) => m.route);
  const wanted = method === 'HEAD' ? 'GET' : method;
  const found = matches.find((m) => m.route.method === wanted);
  if (found) return { kind: 'found', route: found.route, params: found.params };
  const allow = new Set<string>();
  for (const r of onPath) {
    allow.add(r.method);
    if (r.method === 'GET') allow.add('HEAD');
  }
  return { kind: 'method-not-allowed', allow: [...allow] };
}

/** The `{name}` segments' values when `path` fits `pattern`, else null. */
function matchPath(pattern: string, path: string): Record<string, string> | null {
  if (!pattern.includes('{')) return pattern === path ? {} : null;
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    const value = got[i]!;
    if (segment.startsWith('{') && segment.endsWith('}')) {
      if (value === '') return null;
      try {
        params[segment.slice(1, -1)] = decodeURIComponent(value);
      } catch {
        return null;
      }
    } else if (segment !== value) return null;
  }
  return params;
}

/** The 404 answer; the path is echoed back, cut to a bounded length. */
export function notFound(path: string): JsonResponse {
  const echoed = path.length > MAX_ECHOED_PATH ? `${path.slice(0, MAX_ECHOED_PATH)}...` : path;
  return { status: 404, body: { error: 'not found', path: echoed } };
}

/** The 405 answer, with the `allow` header. */
export function methodNotAllowed(method: string, allow: readonly string[]): JsonResponse {
  return {
    status: 405,
    body: { error: 'method not allowed', method, allow },
    headers: { allow: allow.join(', ') },
  };
}

/** Label under which requests for no known path are counted (keeps the label set bounded). */
export const UNMATCHED_ROUTE = '(unmatched)';
/** Label under which requests whose URL cannot be parsed are counted. */
export const MALFORMED_ROUTE = '(malformed)';

/** One counter row: requests for `route` answered with `status`. */
export interface RequestCount {
  route: string;
  status: number;
  count: number;
}

/**
 * Requests answered, by route path and status code (unknown paths under {@link UNMATCHED_ROUTE}),
 * for the `/metrics` endpoint.
 */
export class RequestCounts {
  private readonly counts = new Map<string, RequestCount>();

  add(route: string, status: number): void {
    const key = `${status} ${route}`;
    const row = this.counts.get(key);
    if (row) row.count += 1;
    else this.counts.set(key, { route, status, count: 1 });
  }

  /** Requests for `route`, all statuses together. */
  total(route: string): number {
    let sum = 0;
    for (const row of this.counts.values()) if (row.route === route) sum += row.count;
    return sum;
  }

  /** Every row, copied. */
  rows(): RequestCount[] {
    return [...this.counts.values()].map((row) => ({ ...row }));
  }
}
