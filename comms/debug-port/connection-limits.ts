/**
 * Limits that keep one client from starving the others on the debug port: a token bucket per peer
 * address and class of route, and a cap on connections that have not sent a request yet. The
 * e-stop route is in no bucket at all, and the half-open cap drops the oldest waiting connection,
 * never the newest, so a flood can never keep an operator's e-stop out. Open streams (server-sent
 * events) are capped too: each holds a connection and a sink for as long as its client stays.
 */

/** Streams (`GET /api/v1/logs`) open at once at most; one more is refused with 503 and `Retry-After`. */
export const DEFAULT_MAX_STREAMS = 64;
/** The `Retry-After` of a stream refused for the cap, seconds. */
export const STREAM_RETRY_AFTER_S = 5;

/** Requests per second and burst of one bucket. */
export interface RateLimit {
  ratePerS: number;
  burst: number;
}

/** The classes of routes with their own limits; `estop` is never limited. */
export type RateClass = 'read' | 'write' | 'estop';

/** Default limits per peer address (the page polls at 2 Hz and drives at 5 Hz). */
export const DEFAULT_RATE_LIMITS: Readonly<Record<Exclude<RateClass, 'estop'>, RateLimit>> = {
  read: { ratePerS: 20, burst: 40 },
  write: { ratePerS: 20, burst: 20 },
};

/** Peers tracked at most; beyond it the least recently seen is forgotten (its bucket refills). */
const MAX_TRACKED_PEERS = 1_024;

interface Bucket {
  tokens: number;
  atUs: number;
}

/** Token buckets per `(class, peer)`; time comes from `nowUs` so tests move it by hand. */
export class RequestRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly nowUs: () => number,
    private readonly limits: Readonly<Record<Exclude<RateClass, 'estop'>, RateLimit>> = DEFAULT_RATE_LIMITS,
  ) {}

  /** Takes one request from the peer's bucket; false when it is empty (answer 429). E-stops always pass. */
  take(rateClass: RateClass, peer: string): boolean {
    if (rateClass === 'estop') return true;
    const limit = this.limits[rateClass];
    const key = `${rateClass} ${peer}`;
    const now = this.nowUs();
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, atUs: now };
    this.buckets.delete(key);
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.atUs) / 1e6) * limit.ratePerS);
    bucket.atUs = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_TRACKED_PEERS) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    return allowed;
  }

  /** Seconds until the peer's bucket holds a request again (for `retry-after`), at least 1. */
  retryAfterS(rateClass: Exclude<RateClass, 'estop'>): number {
    return Math.max(1, Math.ceil(1 / this.limits[rateClass].ratePerS));
  }
}

/** A connection as the cap sees it. */
export interface CappedConnection {
  destroy(): void;
}

/** Connections that have not sent a complete request head yet, kept at most. */
export const DEFAULT_MAX_HALF_OPEN = 32;

/**
 * Tracks connections from accept until their first request; when more than `max` are waiting, the
 * one waiting longest is dropped (a real client sends its request at once, a slow one is the
 * likeliest attacker).
 */
export class HalfOpenCap {
  private readonly waiting = new Set<CappedConnection>();
  dropped = 0;

  constructor(private readonly max = DEFAULT_MAX_HALF_OPEN) {}

  /** A connection was accepted. */
  opened(connection: CappedConnection): void {
    this.waiting.add(connection);
    while (this.waiting.size > this.max) {
      const oldest = this.waiting.values().next().value;
      if (oldest === undefined) break;
      this.waiting.delete(oldest);
      this.dropped += 1;
      oldest.destroy();
    }
  }

  /** The connection sent a request, or closed. */
  settled(connection: CappedConnection): void {
    this.waiting.delete(connection);
  }

  /** Connections waiting for their first request. */
  size(): number {
    return this.waiting.size;
  }
}
