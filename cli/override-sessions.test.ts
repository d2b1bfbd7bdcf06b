import { describe, expect, it } from 'vitest';
import type { Requester } from '../messages/runtime-event.js';
import { OverrideSessions } from './override-sessions.js';

const page: Requester = {
  via: 'debug-port',
  remoteAddress: '127.0.0.1',
  origin: 'http://127.0.0.1:8080',
  authenticated: false,
};
const tool: Requester = { via: 'debug-port', remoteAddress: '10.0.0.2', origin: null, authenticated: true };

describe('OverrideSessions', () => {
  it('starts a session at the first moving command and ends it on a zero command', () => {
    const sessions = new OverrideSessions(500_000);
    expect(sessions.command(0, 0.2, 0, page)).toMatchObject([
      { kind: 'override', phase: 'start', vMps: 0.2, by: page },
    ]);
    expect(sessions.command(200_000, 0.3, 0.1, page)).toEqual([]);
    expect(sessions.command(400_000, 0, 0, page)).toMatchObject([
      { phase: 'end', commands: 3, endReason: 'released (zero command)', vMps: 0, by: page },
    ]);
    expect(sessions.command(450_000, 0, 0, page)).toEqual([]);
  });

  it('ends a session not renewed within the dead-man timeout, and only then', () => {
    const sessions = new OverrideSessions(500_000);
    sessions.command(0, 0.2, 0, page);
    expect(sessions.expire(500_000)).toEqual([]);
    expect(sessions.expire(500_001)).toMatchObject([{ phase: 'end', endReason: expect.stringMatching(/dead-man/) }]);
    expect(sessions.expire(900_000)).toEqual([]);
  });

  it('a command from another requester ends the session and starts its own', () => {
    const sessions = new OverrideSessions(500_000);
    sessions.command(0, 0.2, 0, page);
    expect(sessions.command(100_000, -0.1, 0, tool)).toMatchObject([
      { phase: 'end', endReason: 'taken over by another requester', by: page },
      { phase: 'start', vMps: -0.1, by: tool },
    ]);
    expect(sessions.end('the runtime stopped')).toMatchObject([{ phase: 'end', by: tool, commands: 1 }]);
  });
});
