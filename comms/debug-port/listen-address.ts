import { isIP, isIPv6 } from 'node:net';

/** A parsed `host:port`. `host` carries no brackets (`::1`, not `[::1]`). */
export interface ListenAddress {
  host: string;
  /** TCP port, 0..65535; 0 asks the OS for an ephemeral port. */
  port: number;
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const PORT = /^\d{1,5}$/;
const EXAMPLES = 'e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080';

/**
 * Parses `host:port` (IPv4 address, hostname, or bracketed IPv6 address such as `[::1]:8080`).
 * Throws a RangeError naming `what` (default `listen address`) and the bad text; an unbracketed
 * IPv6 address is refused with a hint to bracket it.
 */
export function parseListenAddress(text: string, what = 'listen address'): ListenAddress {
  const fail = (problem: string): never => {
    throw new RangeError(`${what}: "${text}" ${problem} (${EXAMPLES})`);
  };
  let hostPart: string;
  let portPart: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return fail('has "[" without a closing "]"');
    hostPart = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (!rest.startsWith(':')) return fail('needs ":port" after the bracketed address');
    portPart = rest.slice(1);
    if (!isIPv6(hostPart)) return fail(`has "${hostPart}" in brackets, which is not an IPv6 address`);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return fail('is not host:port');
    hostPart = text.slice(0, colon);
    portPart = text.slice(colon + 1);
    if (hostPart.includes(':')) return fail('looks like an IPv6 address without brackets; write it as [address]:port');
    if (hostPart === '') return fail('has no host');
    if (isIP(hostPart) === 0 && !HOSTNAME.test(hostPart))
      return fail(`has "${hostPart}", which is not an IP address or host name`);
  }
  if (!PORT.test(portPart))
    return fail(portPart === '' ? 'has no port' : `has port "${portPart}", which is not a number`);
  const port = Number(portPart);
  if (port > 65_535) return fail(`has port ${port}, outside 0..65535`);
  return { host: hostPart, port };
}

/** Formats host and port back to text, bracketing IPv6 hosts: `[::1]:8080`. */
export function formatListenAddress(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * True when `host` can only be reached from this machine: `localhost`, `127.0.0.0/8`, `::1` and the
 * IPv4-mapped `::ffff:127.x.x.x`. Wildcards (`0.0.0.0`, `::`) and any other name are not loopback.
 */
export function isLoopback(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase();
  if (lower === 'localhost' || lower === 'localhost.') return true;
  if (isIPv6(lower)) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped?.[1] !== undefined) return isLoopbackIPv4(mapped[1]);
    return isIPv6Loopback(lower);
  }
  return isIP(lower) === 4 && isLoopbackIPv4(lower);
}

function isLoopbackIPv4(address: string): boolean {
  return address.split('.')[0] === '127';
}

function isIPv6Loopback(address: string): boolean {
  const [head = '', tail] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...tailGroups];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return false;
  return groups.every((g, i) => parseInt(g, 16) === (i === 7 ? 1 : 0));
}
