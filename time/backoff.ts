/**
 * Reconnection delays, shared by every connection in spinal (serial reopen, uplink, mesh):
 * start at `initialMs`, multiply by `multiplier` after each failure, add +/- `jitter` and never
 * exceed `maxMs`. `reset()` after a success.
 */
export interface BackoffOptions {
  /** First delay, milliseconds. Default 1000. */
  initialMs?: number;
  /** Growth per failure. Default 1.6. */
  multiplier?: number;
  /** Random spread as a fraction of the delay. Default 0.2. */
  jitter?: number;
  /** Upper bound, milliseconds. Default 30000. */
  maxMs?: number;
  /** Source of randomness in [0, 1); tests pass a fixed one. Default: {@link useBackoffRandom}'s, else Math.random. */
  random?: () => number;
}

let defaultRandom: () => number = Math.random;

/**
 * The randomness of every backoff made without its own `random` (this thread's). The simulator
 * gives a generator seeded from the scenario, so a device's reconnection delays, and with them
 * the whole run, repeat exactly.
 */
export function useBackoffRandom(random: () => number): void {
  defaultRandom = random;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly multiplier: number;
  private readonly jitter: number;
  private readonly maxMs: number;
  private readonly random: () => number;
  private nextBaseMs: number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 1_000;
    this.multiplier = options.multiplier ?? 1.6;
    this.jitter = options.jitter ?? 0.2;
    this.maxMs = options.maxMs ?? 30_000;
    this.random = options.random ?? (() => defaultRandom());
    if (!(this.initialMs > 0) || !(this.multiplier >= 1) || !(this.maxMs >= this.initialMs)) {
      throw new RangeError('Backoff: need initialMs > 0, multiplier >= 1 and maxMs >= initialMs');
    }
    this.nextBaseMs = this.initialMs;
  }

  /** The delay to wait before the next attempt, milliseconds; grows each call. */
  nextDelayMs(): number {
    const base = this.nextBaseMs;
    this.nextBaseMs = Math.min(this.maxMs, base * this.multiplier);
    const spread = base * this.jitter * (this.random() * 2 - 1);
    return Math.min(this.maxMs, Math.max(0, base + spread));
  }

  reset(): void {
    this.nextBaseMs = this.initialMs;
  }
}
