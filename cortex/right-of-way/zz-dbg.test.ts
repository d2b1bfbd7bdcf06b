import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { runFleet } from '../../test/harness/right-of-way-stepping.js';
it('dbg', () => {
  const fleet = JSON.parse(readFileSync('/tmp/ce.json', 'utf8'));
  for (const n of (process.env.STEPS ?? '5000').split(',').map(Number)) {
    const out = runFleet(fleet, { space: null, settings: { claimAheadM: 4, claimForMs: 2000 }, maxSteps: n });
    console.log('steps', n, 'arrived', [...out.arrivedAtStep.keys()].join(','));
    for (const [id, d] of out.last) {
      const t = out.trace.get(id)!; const p = t[t.length - 1]!;
      console.log(id, p.xM.toFixed(2), p.yM.toFixed(2), JSON.stringify(d.hold ?? d.backOff), d.waitsFor.join(','), JSON.stringify(d.deadlock), d.claim.path.length);
    }
  }
});
