import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { sanitizeExternalText } from '../../messages/external-text.js';
import { isLoopbackHost, tokenRequiredOn } from '../../config/listen-address.js';
import type { JsonResponse } from './routes.js';

/**
 * Who may use the debug port, checked before any route runs (the model is in `docs/security.md`):
 *
 * - **Host** (every route): the `Host` header must name the address the port is bound to, a
 *   loopback name or address, or one of `debug.allowedHosts`; any other name is a DNS-rebinding
 *   attempt and is refused with 421.
 * - **Same origin** (mutating routes): a browser's `Sec-Fetch-Site` must be `same-origin` or `none`
 *   and its `Origin`, when sent, must be the origin the request was addressed to; other web pages
 *   are refused with 403. Tools that send neither header (curl) pass.
 * - **JSON only** (mutating routes): the body must be declared `application/json`, which a foreign
 *   page cannot send without a CORS preflight the port never grants (415 otherwise); a DELETE has
 *   no body and needs that preflight anyway.
 * - **Token** (beyond loopback): mutating routes need `Authorization: Bearer <debug.token>`; reading
 *   needs that token or `debug.readToken`, in the header or as `?token=` (for the page and
 *   `EventSource`). `/healthz` stays open. Tokens are compared in constant time and never logged.
 */

/** What a route needs: nothing (`/healthz`), the read token, or the write token. */
export type RouteAccess = 'open' | 'read' | 'write';

export interface AccessPolicy {
  /** The address the port is bound to (`127.0.0.1`, `0.0.0.0`, `::`, ...). */
  boundHost: string;
  /** Further host names the `Host` header may carry (`debug.allowedHosts`), lower case. */
  allowedHosts: readonly string[];
  /** Write token (`debug.token`); beyond loopback, none configured: nothing that needs a token passes. */
  token?: string | undefined;
  /** Read-only token (`debug.readToken`); none: reading needs the write token. */
  readToken?: string | undefined;
  /** The machine's own addresses, for a port bound to a wildcard; default: its network interfaces. */
  localAddresses?: () => readonly string[];
}

/** A request as the guard sees it. */
export interface GuardedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  query: URLSearchParams;
}

/** The guard's verdict: refused with an answer, or allowed (and whether a valid token came with it). */
export type GuardVerdict = { allowed: false; response: JsonResponse } | { allowed: true; authenticated: boolean };

/** Runs every check for a request to a route needing `access` (see the module comment). */
export function guardRequest(request: GuardedRequest, access: RouteAccess, policy: AccessPolicy): GuardVerdict {
  const hostProblem = hostRefusal(request.headers.host, policy);
  if (hostProblem) return refuse(421, 'misdirected request', hostProblem);
  if (access === 'write') {
    const originProblem = crossOriginRefusal(request.headers);
    if (originProblem) return refuse(403, 'forbidden', originProblem);
    // A DELETE carries no body, and a foreign page cannot send one without the same preflight.
    const typeProblem = request.method === 'DELETE' ? null : contentTypeRefusal(request.headers);
    if (typeProblem) return refuse(415, 'unsupported media type', typeProblem);
  }
  return authorize(request, access, policy);
}

function refuse(status: number, error: string, reason: string, headers?: Record<string, string>): GuardVerdict {
  return { allowed: false, response: { status, body: { error, reason }, ...(headers ? { headers } : {}) } };
}

/** The host part of a `Host` header value (`[::1]:8080` -> `::1`, `Robot.local.:80` -> `robot.local`). */
export function hostOfHeader(value: string): string {
  const trimmed = value.trim().toLowerCase();
  if (trimmed.startsWith('[')) {
    const close = trimmed.indexOf(']');
    return close < 0 ? trimmed : trimmed.slice(1, close);
  }
  const colon = trimmed.lastIndexOf(':');
  const host = colon < 0 ? trimmed : trimmed.slice(0, colon);
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/** Why `hostHeader` is not a name this port answers to, or null when it is (or no header was sent). */
export function hostRefusal(hostHeader: string | undefined, policy: AccessPolicy): string | null {
  if (hostHeader === undefined) return null;
  const host = hostOfHeader(hostHeader);
  const bound = policy.boundHost.toLowerCase();
  if (host === bound || isLoopbackHost(host) || policy.allowedHosts.includes(host)) return null;
  const wildcard = bound === '0.0.0.0' || bound === '::';
  if (wildcard && isIP(host) !== 0) {
    const own = (policy.localAddresses ?? interfaceAddresses)().map((a) => a.toLowerCase());
    if (own.includes(host)) return null;
  }
  const shown = sanitizeExternalText(hostHeader, 100);
  return `Host "${shown}" is not an address of this port; add the name to debug.allowedHosts if it is this robot's`;
}

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address));
}

