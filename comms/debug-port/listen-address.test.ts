import { describe, expect, it } from 'vitest';
import { formatListenAddress, isLoopback, parseListenAddress } from './listen-address.js';

describe('parseListenAddress', () => {
  it('parses IPv4, host names and bracketed IPv6', () => {
    expect(parseListenAddress('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListenAddress('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseListenAddress('localhost:65535')).toEqual({ host: 'localhost', port: 65535 });
    expect(parseListenAddress('robot-7.local:9000')).toEqual({ host: 'robot-7.local', port: 9000 });
    expect(parseListenAddress('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(parseListenAddress('[fe80::1%eth0]:80')).toEqual({ host: 'fe80::1%eth0', port: 80 });
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

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (host) => expect(isLoopback(host)).toBe(true),
  );

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
    '',
  ])('%j is not loopback', (host) => expect(isLoopback(host)).toBe(false));
});
