import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import createDebug from 'debug';
import { sanitizeExternalText } from '../../messages/external-text.js';
import { formatListenAddress, parseListenAddress } from '../../config/listen-address.js';
import {
  MALFORMED_ROUTE,
  RequestCounts,
  UNMATCHED_ROUTE,
  matchRoute,
  methodNotAllowed,
  notFound,
  statusRoutes,
} from './routes.js';
import { guardRequest, redactTarget, type AccessPolicy, type RouteAccess } from './request-guard.js';
import { HalfOpenCap, RequestRateLimiter, type RateClass } from './connection-limits.js';
import type { JsonResponse, Route, RouteResponse, StreamResponse, StreamSink, TextResponse } from './routes.js';
import type { StatusStore } from './status-store.js';
import { DEFAULT_MAX_HALF_OPEN, DEFAULT_MAX_STREAMS, STREAM_RETRY_AFTER_S } from './connection-limits.js';

const log = createDebug('spinal:comms:debug-port');

/** The configuration parameter that sets the debug port's address, as errors name it. */
export const LISTEN_PARAMETER = 'debug.listen';
/** The environment variable that overrides {@link LISTEN_PARAMETER}. */
export const LISTEN_ENV = 'SPINAL_DEBUG_LISTEN';

/** Time a client has to send the request headers, milliseconds. */
const HEADERS_TIMEOUT_MS = 10_000;
/** Time a client has to send the whole request, milliseconds. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Unsent bytes a streaming client may fall behind by before it is dropped. */
const MAX_STREAM_BACKLOG_BYTES = 1024 * 1024;

export interface DebugServerOptions {
  /** `host:port` to bind (`[::1]:8080` for IPv6); port 0 binds an ephemeral port. */
  listen: string;
  /** Where the read-only routes take the runtime's status from. */
  store: StatusStore;
  /** Bearer token for mutating routes when bound beyond loopback; none (default): they are refused there. */
  token?: string;
  /** Read-only token for the other routes when bound beyond loopback; none (default): they need `token`. */
  readToken?: string;
  /** Host names besides the bound address and loopback names that the `Host` header may carry. */
  allowedHosts?: readonly string[];
  /** Clock time for the rate limits, microseconds; default: `performance.now()`. */
  nowUs?: () => number;
  /** Connections waiting for their first request kept at most (default {@link DEFAULT_MAX_HALF_OPEN}). */
  maxHalfOpen?: number;
  /** Streams open at once at most (default {@link DEFAULT_MAX_STREAMS}); one more is answered 503. */
  maxStreams?: number;
  /** Routes served after the built-in status routes (a path and method defined twice: the first wins). */
  extraRoutes?: readonly Route[];
  /** Counters to count requests into; default: a fresh set, exposed on the returned server. */
  requests?: RequestCounts;
}

/** A running debug port. */
export interface DebugServer {
  /** `host:port` actually bound (the real port when 0 was asked for). */
  address: string;
  /** Requests answered, by route and status. */
  requests: RequestCounts;
  /** Stops listening, ends open streams, drops open connections; resolves once the socket is closed. */
  close(): Promise<void>;
}

/**
 * The debug port could not be bound. `code` is the system error code (`EADDRINUSE`, `EACCES`,
 * `EADDRNOTAVAIL`, ...) or `EINVAL` for an unparseable address; the message names the address and
 * the parameter to change.
 */
export class DebugListenError extends Error {
  override readonly name = 'DebugListenError';
  constructor(
    readonly code: string,
    /** The address as configured. */
    readonly address: string,
    message: string,
  ) {
    super(message);
  }
}

