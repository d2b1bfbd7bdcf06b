import { describe, expect, it } from 'vitest';
import { inputFor, truth, viewOf } from '../../test/harness/right-of-way-views.js';
import { RightOfWay } from './right-of-way.js';

const settings = { claimAheadM: 4, claimForMs: 2_000 };

describe('RightOfWay.decide', () => {
  it('GIVEN a path free of every claim THEN the robot goes and claims the stretch ahead for the claim time', () => {
    const fleet = [truth('a', [0, 0], [[10, 0]]), truth('b', [0, 5], [[10, 5]], { missionPriority: 99 })];
    const d = new RightOfWay(settings).decide(inputFor(fleet, 0, 0, 4));
    expect(d.hold).toBeNull();
    expect(d.backOff).toBeNull();
    expect(d.waitsFor).toEqual([]);
    expect(d.deadlock).toBeNull();
    expect(d.claim).toEqual({
      path: [
        { xM: 0, yM: 0 },
        { xM: 4, yM: 0 },
      ],
      forMs: 2_000,
    });
  });

  it('GIVEN two robots whose paths cross THEN the lower one holds before the crossing and the higher one goes', () => {
    const fleet = [
      truth('a', [-3, 0], [[3, 0]], { carryingPayload: true }),
      truth('b', [0, -3], [[0, 3]], { missionPriority: 80 }),
    ];
    const a = new RightOfWay(settings).decide(inputFor(fleet, 0, 0, 4));
    const b = new RightOfWay(settings).decide(inputFor(fleet, 1, 0, 4));
    expect(a.hold).toBeNull();
    expect(b.hold?.peer).toBe('a');
    expect(b.waitsFor).toEqual(['a']);
  });

  it("GIVEN two robots head-on in the open THEN the lower one backs off off the higher one's way, and the cycle is reported", () => {
    const fleet = [truth('a', [0, 0], [[10, 0]], { missionPriority: 50 }), truth('b', [3, 0], [[-7, 0]])];
    const a = new RightOfWay(settings).decide(inputFor(fleet, 0, 0, 4));
    const b = new RightOfWay(settings).decide(inputFor(fleet, 1, 0, 4));
    expect(a.hold?.peer).toBe('b');
    expect(b.backOff?.forPeer).toBe('a');
    expect(Math.abs(b.backOff?.to.yM ?? 0)).toBeGreaterThanOrEqual(0.7);
    expect(b.waitsFor).toEqual([]);
    expect(b.deadlock).toEqual(['b', 'a']);
    expect(a.deadlock).toEqual(['b', 'a']);
  });

  it('GIVEN a stale peer whose last way crosses this one THEN the robot holds while it is recent or near, and forgets it stale long and far', () => {
    const other = truth('p', [3, -2], [[3, 5]], { missionPriority: 0 });
    const me = truth('a', [0, 0], [[10, 0]], { missionPriority: 100 });
    const decide = (ageMs: number, at: [number, number]) => {
      const peer = { ...other, pose: { xM: at[0], yM: at[1], yawRad: 0 }, path: [{ xM: at[0], yM: 5 }] };
      return new RightOfWay(settings).decide({
        nowUs: 1e9,
        self: me,
        peers: [viewOf(peer, 0, 4, { stale: true, ageMs })],
        passable: () => true,
      });
    };
    expect(decide(2_000, [3, -2]).hold?.peer).toBe('p');
    expect(decide(2_000, [3, -2]).hold?.reason).toMatch(/unknown/);
    expect(decide(60_000, [3, -2]).hold?.peer).toBe('p');
    // Far (over 4 m between footprints) and stale for longer than the limit: it no longer counts.
    expect(decide(60_000, [3.5, -3.5]).hold).toBeNull();
    expect(decide(2_000, [3.5, -3.5]).hold?.peer).toBe('p');
  });

  it('GIVEN a stale peer whose way does not cross this one THEN the robot goes', () => {
    const me = truth('a', [0, 0], [[10, 0]]);
    const far = truth('p', [0, 3], [[10, 3]]);
    const d = new RightOfWay(settings).decide({
      nowUs: 0,
      self: me,
      peers: [viewOf(far, 0, 4, { stale: true, ageMs: 2_000 })],
      passable: () => true,
    });
    expect(d.hold).toBeNull();
  });

  it('GIVEN a robot that has stood still waiting past the aging time THEN the one it waits for cuts its claim and gives way, and the waiter then goes', () => {
    const aging = { ...settings, agingAfterMs: 5_000 };
    const high = truth('a', [-3, 0], [[3, 0]], { missionPriority: 90 });
    const low = truth('b', [0, -3], [[0, 3]], { vMps: 0 });
    const a = new RightOfWay(aging);
    let decision = a.decide({ nowUs: 0, self: high, peers: [viewOf(low, 0, 4)], passable: () => true });
    expect(decision.hold).toBeNull();
    decision = a.decide({ nowUs: 5_100_000, self: high, peers: [viewOf(low, 5_100_000, 4)], passable: () => true });
    expect(decision.hold?.peer).toBe('b');
    expect(decision.hold?.reason).toMatch(/aging/);
    const cut = decision.claim.path;
    expect(Math.max(...cut.map((p) => p.xM))).toBeLessThan(-0.6);
    // The waiter sees the cut claim: no conflict left, it goes.
    const highView = viewOf(high, 5_100_000, 4);
    const b = new RightOfWay(aging).decide({
      nowUs: 5_150_000,
      self: low,
      peers: [{ ...highView, claim: { ...(highView.claim as NonNullable<typeof highView.claim>), path: cut } }],
      passable: () => true,
    });
    expect(b.hold).toBeNull();
    expect(b.backOff).toBeNull();
  });

  it('GIVEN malformed input THEN it holds or leaves the bad part out, counts it, and never throws', () => {
    const row = new RightOfWay(settings);
    const bad = row.decide({ nowUs: 0, self: truth('a', [NaN, 0], []), peers: [], passable: () => true });
    expect(bad.hold).not.toBeNull();
    expect(row.dropped).toBe(1);
    const fleet = [truth('a', [0, 0], [[10, 0]], { missionPriority: 50 }), truth('b', [3, 0], [[-7, 0]])];
    const throwing = {
      ...inputFor(fleet, 1, 0, 4),
      passable: () => {
        throw new Error('no map');
      },
    };
    const d = row.decide(throwing);
    expect(d.backOff).toBeNull();
    expect(d.hold?.reason).toMatch(/no passing place/);
    expect(row.dropped).toBeGreaterThan(1);
    expect(() => row.decide({ ...inputFor(fleet, 0, 0, 4), peers: [null as never, { id: 7 } as never] })).not.toThrow();
  });
});