/**
 * Why a request is from another web origin, or null when it is not: a browser's `Sec-Fetch-Site`
 * other than `same-origin`/`none`, an `Origin` of `null`, or an `Origin` whose host and port are not
 * the `Host` the request was sent to. A request with neither header (a tool, not a page) passes.
 */
export function crossOriginRefusal(headers: IncomingHttpHeaders): string | null {
  const site = headerText(headers['sec-fetch-site'])?.toLowerCase();
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return `a ${sanitizeExternalText(site, 40)} request from a web page may not change the robot`;
  }
  const origin = headerText(headers.origin);
  if (origin === undefined) return null;
  const shown = sanitizeExternalText(origin, 100);
  let originHost: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `origin "${shown}" may not change the robot`;
    originHost = url.host.toLowerCase();
  } catch {
    return `origin "${shown}" may not change the robot`;
  }
  const host = headerText(headers.host)?.trim().toLowerCase();
  if (host === undefined || !sameHostPort(originHost, host)) {
    return `origin "${shown}" is not this port's own page; only the robot's page and tools may change the robot`;
  }
  return null;
}

/** `URL.host` leaves out the scheme's default port; the `Host` header may carry it. */
function sameHostPort(originHost: string, hostHeader: string): boolean {
  return originHost === hostHeader || `${originHost}:80` === hostHeader || `${originHost}:443` === hostHeader;
}

/** Why the body's declared type is not JSON, or null when it is `application/json`. */
export function contentTypeRefusal(headers: IncomingHttpHeaders): string | null {
  const type = headerText(headers['content-type']);
  const media = type?.split(';')[0]?.trim().toLowerCase();
  if (media === 'application/json') return null;
  return `send the body as "content-type: application/json" (got ${type === undefined ? 'none' : `"${sanitizeExternalText(type, 60)}"`})`;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The token rule. On a loopback-bound port everything passes (a valid token still counts as
 * authenticated). Bound beyond loopback, `write` needs `Authorization: Bearer <token>`; `read`
 * needs the token or the read token, in that header or as `?token=`; `open` needs nothing.
 */
export function authorize(request: GuardedRequest, access: RouteAccess, policy: AccessPolicy): GuardVerdict {
  const given = presentedToken(request, access);
  const write = given !== undefined && !!policy.token && sameSecret(given, policy.token);
  const read = write || (given !== undefined && !!policy.readToken && sameSecret(given, policy.readToken));
  const authenticated = access === 'write' ? write : read;
  if (access === 'open' || !tokenRequiredOn(policy.boundHost)) return { allowed: true, authenticated };
  const deny = (reason: string): GuardVerdict =>
    refuse(401, 'unauthorized', reason, { 'www-authenticate': 'Bearer realm="spinal"' });
  const needed = access === 'write' ? policy.token : policy.token || policy.readToken;
  if (!needed) return deny('this port is reachable beyond this machine and no token is configured');
  if (given === undefined) {
    return deny(
      access === 'write'
        ? 'missing "Authorization: Bearer <token>" header'
        : 'missing "Authorization: Bearer <token>" header (or ?token=)',
    );
  }
  if (!authenticated)
    return deny(access === 'write' ? 'wrong token (changing the robot needs debug.token)' : 'wrong token');
  return { allowed: true, authenticated };
}

function presentedToken(request: GuardedRequest, access: RouteAccess): string | undefined {
  const header = headerText(request.headers.authorization);
  const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (match?.[1]) return match[1];
  if (access === 'write') return undefined;
  const fromQuery = request.query.get('token');
  return fromQuery ? fromQuery : undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** A request target fit for a log: `?token=` values replaced by `***`, control characters escaped. */
export function redactTarget(target: string): string {
  return sanitizeExternalText(target.replace(/([?&]token=)[^&#]*/gi, '$1***'), 512);
}
