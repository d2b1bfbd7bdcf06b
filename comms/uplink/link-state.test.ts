import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINK_TRANSITIONS, LinkStateMachine, type LinkState } from './link-state.js';

const STATES = Object.keys(LINK_TRANSITIONS) as LinkState[];

describe('LinkStateMachine', () => {
  it('follows a connect, a failure, a retry and a shutdown, telling each change with why', () => {
    const link = new LinkStateMachine();
    const seen: string[] = [];
    link.onChange((to, from, why) => seen.push(`${from}->${to} (${why})`));
    expect(link.to('connecting', 'start')).toBe(true);
    expect(link.to('ready', 'hello sent')).toBe(true);
    expect(link.to('transient-failure', 'keepalive timeout')).toBe(true);
    expect(link.to('connecting', 'backoff over')).toBe(true);
    expect(link.to('shutdown', 'stopping')).toBe(true);
    expect(seen).toEqual([
      'idle->connecting (start)',
      'connecting->ready (hello sent)',
      'ready->transient-failure (keepalive timeout)',
      'transient-failure->connecting (backoff over)',
      'connecting->shutdown (stopping)',
    ]);
  });

  it('refuses every transition the table does not allow, and counts it', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STATES), { maxLength: 50 }), (targets) => {
        const link = new LinkStateMachine();
        let refused = 0;
        for (const to of targets) {
          const from = link.state;
          const allowed = LINK_TRANSITIONS[from].includes(to);
          expect(link.to(to, 'test')).toBe(allowed);
          expect(link.state).toBe(allowed ? to : from);
          if (!allowed) refused += 1;
        }
        expect(link.refused).toBe(refused);
      }),
    );
  });

  it('never leaves shutdown', () => {
    const link = new LinkStateMachine();
    link.to('shutdown', 'stop');
    for (const to of STATES) expect(link.to(to, 'again')).toBe(false);
  });
});
