import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorize } from '../comms/debug-port/request-guard.js';
import { ConfigError } from '../config/config-error.js';
import { formatListenAddress } from '../config/listen-address.js';
import { resolveParams } from '../config/param-values.js';

/**
 * GIVEN a debug port address and no token, WHEN the configuration is loaded and WHEN a request
 * reaches a port bound there, THEN both refuse exactly where the address is reachable from other
 * machines: the load refuses the configuration, the guard refuses a mutating request.
 */

/** Loopback by an oracle of its own: 127.0.0.0/8, or the URL parser's canonical ::1 or ::ffff:7fxx:xxxx. */
function loopbackByUrl(host: string): boolean {
  if (host === 'localhost') return true;
  const canonical = new URL(`http://${formatListenAddress(host, 80)}/`).hostname;
  return (
    /^127\./.test(canonical) || canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical)
  );
}

function loadRefuses(listen: string): boolean {
  try {
    resolveParams({ config: { file: 'spinal.yaml', values: { 'debug.listen': listen } } });
    return false;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problem).toContain('debug.token must be set');
    return true;
  }
}

function guardRefuses(boundHost: string): boolean {
  const request = { method: 'POST', headers: {}, query: new URLSearchParams() };
  return !authorize(request, 'write', { boundHost, allowedHosts: [] }).allowed;
}

const octet = fc.nat(255);
const ipv4 = fc.tuple(fc.oneof(fc.constant(127), octet), octet, octet, octet).map((octets) => octets.join('.'));
const host = fc.oneof(
  ipv4,
  ipv4.map((v4) => `::ffff:${v4}`),
  fc.ipV6(),
  fc.constantFrom('localhost', '::1', '::', '0.0.0.0', '::ffff:7f00:1', 'robot-7.local'),
);

describe('the debug token rule', () => {
  it('the configuration check and the request guard ask for a token on the same addresses', () => {
    fc.assert(
      fc.property(host, (h) => {
        const reachable = !loopbackByUrl(h);
        expect({ h, load: loadRefuses(formatListenAddress(h, 8080)), guard: guardRefuses(h) }).toEqual({
          h,
          load: reachable,
          guard: reachable,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('an IPv4-mapped loopback address is loopback: no token needed, as on 127.0.0.1', () => {
    expect(loadRefuses('[::ffff:127.0.0.1]:8080')).toBe(false);
    expect(guardRefuses('::ffff:127.0.0.1')).toBe(false);
    expect(loadRefuses('[::ffff:10.0.0.1]:8080')).toBe(true);
    expect(guardRefuses('::ffff:10.0.0.1')).toBe(true);
  });
});
