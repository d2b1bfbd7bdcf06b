import { describe, expect, it } from 'vitest';
import type { PeerState, PeerView } from '../../messages/peer.js';
import { claimFrom, fleetPicture } from './fleet-picture.js';

const limits = { claimAheadM: 4, staleForgetMs: 10_000, staleNearM: 4 };
const self = {
  robotId: 'me',
  safetyStopped: false,
  carryingPayload: false,
  missionPriority: 0,
  pose: { xM: 0, yM: 0, yawRad: 0 },
  footprintRadiusM: 0.3,
  path: [{ xM: 10, yM: 0 }],
};
function state(x: number, y: number): PeerState {
  return {
    robotId: 'p',
    safetyStopped: false,
    carryingPayload: false,
    missionPriority: 3,
    atUs: 0,
    pose: { xM: x, yM: y, yawRad: 0 },
    vMps: 0.5,
    wRadps: 0,
    pathPreview: [{ xM: x, yM: y + 10 }],
    footprintRadiusM: 0.4,
  };
}
function view(id: string, over: Partial<PeerView>): PeerView {
  return { id, online: true, bootId: 'b', state: state(5, -5), claim: null, ageMs: 50, stale: false, ...over };
}

describe('fleetPicture', () => {
  it('takes a fresh peer with its valid claim, or its path preview when the claim is missing or expired', () => {
    const claim = {
      robotId: 'a',
      claimSeq: 1,
      path: [
        { xM: 5, yM: -5 },
        { xM: 5, yM: -3 },
      ],
      fromUs: 0,
      untilUs: 2e6,
    };
    const pic = fleetPicture(
      1e6,
      self,
      [view('a', { claim }), view('b', { claim: { ...claim, robotId: 'b', untilUs: 5e5 } })],
      limits,
    );
    expect(pic.known.map((k) => k.robotId)).toEqual(['a', 'b']);
    expect(pic.known[0]?.claim).toEqual([
      { xM: 5, yM: -5 },
      { xM: 5, yM: -3 },
    ]);
    expect(pic.known[1]?.claim).toEqual([
      { xM: 5, yM: -5 },
      { xM: 5, yM: -1 },
    ]);
    expect(pic.known[1]?.radiusM).toBe(0.4);
    expect(pic.self.claim).toEqual([
      { xM: 0, yM: 0 },
      { xM: 4, yM: 0 },
    ]);
  });

  it('keeps a stale peer as unknown while recent or near, and forgets one stale long and far', () => {
    const pic = fleetPicture(
      0,
      self,
      [
        view('recent', { stale: true, ageMs: 2_000, state: state(30, 30) }),
        view('near', { stale: true, ageMs: 60_000, state: state(2, 1) }),
        view('gone', { stale: true, ageMs: 60_000, state: state(30, 30) }),
        view('offline', { online: false, ageMs: 100, state: state(3, 0) }),
      ],
      limits,
    );
    expect(pic.unknown.map((u) => u.id)).toEqual(['near', 'offline', 'recent']);
    expect(pic.known).toEqual([]);
  });

  it('counts and leaves out malformed views, duplicates and its own id', () => {
    const bad = { ...state(1, 1), pose: { xM: NaN, yM: 0, yawRad: 0 } };
    const pic = fleetPicture(
      0,
      self,
      [view('x', { state: bad }), view('y', {}), view('y', {}), view('me', {})],
      limits,
    );
    expect(pic.known.map((k) => k.robotId)).toEqual(['y']);
    expect(pic.dropped).toBe(3);
  });

  it('joins a claim made from a little further back at its segment nearest to where the peer is now', () => {
    const joined = claimFrom({ xM: 1.5, yM: 0 }, [
      { xM: 0, yM: 0 },
      { xM: 1, yM: 0 },
      { xM: 2, yM: 0 },
      { xM: 4, yM: 0 },
    ]);
    expect(joined).toEqual([
      { xM: 1.5, yM: 0 },
      { xM: 2, yM: 0 },
      { xM: 4, yM: 0 },
    ]);
  });
});
