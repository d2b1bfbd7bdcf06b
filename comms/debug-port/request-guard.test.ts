import { describe, expect, it } from 'vitest';
import {
  authorize,
  contentTypeRefusal,
  crossOriginRefusal,
  guardRequest,
  hostOfHeader,
  hostRefusal,
  redactTarget,
  type AccessPolicy,
  type GuardedRequest,
} from './request-guard.js';

const request = (headers: Record<string, string> = {}, query = ''): GuardedRequest => ({
  method: 'POST',
  headers,
  query: new URLSearchParams(query),
});
const policy = (over: Partial<AccessPolicy> = {}): AccessPolicy => ({
  boundHost: '127.0.0.1',
  allowedHosts: [],
  localAddresses: () => ['127.0.0.1', '192.168.1.5', 'fe80::1'],
  ...over,
});
const status = (verdict: ReturnType<typeof guardRequest>): number => (verdict.allowed ? 200 : verdict.response.status);

describe('hostRefusal: DNS rebinding', () => {
  it('accepts the bound address, loopback names and addresses, and configured names, any port', () => {
    expect(hostRefusal('127.0.0.1:8080', policy())).toBeNull();
    expect(hostRefusal('localhost:9000', policy())).toBeNull();
    expect(hostRefusal('[::1]:8080', policy())).toBeNull();
    expect(hostRefusal('Robot.Local.:8080', policy({ allowedHosts: ['robot.local'] }))).toBeNull();
    expect(hostRefusal('10.0.0.9:8080', policy({ boundHost: '10.0.0.9' }))).toBeNull();
  });

  it('on a wildcard-bound port accepts the machine own addresses only', () => {
    expect(hostRefusal('192.168.1.5:8080', policy({ boundHost: '0.0.0.0' }))).toBeNull();
    expect(hostRefusal('192.168.1.99:8080', policy({ boundHost: '0.0.0.0' }))).toMatch(/not an address/);
  });

  it('refuses any other name, naming the parameter to change', () => {
    expect(hostRefusal('evil.example:8080', policy())).toMatch(/debug\.allowedHosts/);
    expect(hostRefusal('robot.local.evil.example', policy({ allowedHosts: ['robot.local'] }))).not.toBeNull();
    expect(status(guardRequest(request({ host: 'evil.example:8080' }), 'read', policy()))).toBe(421);
  });

  it('splits the host from a Host header', () => {
    expect(hostOfHeader('[::1]:80')).toBe('::1');
    expect(hostOfHeader('EXAMPLE.com.')).toBe('example.com');
  });
});

