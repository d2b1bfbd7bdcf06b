import { describe, expect, it } from 'vitest';
import type { PeerView } from '../../messages/peer.js';
import { PeerCoordinator } from './peer-coordinator.js';

const SETTINGS = {
  enabled: true,
  robotId: 'robot-1',
  stateHz: 10,
  claimAheadM: 4,
  claimForMs: 2000,
  passingClearanceM: 0.1,
};

function peer(id: string, vMps: number, ageMs: number, preview: { xM: number; yM: number }[]): PeerView {
  return {
    id,
    online: true,
    bootId: 'boot',
    ageMs,
    stale: false,
    state: {
      robotId: id,
      safetyStopped: false,
      carryingPayload: false,
      missionPriority: 50,
      atUs: 0,
      pose: { xM: 11.9, yM: 2, yawRad: Math.PI },
      vMps,
      wRadps: 0,
      pathPreview: preview,
      footprintRadiusM: 0.19,
    },
    claim: null,
  };
}

describe('the peer bodies left out of the map', () => {
  it('GIVEN a peer on its way WHEN its front is seen where two pose estimates disagree by 0.35 m THEN the return lies inside its disc', () => {
    const coordinator = new PeerCoordinator(SETTINGS);
    coordinator.update([peer('robot-2', 0, 0, [{ xM: 1.5, yM: 2 }])], []);
    const [disc] = coordinator.movingBodies();
    // Its front face 0.15 m ahead of its centre, seen 0.35 m further on (corridor-head-on's worst case).
    expect(disc).toBeDefined();
    expect(disc!.radiusM).toBeGreaterThanOrEqual(0.15 + 0.35);
    // A wall a metre away stays a wall.
    expect(disc!.radiusM).toBeLessThan(1);
  });

  it('GIVEN a peer driving, its state some time old THEN its disc grows by the way it drove since', () => {
    const coordinator = new PeerCoordinator(SETTINGS);
    coordinator.update(
      [peer('robot-2', 0, 0, [{ xM: 1.5, yM: 2 }]), peer('robot-3', 0.5, 400, [{ xM: 1.5, yM: 2 }])],
      [],
    );
    const [still, driving] = coordinator.movingBodies();
    expect(driving!.radiusM - still!.radiusM).toBeCloseTo(0.2, 6);
  });

  it('GIVEN a peer parked with no path THEN its body is mapped like anything else', () => {
    const coordinator = new PeerCoordinator(SETTINGS);
    coordinator.update([peer('robot-2', 0, 0, [])], []);
    expect(coordinator.movingBodies()).toEqual([]);
  });
});
