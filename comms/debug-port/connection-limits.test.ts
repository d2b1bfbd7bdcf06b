import { describe, expect, it } from 'vitest';
import { HalfOpenCap, RequestRateLimiter } from './connection-limits.js';

describe('RequestRateLimiter', () => {
  it('allows a burst, then the rate, per peer and class, and never limits the e-stop', () => {
    let nowUs = 0;
    const limiter = new RequestRateLimiter(() => nowUs, {
      read: { ratePerS: 2, burst: 3 },
      write: { ratePerS: 1, burst: 1 },
    });
    const reads = Array.from({ length: 5 }, () => limiter.take('read', 'a'));
    expect(reads).toEqual([true, true, true, false, false]);
    expect(limiter.take('read', 'b')).toBe(true);
    expect(limiter.take('write', 'a')).toBe(true);
    expect(limiter.take('write', 'a')).toBe(false);
    for (let i = 0; i < 1_000; i++) expect(limiter.take('estop', 'a')).toBe(true);
    nowUs += 500_000;
    expect(limiter.take('read', 'a')).toBe(true);
    expect(limiter.take('read', 'a')).toBe(false);
    expect(limiter.take('write', 'a')).toBe(false);
    nowUs += 500_000;
    expect(limiter.take('write', 'a')).toBe(true);
  });
});

describe('HalfOpenCap', () => {
  it('drops the connection waiting longest once more than the cap wait, never one that sent a request', () => {
    const cap = new HalfOpenCap(2);
    const destroyed: string[] = [];
    const conn = (name: string) => ({ destroy: () => destroyed.push(name) });
    const [a, b, c, d] = [conn('a'), conn('b'), conn('c'), conn('d')];
    cap.opened(a);
    cap.opened(b);
    cap.settled(a);
    cap.opened(c);
    expect(destroyed).toEqual([]);
    cap.opened(d);
    expect(destroyed).toEqual(['b']);
    expect(cap.size()).toBe(2);
    expect(cap.dropped).toBe(1);
  });
});