/** Plain-words explanation of a failed bind of `address`, naming the parameter to change. */
export function listenFailureMessage(code: string, address: string, detail = ''): string {
  const change = `set ${LISTEN_PARAMETER} (${LISTEN_ENV})`;
  switch (code) {
    case 'EADDRINUSE':
      return `${address} is in use by another process; ${change} to another port`;
    case 'EACCES':
      return `${address} may not be bound by this user (ports below 1024 need privileges); ${change} to a port above 1023`;
    case 'EADDRNOTAVAIL':
      return `${address} is not an address of this machine; ${change} to a local address`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host in ${address} cannot be resolved; ${change} to an IP address`;
    default:
      return `cannot listen on ${address}${detail ? `: ${detail}` : ''}; check ${LISTEN_PARAMETER} (${LISTEN_ENV})`;
  }
}

/**
 * Starts the HTTP debug port (BRIEF §5) on `options.listen`. Resolves once bound; rejects with a
 * {@link DebugListenError} when the address is malformed or cannot be bound. Requests are answered
 * from the store alone; a malformed or failing request gets a JSON error and never stops the server.
 */
export async function startDebugServer(options: DebugServerOptions): Promise<DebugServer> {
  let host: string;
  let port: number;
  try {
    ({ host, port } = parseListenAddress(options.listen, `${LISTEN_PARAMETER} (${LISTEN_ENV})`));
  } catch (error) {
    throw new DebugListenError('EINVAL', options.listen, (error as Error).message);
  }
  const requests = options.requests ?? new RequestCounts();
  const routes = [...statusRoutes(options.store), ...(options.extraRoutes ?? [])];
  const bound = { host, address: options.listen };
  const streams = new Set<OpenStream>();
  const policy: AccessPolicy = {
    boundHost: host,
    allowedHosts: (options.allowedHosts ?? []).map((name) => name.toLowerCase()),
    token: options.token,
    readToken: options.readToken,
  };
  const limiter = new RequestRateLimiter(options.nowUs ?? (() => performance.now() * 1e3));
  const halfOpen = new HalfOpenCap(options.maxHalfOpen ?? DEFAULT_MAX_HALF_OPEN);
  const maxStreams = options.maxStreams ?? DEFAULT_MAX_STREAMS;

  const server = createServer(
    { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    (req, res) => {
      halfOpen.settled(req.socket);
      void answer(req, res, { routes, requests, streams, policy, limiter, maxStreams });
    },
  );
  server.on('connection', (socket: Duplex) => {
    halfOpen.opened(socket);
    socket.once('close', () => halfOpen.settled(socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => refuseBadRequest(error, socket, requests));
  // Node hands CONNECT to this event and, with no listener, drops the connection unanswered.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => refuseConnect(socket, requests));

  await listen(server, host, port, options.listen);
  const info = server.address() as AddressInfo;
  bound.host = info.address;
  policy.boundHost = info.address;
  bound.address = formatListenAddress(info.address, info.port);
  server.on('error', (error) => log('server error: %s', error.message));
  log('listening on %s', bound.address);

  return {
    address: bound.address,
    requests,
    close: async () => {
      await Promise.all([...streams].map((stream) => stream.finish()));
      await new Promise<void>((resolve) => {
        server.close(() => {
          log('closed %s', bound.address);
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}

function listen(server: Server, host: string, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      const code = error.code ?? 'EUNKNOWN';
      const message = listenFailureMessage(code, address, error.message);
      log('listen failed: %s', message);
      reject(new DebugListenError(code, address, message));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
}

interface AnswerContext {
  routes: readonly Route[];
  requests: RequestCounts;
  streams: Set<OpenStream>;
  policy: AccessPolicy;
  limiter: RequestRateLimiter;
  maxStreams: number;
}

function accessOf(route: Route): RouteAccess {
  return route.mutating ? 'write' : route.open ? 'open' : 'read';
}

function rateClassOf(route: Route): RateClass {
  return route.neverRateLimited ? 'estop' : route.mutating ? 'write' : 'read';
}

async function answer(req: IncomingMessage, res: ServerResponse, ctx: AnswerContext): Promise<void> {
  req.on('error', (error) => log('request error: %s', error.message));
  const method = req.method ?? 'GET';
  let label = MALFORMED_ROUTE;
  let response: RouteResponse;
  try {
    const target = splitTarget(req.url ?? '');
    if (!target) {
      response = { status: 400, body: { error: 'bad request', reason: 'the request target is not a path' } };
    } else {
      const match = matchRoute(ctx.routes, method, target.path);
      if (match.kind === 'not-found') {
        label = UNMATCHED_ROUTE;
        response = notFound(target.path);
      } else if (match.kind === 'method-not-allowed') {
        label = target.path;
        response = methodNotAllowed(method, match.allow);
      } else {
        label = match.route.path;
        const route = match.route;
        const rateClass = rateClassOf(route);
        const peer = req.socket.remoteAddress ?? 'unknown';
        const verdict = guardRequest(
          { method, headers: req.headers, query: target.query },
          accessOf(route),
          ctx.policy,
        );
        if (!verdict.allowed) {
          response = verdict.response;
        } else if (rateClass !== 'estop' && !ctx.limiter.take(rateClass, peer)) {
          response = {
            status: 429,
            body: { error: 'too many requests', reason: `slow down; POST /api/v1/estop is never limited` },
            headers: { 'retry-after': String(ctx.limiter.retryAfterS(rateClass)) },
          };
        } else {
          const body = method === 'POST' || method === 'PUT' ? await readJsonBody(req) : undefined;
          const origin = req.headers.origin;
          response =
            body instanceof Error
              ? { status: 400, body: { error: 'bad request', reason: body.message } }
              : await route.handle({
                  method,
                  path: target.path,
                  query: target.query,
                  headers: req.headers,
                  body,
                  params: match.params,
                  requester: {
                    via: 'debug-port',
                    remoteAddress: req.socket.remoteAddress ?? null,
                    origin: origin === undefined ? null : sanitizeExternalText(origin, 200),
                    authenticated: verdict.authenticated,
                  },
                });
        }
      }
    }
  } catch (error) {
    log(
      '%s %s failed: %s',
      sanitizeExternalText(method, 20),
      redactTarget(req.url ?? ''),
      error instanceof Error ? (error.stack ?? error.message) : String(error),
    );
    response = { status: 500, body: { error: 'internal error' } };
  }
  if ('open' in response && ctx.streams.size >= ctx.maxStreams) {
    response = {
      status: 503,
      body: { error: 'service unavailable', reason: `${ctx.maxStreams} streams are open already; try again later` },
      headers: { 'retry-after': String(STREAM_RETRY_AFTER_S) },
    };
  }
  ctx.requests.add(label, response.status);
  log('%s %s -> %d', sanitizeExternalText(method, 20), redactTarget(req.url ?? ''), response.status);
  if ('open' in response) openStream(res, method, response, ctx.streams);
  else send(res, method, response);
}

/** A streaming answer in progress. */
interface OpenStream {
  /** Ends the answer and resolves once it is flushed (at once for a client that stopped reading). */
  finish(): Promise<void>;
}

/** Sends a stream's headers and keeps it in `streams` until the client or the server ends it. */
function openStream(res: ServerResponse, method: string, response: StreamResponse, streams: Set<OpenStream>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(response.status, {
    ...response.headers,
    'content-type': response.contentType,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  if (method === 'HEAD') {
    res.end();
    return;
  }
  res.flushHeaders();
  let closed = false;
  let release: () => void = () => undefined;
  const stream: OpenStream = {
    finish: () =>
      new Promise<void>((resolve) => {
        if (res.writableFinished || res.destroyed) return resolve();
        res.once('close', () => resolve());
        if (res.writableEnded || res.writableNeedDrain) res.destroy();
        else res.end(() => res.destroy());
      }),
  };
  const onClose = (): void => {
    if (closed) return;
    closed = true;
    streams.delete(stream);
    release();
  };
  streams.add(stream);
  res.once('close', onClose);
  res.once('finish', onClose);
  try {
    release = response.open(sinkOf(res, () => closed));
  } catch (error) {
    log('a stream failed to open: %s', error instanceof Error ? error.message : String(error));
    res.destroy();
    return;
  }
  if (closed) release();
}

/** The sink a stream writes to; a client more than {@link MAX_STREAM_BACKLOG_BYTES} behind is dropped. */
function sinkOf(res: ServerResponse, isClosed: () => boolean): StreamSink {
  return {
    write: (chunk) => {
      if (isClosed()) return;
      res.write(chunk);
      if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) {
        log('dropped a stream client %d bytes behind', res.writableLength);
        res.destroy();
      }
    },
    end: () => {
      if (!isClosed()) res.end();
    },
  };
}

/** Sends a JSON or text answer with its length. */
function send(res: ServerResponse, method: string, response: JsonResponse | TextResponse): void {
  if ('text' in response) {
    sendBytes(res, method, response.status, response.contentType, Buffer.from(response.text, 'utf8'), response.headers);
  } else {
    sendJson(res, method, response);
  }
}

/** Largest request body read, bytes: operator commands are small. */
const MAX_BODY_BYTES = 16 * 1024;

/** Reads a JSON body (undefined when empty); a malformed or oversized one is an Error to answer 400 with. */
function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return resolve(new Error(`the body is over ${MAX_BODY_BYTES} bytes`));
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        resolve(new Error('the body is not valid JSON'));
      }
    });
    req.on('error', (error) => resolve(error));
  });
}

/** Splits an origin-form request target (`/path?query`); anything else is refused. */
function splitTarget(url: string): { path: string; query: URLSearchParams } | null {
  if (!url.startsWith('/')) return null;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return { path, query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) };
}

function sendJson(res: ServerResponse, method: string, response: JsonResponse): void {
  let text: string;
  try {
    text = `${JSON.stringify(response.body)}\n`;
  } catch (error) {
    log('cannot serialize response: %s', (error as Error).message);
    response = { status: 500, body: { error: 'internal error' } };
    text = `${JSON.stringify(response.body)}\n`;
  }
  sendBytes(
    res,
    method,
    response.status,
    'application/json; charset=utf-8',
    Buffer.from(text, 'utf8'),
    response.headers,
  );
}

function sendBytes(
  res: ServerResponse,
  method: string,
  status: number,
  contentType: string,
  body: Buffer,
  headers: Record<string, string> | undefined,
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-length': body.length,
  });
  res.end(method === 'HEAD' ? undefined : body);
}

/** Answers what the HTTP parser rejected (bad syntax, oversized headers, timeouts) and closes. */
function refuseBadRequest(error: NodeJS.ErrnoException, socket: Duplex, requests: RequestCounts): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  log('refused a request (%s): %d', error.code, status);
  endWithStatus(socket, status, requests);
}

/** Answers a CONNECT (the port is no proxy) with 405 and closes. */
function refuseConnect(socket: Duplex, requests: RequestCounts): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  log('refused a CONNECT: 405');
  endWithStatus(socket, 405, requests);
}

/** Writes a bare JSON error answer straight to the socket, counts it as malformed, and closes. */
function endWithStatus(socket: Duplex, status: number, requests: RequestCounts): void {
  requests.add(MALFORMED_ROUTE, status);
  const body = `${JSON.stringify({ error: (STATUS_CODES[status] ?? 'bad request').toLowerCase() })}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'content-type: application/json; charset=utf-8\r\ncache-control: no-store\r\nconnection: close\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
