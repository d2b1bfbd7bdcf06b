import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../time/virtual-clock.js';
import { RequestCounts, matchRoute, methodNotAllowed, notFound, statusRoutes } from './routes.js';
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
