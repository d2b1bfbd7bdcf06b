import { isIP, isIPv6 } from 'node:net';

/**
 * Listen addresses and the loopback rule, defined once: `debug.listen` is checked at load with
 * them, the debug port binds with them, and its request guard decides with them whether a request
 * needs a token.
 */

/** A parsed `host:port`. `host` carries no brackets (`::1`, not `[::1]`). */
export interface ListenAddress {
  host: string;
  /** TCP port, 0..65535; 0 asks the OS for an ephemeral port. */
  port: number;
}

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const PORT = /^\d{1,5}$/;
const EXAMPLES = 'e.g. 127.0.0.1:8080 or [::1]:8080';

/** True for text made of DNS labels (`robot-7.local`, also `10.0.0.5`): a name a `Host` header may carry. */
export function isHostName(text: string): boolean {
  return HOST_NAME.test(text);
}

/** An IP address, or a host name that cannot be mistaken for a malformed IPv4 address (`256.0.0.1`). */
function isListenHost(text: string): boolean {
  return isIP(text) !== 0 || (isHostName(text) && !/^[\d.]+$/.test(text));
}

/**
 * Reads `host:port`: an IPv4 address, a host name, or a bracketed IPv6 address (`[::1]:8080`).
 * Returns the problem in plain words when malformed: `"8080" is not host:port (e.g. ...)`. An
 * unbracketed IPv6 address gets a hint to bracket it; an IPv6 zone index (`%eth0`) is refused.
 */
export function readListenAddress(text: string): ListenAddress | { problem: string } {
  const bad = (reason: string): { problem: string } => ({ problem: `${JSON.stringify(text)} ${reason} (${EXAMPLES})` });
  let hostPart: string;
  let portPart: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return bad('has "[" without a closing "]"');
    hostPart = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (!rest.startsWith(':')) return bad('needs ":port" after the bracketed address');
    portPart = rest.slice(1);
    if (!isIPv6(hostPart)) return bad(`has "${hostPart}" in brackets, which is not an IPv6 address`);
    if (hostPart.includes('%')) return bad(`has the zone index in "${hostPart}"; give the address alone, or [::]`);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return bad('is not host:port');
    hostPart = text.slice(0, colon);
    portPart = text.slice(colon + 1);
    if (hostPart.includes(':')) {
      return isIPv6(hostPart) || isIPv6(text)
        ? bad('looks like an IPv6 address without brackets; write it as [address]:port')
        : bad('is not host:port');
    }
    if (hostPart === '') return bad('has no host');
    if (!isListenHost(hostPart)) {
      return bad(`has "${hostPart}", which is not an IP address or host name`);
    }
  }
  if (!PORT.test(portPart))
    return bad(portPart === '' ? 'has no port' : `has port "${portPart}", which is not a number`);
  const port = Number(portPart);
  if (port > 65_535) return bad(`has port ${port}, outside 0..65535`);
  return { host: hostPart, port };
}

/** Like {@link readListenAddress}, throwing a RangeError `<what>: <problem>` when malformed. */
export function parseListenAddress(text: string, what = 'listen address'): ListenAddress {
  const read = readListenAddress(text);
  if ('problem' in read) throw new RangeError(`${what}: ${read.problem}`);
  return read;
}

/** Formats host and port back to text, bracketing IPv6 hosts: `[::1]:8080`. */
export function formatListenAddress(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * True when `host` can only be reached from this machine: `localhost`, `127.0.0.0/8`, `::1`, and
 * an IPv4-mapped loopback address (`::ffff:127.0.0.1`, also written `::ffff:7f00:1`), which is the
 * same socket address as its IPv4 form. Brackets are allowed (`[::1]`). Wildcards (`0.0.0.0`,
 * `::`), other addresses and any other name are not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase();
  if (lower === 'localhost' || lower === 'localhost.') return true;
  if (isIP(lower) === 4) return lower.split('.')[0] === '127';
  if (!isIPv6(lower)) return false;
  const groups = ipv6Groups(lower.split('%')[0] ?? '');
  if (!groups) return false;
  const zerosUpTo = (end: number): boolean => groups.slice(0, end).every((group) => group === 0);
  if (zerosUpTo(7) && groups[7] === 1) return true;
  return zerosUpTo(5) && groups[5] === 0xffff && (groups[6] ?? 0) >> 8 === 127;
}

/**
 * Whether the debug port bound to `host` needs a bearer token for what it guards: whenever the
 * host is not loopback (BRIEF §5). The load-time check of `debug.token` and the port's request
 * guard both ask this.
 */
export function tokenRequiredOn(host: string): boolean {
  return !isLoopbackHost(host);
}

/** The eight 16-bit groups of an IPv6 address (`isIPv6` already true), a trailing dotted IPv4 part included. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  const split = (part: string | undefined): string[] => (part ? part.split(':') : []);
  const head = split(halves[0]);
  const tail = split(halves[1]);
  const zeros = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<string>(Math.max(zeros, 0)).fill('0'), ...tail];
  if (groups.length !== 8 || groups.some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return groups.map((group) => parseInt(group, 16));
}
