import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../time/virtual-clock.js';
import { RequestCounts, matchRoute, methodNotAllowed, notFound, requireToken, statusRoutes } from './routes.js';
import type { Route } from './routes.js';
import { StatusStore } from './status-store.js';

const estop: Route = {
  method: 'POST',
  path: '/api/v1/estop',
  mutating: true,
  handle: () => ({ status: 202, body: {} }),
};

describe('matchRoute', () => {
  const routes = [...statusRoutes(new StatusStore(new VirtualClock())), estop];

  it('finds GET routes for GET and HEAD', () => {
    expect(matchRoute(routes, 'GET', '/healthz')).toMatchObject({ kind: 'found', route: { path: '/healthz' } });
    expect(matchRoute(routes, 'HEAD', '/api/v1/status')).toMatchObject({ kind: 'found', route: { method: 'GET' } });
  });

  it('lists the allowed methods for a known path asked with another method', () => {
    expect(matchRoute(routes, 'POST', '/readyz')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'HEAD'] });
    expect(matchRoute(routes, 'GET', '/api/v1/estop')).toEqual({ kind: 'method-not-allowed', allow: ['POST'] });
  });

  it('knows no other path', () => {
    expect(matchRoute(routes, 'GET', '/healthz/')).toEqual({ kind: 'not-found' });
    expect(matchRoute(routes, 'GET', '/api/v1/STATUS')).toEqual({ kind: 'not-found' });
  });
});

describe('error answers', () => {
  it('404 echoes the path, cut to a bounded length', () => {
    expect(notFound('/nope')).toEqual({ status: 404, body: { error: 'not found', path: '/nope' } });
    const long = notFound(`/${'a'.repeat(10_000)}`).body as { path: string };
    expect(long.path.length).toBeLessThan(300);
  });

  it('405 carries the allow header', () => {
    expect(methodNotAllowed('DELETE', ['GET', 'HEAD'])).toMatchObject({ status: 405, headers: { allow: 'GET, HEAD' } });
  });
});

describe('requireToken', () => {
  const withAuth = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } });

  it('lets everything through on a loopback-bound port', () => {
    expect(requireToken(withAuth(), undefined, '127.0.0.1')).toBeNull();
    expect(requireToken(withAuth('Bearer wrong'), 's3cret', '::1')).toBeNull();
  });

  it('refuses a request without the header when bound beyond loopback', () => {
    const refusal = requireToken(withAuth(), 's3cret', '0.0.0.0');
    expect(refusal).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer realm="spinal"' } });
    expect(refusal?.body).toMatchObject({ reason: expect.stringMatching(/missing "Authorization: Bearer/) });
  });

  it('refuses a wrong token, a wrong scheme, and everything when no token is configured', () => {
    expect(requireToken(withAuth('Bearer s3cre'), 's3cret', '192.168.1.5')?.status).toBe(401);
    expect(requireToken(withAuth('Basic czNjcmV0'), 's3cret', '192.168.1.5')?.status).toBe(401);
    expect(requireToken(withAuth('Bearer '), 's3cret', '192.168.1.5')?.status).toBe(401);
    expect(requireToken(withAuth('Bearer s3cret'), undefined, '::')?.body).toMatchObject({
      reason: expect.stringMatching(/no token is configured/),
    });
    expect(requireToken(withAuth('Bearer '), '', '::')?.status).toBe(401);
  });

  it('accepts the right token, scheme in any case', () => {
    expect(requireToken(withAuth('Bearer s3cret'), 's3cret', '0.0.0.0')).toBeNull();
    expect(requireToken(withAuth('bearer s3cret'), 's3cret', '10.1.2.3')).toBeNull();
  });

  it('never echoes the token', () => {
    const refusal = requireToken(withAuth('Bearer guess'), 's3cret', '0.0.0.0');
    expect(JSON.stringify(refusal)).not.toMatch(/s3cret|guess/);
  });
});

describe('RequestCounts', () => {
  it('counts by route and status', () => {
    const counts = new RequestCounts();
    counts.add('/healthz', 200);
    counts.add('/healthz', 200);
    counts.add('/readyz', 503);
    counts.add('/readyz', 200);
    expect(counts.total('/healthz')).toBe(2);
    expect(counts.total('/readyz')).toBe(2);
    expect(counts.total('/api/v1/status')).toBe(0);
    expect(counts.rows()).toContainEqual({ route: '/readyz', status: 503, count: 1 });
  });
});
