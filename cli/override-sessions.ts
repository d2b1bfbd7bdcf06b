import type { Requester, RuntimeEventBody } from '../messages/runtime-event.js';

interface OpenSession {
  by: Requester;
  lastUs: number;
  vMps: number;
  wRadps: number;
  commands: number;
}

/**
 * Turns the stream of manual override commands into sessions for the event log: a session starts
 * with the first command, and ends when a zero command releases it, when no command renews it within
 * the dead-man timeout, when another requester takes over, or when the runtime stops. Pure: the
 * caller passes the clock time and records the events returned.
 */
export class OverrideSessions {
  private open: OpenSession | null = null;

  constructor(private readonly deadmanTimeoutUs: number) {}

  /** An override command at `nowUs`; returns the events it causes (an end, a start, both or none). */
  command(nowUs: number, vMps: number, wRadps: number, by: Requester): RuntimeEventBody[] {
    const events = this.expire(nowUs);
    const session = this.open;
    if (session && !sameRequester(session.by, by)) events.push(...this.end('taken over by another requester'));
    const moving = vMps !== 0 || wRadps !== 0;
    if (!this.open) {
      if (!moving) return events;
      this.open = { by, lastUs: nowUs, vMps, wRadps, commands: 1 };
      events.push({ kind: 'override', phase: 'start', vMps, wRadps, commands: 1, endReason: null, by });
      return events;
    }
    const current = this.open;
    current.lastUs = nowUs;
    current.vMps = vMps;
    current.wRadps = wRadps;
    current.commands += 1;
    if (!moving) events.push(...this.end('released (zero command)'));
    return events;
  }

  /** Ends a session not renewed within the dead-man timeout; call it periodically. */
  expire(nowUs: number): RuntimeEventBody[] {
    if (this.open && nowUs - this.open.lastUs > this.deadmanTimeoutUs) {
      return this.end(`dead-man timeout (no command for ${this.deadmanTimeoutUs / 1e3} ms)`);
    }
    return [];
  }

  /** Ends an open session for `reason` (e.g. the runtime stops). */
  end(reason: string): RuntimeEventBody[] {
    const session = this.open;
    if (!session) return [];
    this.open = null;
    return [
      {
        kind: 'override',
        phase: 'end',
        vMps: session.vMps,
        wRadps: session.wRadps,
        commands: session.commands,
        endReason: reason,
        by: session.by,
      },
    ];
  }
}

function sameRequester(a: Requester, b: Requester): boolean {
  return a.via === b.via && a.remoteAddress === b.remoteAddress && a.origin === b.origin;
}