describe('crossOriginRefusal', () => {
  it('lets tools (no Origin, no Sec-Fetch-Site) and the own page through', () => {
    expect(crossOriginRefusal({ host: '127.0.0.1:8080' })).toBeNull();
    expect(
      crossOriginRefusal({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'same-origin' }),
    ).toBeNull();
    expect(crossOriginRefusal({ host: 'localhost', origin: 'http://localhost' })).toBeNull();
    expect(crossOriginRefusal({ host: 'localhost:80', origin: 'http://localhost' })).toBeNull();
  });

  it('refuses another port of the same host (same-site), another site, a null origin', () => {
    expect(crossOriginRefusal({ host: '127.0.0.1:8080', 'sec-fetch-site': 'same-site' })).toMatch(/same-site/);
    expect(crossOriginRefusal({ host: '127.0.0.1:8080', 'sec-fetch-site': 'cross-site' })).not.toBeNull();
    expect(crossOriginRefusal({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:9999' })).toMatch(/not this port/);
    expect(crossOriginRefusal({ host: '127.0.0.1:8080', origin: 'null' })).not.toBeNull();
    expect(crossOriginRefusal({ origin: 'http://127.0.0.1:8080' })).not.toBeNull();
  });
});

describe('contentTypeRefusal', () => {
  it('accepts application/json with parameters in any case, refuses the rest', () => {
    expect(contentTypeRefusal({ 'content-type': 'Application/JSON; charset=utf-8' })).toBeNull();
    expect(contentTypeRefusal({ 'content-type': 'text/plain' })).toMatch(/application\/json/);
    expect(contentTypeRefusal({ 'content-type': 'application/x-www-form-urlencoded' })).not.toBeNull();
    expect(contentTypeRefusal({})).toMatch(/got none/);
  });

  it('is only asked of mutating routes', () => {
    const plain = request({ host: '127.0.0.1:8080', 'content-type': 'text/plain' });
    expect(status(guardRequest(plain, 'write', policy()))).toBe(415);
    expect(status(guardRequest(plain, 'read', policy()))).toBe(200);
  });
});

describe('authorize', () => {
  const beyond = policy({ boundHost: '0.0.0.0', token: 's3cret', readToken: 'look' });
  const auth = (value: string): GuardedRequest => request({ authorization: value });

  it('lets everything through on a loopback-bound port, counting a valid token as authenticated', () => {
    expect(authorize(request(), 'write', policy())).toEqual({ allowed: true, authenticated: false });
    expect(authorize(auth('Bearer s3cret'), 'write', policy({ token: 's3cret' }))).toEqual({
      allowed: true,
      authenticated: true,
    });
    expect(authorize(auth('Bearer wrong'), 'write', policy({ token: 's3cret' })).allowed).toBe(true);
  });

  it('beyond loopback: writing needs the write token in the header', () => {
    expect(authorize(auth('Bearer s3cret'), 'write', beyond)).toEqual({ allowed: true, authenticated: true });
    expect(authorize(auth('bearer s3cret'), 'write', beyond).allowed).toBe(true);
    expect(authorize(auth('Bearer look'), 'write', beyond).allowed).toBe(false);
    expect(authorize(request({}, 'token=s3cret'), 'write', beyond).allowed).toBe(false);
    expect(authorize(auth('Basic czNjcmV0'), 'write', beyond).allowed).toBe(false);
    const missing = authorize(request(), 'write', beyond);
    expect(missing.allowed ? null : missing.response).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="spinal"' },
    });
  });

  it('beyond loopback: reading needs either token, in the header or as ?token=', () => {
    expect(authorize(request(), 'read', beyond).allowed).toBe(false);
    expect(authorize(auth('Bearer look'), 'read', beyond).allowed).toBe(true);
    expect(authorize(auth('Bearer s3cret'), 'read', beyond).allowed).toBe(true);
    expect(authorize(request({}, 'token=look'), 'read', beyond).allowed).toBe(true);
    expect(authorize(request({}, 'token=guess'), 'read', beyond).allowed).toBe(false);
    expect(authorize(request(), 'open', beyond).allowed).toBe(true);
    const onlyWrite = policy({ boundHost: '::', token: 's3cret' });
    expect(authorize(auth('Bearer s3cret'), 'read', onlyWrite).allowed).toBe(true);
  });

  it('refuses everything needing a token when none is configured, and never echoes a token', () => {
    const none = authorize(auth('Bearer s3cret'), 'read', policy({ boundHost: '::' }));
    expect(none.allowed ? null : none.response.body).toMatchObject({ reason: expect.stringMatching(/no token/) });
    const wrong = authorize(auth('Bearer guess'), 'write', beyond);
    expect(JSON.stringify(wrong)).not.toMatch(/s3cret|guess|look/);
  });
});

describe('redactTarget', () => {
  it('replaces every token value and escapes control characters', () => {
    expect(redactTarget('/api/v1/logs?since=3&token=s3cret&x=1')).toBe('/api/v1/logs?since=3&token=***&x=1');
    expect(redactTarget('/?TOKEN=abc')).toBe('/?TOKEN=***');
    expect(redactTarget('/a\u001b]0;title\u0007')).toBe('/a\\u001b]0;title\\u0007');
  });
});
