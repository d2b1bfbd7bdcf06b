import { describe, expect, it } from 'vitest';
import type { ClaimingRobot } from './claim-conflict.js';
import { bodyInClaimAhead, claimsConflict } from './claim-conflict.js';

const p = (xM: number, yM: number) => ({ xM, yM });
function robot(id: string, at: [number, number], claim: [number, number][]): ClaimingRobot {
  const position = p(...at);
  return {
    robotId: id,
    safetyStopped: false,
    carryingPayload: false,
    missionPriority: 0,
    position,
    radiusM: 0.3,
    claim: [position, ...claim.map(([x, y]) => p(x, y))],
    preview: [position],
  };
}

describe('claimsConflict', () => {
  it('conflicts when the footprints swept along the claims could touch, with the margin', () => {
    const a = robot('a', [0, 0], [[4, 0]]);
    expect(claimsConflict(a, robot('b', [2, -2], [[2, 2]]), 0.1)).toBe(true);
    expect(claimsConflict(a, robot('b', [0, 0.65], [[4, 0.65]]), 0.1)).toBe(true);
    expect(claimsConflict(a, robot('b', [0, 0.75], [[4, 0.75]]), 0.1)).toBe(false);
  });
});

describe('bodyInClaimAhead', () => {
  it('finds a footprint ahead in the claimed way, not one behind or beside the start', () => {
    const a = robot('a', [0, 0], [[4, 0]]);
    expect(bodyInClaimAhead(a, robot('b', [3, 0.2], []), 0.1)).toBe(true);
    expect(bodyInClaimAhead(a, robot('b', [-0.65, 0], []), 0.1)).toBe(false);
    expect(bodyInClaimAhead(a, robot('b', [0, 0.65], []), 0.1)).toBe(false);
    expect(bodyInClaimAhead(a, robot('b', [2, 1.5], []), 0.1)).toBe(false);
  });

  it('for a robot claiming only where it stands, finds any footprint that touches it', () => {
    const idle = robot('a', [0, 0], []);
    expect(bodyInClaimAhead(idle, robot('b', [-0.65, 0], []), 0.1)).toBe(true);
    expect(bodyInClaimAhead(idle, robot('b', [-0.75, 0], []), 0.1)).toBe(false);
  });
});
