import { it, expect } from 'vitest';
import { ReflexArbiter, type ReflexInputs } from '../arbiter.js';
const S = {
  deadmanTimeoutUs: 500_000,
  lidarStaleTimeoutUs: 300_000,
  brakingDecelMps2: 1,
  reactionLatencyS: 0.05,
  stopMarginM: 0.1,
  slowZoneM: 0.5,
  maxSpeedMps: 0.5,
  maxTurnRateRadps: 2,
  clearHoldUs: 300_000,
};
const T0 = 10_000_000;
function at(now: number, v: number, w: number, o: Partial<ReflexInputs> = {}): ReflexInputs {
  return {
    command: { source: 'cortex', vMps: v, wRadps: w, stampUs: now },
    appliedVMps: v,
    lidarLastDataUs: now,
    lidarHealthy: true,
    lidarHealthReason: '',
    pathAhead: null,
    pathBehind: null,
    ...o,
  };
}
it('scratch', () => {
  const a = new ReflexArbiter(S);
  a.update(T0, at(T0, 0, 0));
  const post = { freeDistanceM: 0.02, xM: 0.1, yM: 0.3 };
  console.log(
    'swarm arc sweep blocked',
    a.update(T0 + 10, at(T0 + 10, 0.3, 1, { turnSweep: post, swarmHold: { peer: 'p', reason: 'r' } })),
  );
  const b = new ReflexArbiter(S);
  b.update(T0, at(T0, 0, 0));
  console.log(b.update(T0 + 10, at(T0 + 10, 0.3, 0, { pathAhead: { freeDistanceM: 0.05, xM: 0.25, yM: 0 } })));
  console.log(
    'clearing arc sweep blocked',
    b.update(T0 + 20, at(T0 + 20, 0.3, 1, { appliedVMps: 0, turnSweep: post })),
  );
  console.log('turn in place sweep blocked', b.update(T0 + 30, at(T0 + 30, 0, 1, { appliedVMps: 0, turnSweep: post })));
});
