import { describe, expect, it } from 'vitest';
import type { Point2D } from '../../messages/geometry.js';
import type { PeerView } from '../../messages/peer.js';
import { RightOfWay } from './right-of-way.js';

const RADIUS_M = 0.19;

/** A peer heard just now, its state and claim as `line` (from where it stands, nearest first). */
function peer(id: string, at: Point2D, line: Point2D[], nowUs: number, vMps = 0.2): PeerView {
  return {
    id,
    online: true,
    bootId: 'boot',
    ageMs: 0,
    stale: false,
    state: {
      robotId: id,
      safetyStopped: false,
      carryingPayload: false,
      missionPriority: 50,
      atUs: nowUs,
      pose: { ...at, yawRad: 0 },
      vMps,
      wRadps: 0,
      pathPreview: line,
      footprintRadiusM: RADIUS_M,
    },
    claim: { robotId: id, claimSeq: 1, path: line, fromUs: nowUs - 1, untilUs: nowUs + 2e6 },
  };
}

/**
 * A 0.6 m corridor along y = 2 (the centre may stand within 0.11 m of its axis) with a bay south of
 * it at x 7..9 (the centre down to y 1.29): what the cost layer of corridor-head-on lets through.
 */
function corridorWithBay(p: Point2D): boolean {
  const inCorridor = p.xM >= 0 && p.xM <= 20 && Math.abs(p.yM - 2) <= 0.11;
  const inBay = p.xM >= 7.19 && p.xM <= 8.81 && p.yM >= 1.29 && p.yM <= 2.11;
  return inCorridor || inBay;
}

describe('the passing place a robot backs off to', () => {
  it('GIVEN a head-on meeting in a corridor, the peer previewing 4 m ahead WHEN the robot backs off THEN it waits in the bay, not just past the end of the peer preview', () => {
    const rightOfWay = new RightOfWay({ claimAheadM: 4, claimForMs: 2000 });
    const nowUs = 10e6;
    // robot-1 comes east from 7.45; robot-2 (later by id, the same priority) at 10.4 going west.
    const east = [
      { xM: 7.45, yM: 2 },
      { xM: 11.45, yM: 2 },
    ];
    const decision = rightOfWay.decide({
      nowUs,
      self: {
        robotId: 'robot-2',
        safetyStopped: false,
        carryingPayload: false,
        missionPriority: 50,
        pose: { xM: 10.4, yM: 2, yawRad: Math.PI },
        footprintRadiusM: RADIUS_M,
        path: [{ xM: 1.5, yM: 2 }],
      },
      peers: [peer('robot-1', { xM: 7.45, yM: 2 }, east, nowUs)],
      passable: corridorWithBay,
    });
    expect(decision.backOff?.forPeer).toBe('robot-1');
    const to = decision.backOff?.to as Point2D;
    // In the bay: off the corridor's axis by more than the two radii and the margin.
    expect(to.yM).toBeLessThan(2 - 2 * RADIUS_M - 0.1 + 1e-9);
    expect(to.xM).toBeGreaterThanOrEqual(7.19);
    expect(to.xM).toBeLessThanOrEqual(8.81);
  });
});

describe('the aging rule', () => {
  it('GIVEN a peer that has waited head-on for this robot far longer than the aging time THEN this robot keeps the right of way', () => {
    const rightOfWay = new RightOfWay({ claimAheadM: 4, claimForMs: 2000 });
    const self = {
      robotId: 'robot-1',
      safetyStopped: false,
      carryingPayload: false,
      missionPriority: 50,
      footprintRadiusM: RADIUS_M,
    };
    // robot-2 stands at 12.5 wanting to go west; robot-1 drives east towards it, still far away.
    const west = [
      { xM: 12.5, yM: 2 },
      { xM: 8.5, yM: 2 },
    ];
    let last = null as ReturnType<RightOfWay['decide']> | null;
    for (let t = 0; t <= 40; t += 0.5) {
      const nowUs = t * 1e6;
      const x = 4.2 + 0.02 * t;
      last = rightOfWay.decide({
        nowUs,
        self: { ...self, pose: { xM: x, yM: 2, yawRad: 0 }, path: [{ xM: 14.5, yM: 2 }] },
        peers: [peer('robot-2', { xM: 12.5, yM: 2 }, west, nowUs, 0)],
        passable: () => true,
      });
      expect(last.hold, `at ${t} s`).toBeNull();
    }
    expect(last?.claim.path.length).toBeGreaterThan(1);
  });

  it('GIVEN a peer that has waited at a crossing for longer than the aging time THEN this robot gives way to it', () => {
    const rightOfWay = new RightOfWay({ claimAheadM: 4, claimForMs: 2000 });
    const self = {
      robotId: 'robot-1',
      safetyStopped: false,
      carryingPayload: false,
      missionPriority: 50,
      footprintRadiusM: RADIUS_M,
    };
    // robot-2 waits south of the crossing, wanting to go north across robot-1's way.
    const north = [
      { xM: 5, yM: 0.5 },
      { xM: 5, yM: 4.5 },
    ];
    const holds: string[] = [];
    for (let t = 0; t <= 25; t += 0.5) {
      const nowUs = t * 1e6;
      const decision = rightOfWay.decide({
        nowUs,
        self: { ...self, pose: { xM: 2.5, yM: 2, yawRad: 0 }, path: [{ xM: 9, yM: 2 }] },
        peers: [peer('robot-2', { xM: 5, yM: 0.5 }, north, nowUs, 0)],
        passable: () => true,
      });
      if (decision.hold) holds.push(decision.hold.reason);
    }
    expect(holds.some((reason) => reason.includes('(aging)'))).toBe(true);
  });
});
