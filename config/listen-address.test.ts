import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatListenAddress,
  isLoopbackHost,
  parseListenAddress,
  readListenAddress,
  tokenRequiredOn,
} from './listen-address.js';

describe('parseListenAddress', () => {
  it('parses IPv4, host names and bracketed IPv6', () => {
    expect(parseListenAddress('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListenAddress('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseListenAddress('localhost:65535')).toEqual({ host: 'localhost', port: 65535 });
    expect(parseListenAddress('robot-7.local:9000')).toEqual({ host: 'robot-7.local', port: 9000 });
    expect(parseListenAddress('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(parseListenAddress('[::ffff:127.0.0.1]:80')).toEqual({ host: '::ffff:127.0.0.1', port: 80 });
  });

  it.each([
    ['8080', /is not host:port/],
    [':8080', /has no host/],
    ['127.0.0.1:', /has no port/],
    ['127.0.0.1:80a', /port "80a", which is not a number/],
    ['127.0.0.1:-1', /not a number/],
    ['127.0.0.1:65536', /port 65536, outside 0\.\.65535/],
    ['::1:8080', /IPv6 address without brackets/],
    ['[::1]8080', /needs ":port" after the bracketed address/],
    ['[::1:8080', /without a closing "]"/],
    ['[127.0.0.1]:80', /not an IPv6 address/],
    ['bad_host!:80', /"bad_host!", which is not an IP address or host name/],
    ['', /is not host:port/],
    ['127.0.0.1', /is not host:port/],
    ['256.0.0.1:80', /"256.0.0.1", which is not an IP address or host name/],
    ['1.2.3:80', /"1.2.3", which is not an IP address or host name/],
    ['host name:80', /"host name", which is not an IP address or host name/],
    ['-bad:80', /"-bad", which is not an IP address or host name/],
    ['h:80:80', /is not host:port/],
    ['[fe80::1%eth0]:8080', /zone index in "fe80::1%eth0"/],
  ])('refuses %j with a RangeError that says why', (text, why) => {
    expect(() => parseListenAddress(text)).toThrow(RangeError);
    expect(() => parseListenAddress(text)).toThrow(why);
  });

  it('names the parameter and the text in its message', () => {
    expect(() => parseListenAddress('nope', 'debug.listen')).toThrow(
      /^debug\.listen: "nope" is not host:port \(e\.g\./,
    );
  });
});

describe('formatListenAddress', () => {
  it('brackets IPv6 hosts only', () => {
    expect(formatListenAddress('::1', 8080)).toBe('[::1]:8080');
    expect(formatListenAddress('127.0.0.1', 0)).toBe('127.0.0.1:0');
    expect(formatListenAddress('localhost', 80)).toBe('localhost:80');
  });

  it('round-trips through parseListenAddress', () => {
    for (const text of ['[::1]:8080', '10.0.0.2:1', 'localhost:8080']) {
      const { host, port } = parseListenAddress(text);
      expect(formatListenAddress(host, port)).toBe(text);
    }
  });
});

describe('readListenAddress', () => {
  it('gives the problem in plain words, with examples', () => {
    expect(readListenAddress('8080')).toEqual({
      problem: '"8080" is not host:port (e.g. 127.0.0.1:8080 or [::1]:8080)',
    });
    expect(readListenAddress('127.0.0.1:70000')).toEqual({
      problem: '"127.0.0.1:70000" has port 70000, outside 0..65535 (e.g. 127.0.0.1:8080 or [::1]:8080)',
    });
    expect(readListenAddress('robot-1.local:8080')).toEqual({ host: 'robot-1.local', port: 8080 });
  });

  it('reads back every address it formats, IPv4 or IPv6, any port', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: 0, max: 65_535 }), (host, port) => {
        expect(readListenAddress(formatListenAddress(host, port))).toEqual({ host, port });
      }),
    );
  });
});

describe('isLoopbackHost', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '127.10.0.3',
    'localhost',
    'LOCALHOST',
    'localhost.',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '[::ffff:127.0.0.1]',
    '::FFFF:127.0.0.1',
    '::ffff:7f00:1',
    '0:0:0:0:0:ffff:127.9.8.7',
  ])('%s is loopback', (host) => expect(isLoopbackHost(host)).toBe(true));

  it.each([
    '0.0.0.0',
    '::',
    '192.168.1.10',
    '10.0.0.1',
    '1::',
    '::2',
    '::ffff:10.0.0.1',
    'robot.local',
    '128.0.0.1',
    '::ffff:8000:1',
    '::127.0.0.1',
    '::ffff:0:127.0.0.1',
    '',
  ])('%j is not loopback', (host) => expect(isLoopbackHost(host)).toBe(false));

  /** An IPv4 address, one in four in 127.0.0.0/8. */
  const ipv4 = fc
    .tuple(fc.oneof(fc.constant(127), fc.nat(255)), fc.nat(255), fc.nat(255), fc.nat(255))
    .map((octets) => octets.join('.'));

  it('an IPv4 address is loopback exactly in 127.0.0.0/8', () => {
    fc.assert(
      fc.property(ipv4, (host) => {
        expect(isLoopbackHost(host)).toBe(host.startsWith('127.'));
      }),
    );
  });

  it('an IPv4-mapped address is loopback exactly when its IPv4 address is, however it is written', () => {
    fc.assert(
      fc.property(ipv4, fc.boolean(), fc.boolean(), (v4, upper, bracketed) => {
        const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
        const hex = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
        for (const mapped of [`::ffff:${v4}`, `::ffff:${hex}`, `0:0:0:0:0:ffff:${v4}`, `0::ffff:${hex}`]) {
          const spelled = upper ? mapped.toUpperCase() : mapped;
          const host = bracketed ? `[${spelled}]` : spelled;
          expect(isLoopbackHost(host)).toBe(isLoopbackHost(v4));
        }
      }),
    );
  });

  it("any IPv6 address is loopback exactly when the URL parser's canonical form is ::1 or a mapped 127.x.x.x", () => {
    fc.assert(
      fc.property(fc.ipV6(), (host) => {
        const canonical = new URL(`http://[${host}]/`).hostname;
        const loopback = canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
        expect(isLoopbackHost(host)).toBe(loopback);
      }),
      { numRuns: 500 },
    );
  });
});

describe('tokenRequiredOn', () => {
  it('asks for a token beyond loopback only', () => {
    expect(tokenRequiredOn('::ffff:127.0.0.1')).toBe(false);
    expect(tokenRequiredOn('0.0.0.0')).toBe(true);
    expect(tokenRequiredOn('::')).toBe(true);
  });
});
