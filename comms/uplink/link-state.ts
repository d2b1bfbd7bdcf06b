/**
 * The uplink's connection states, as gRPC names them (grpc-js `ConnectivityState`): `idle` before
 * the first attempt, `connecting` while a link is being opened and the hello sent, `ready` once
 * the stream is open, `transient-failure` while waiting out the backoff after a failure, and
 * `shutdown` for good.
 */
export type LinkState = 'idle' | 'connecting' | 'ready' | 'transient-failure' | 'shutdown';

/** The transitions allowed: from each state, where it may go. Anything else is refused and counted. */
export const LINK_TRANSITIONS: Readonly<Record<LinkState, readonly LinkState[]>> = {
  idle: ['connecting', 'shutdown'],
  connecting: ['ready', 'transient-failure', 'shutdown'],
  ready: ['transient-failure', 'idle', 'shutdown'],
  'transient-failure': ['connecting', 'shutdown'],
  shutdown: [],
};

/** The link's state with guarded transitions; tells listeners of each change, with why. */
export class LinkStateMachine {
  private current: LinkState = 'idle';
  private refusedCount = 0;
  private readonly listeners: Array<(to: LinkState, from: LinkState, why: string) => void> = [];

  get state(): LinkState {
    return this.current;
  }

  /** Transitions refused so far (a bug elsewhere if ever above 0). */
  get refused(): number {
    return this.refusedCount;
  }

  onChange(listener: (to: LinkState, from: LinkState, why: string) => void): void {
    this.listeners.push(listener);
  }

  /** Moves to `to` when the table allows it from the current state; returns whether it did. */
  to(to: LinkState, why: string): boolean {
    const from = this.current;
    if (!LINK_TRANSITIONS[from].includes(to)) {
      this.refusedCount += 1;
      return false;
    }
    this.current = to;
    for (const listener of this.listeners) listener(to, from, why);
    return true;
  }
}
