import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Point2D } from '../../messages/geometry.js';
import type { PeerView } from '../../messages/peer.js';
import { pointPolylineDistance } from './polyline-distance.js';
import { RightOfWay, type RightOfWaySelf } from './right-of-way.js';

const RADIUS_M = 0.19;
/** Two radii and the default clearance margin: closer than this to a claim is in its way. */
const IN_THE_WAY_M = 2 * RADIUS_M + 0.1;
const BAY_LENGTH_M = 2;
const NOW_US = 50e6;

/** A corridor along y = `axisY` (the centre within 0.11 m of its axis) with a bay south of it from `bayX`, 0.8 m deep. */
interface Corridor {
  axisY: number;
  bayX: number;
}

function passableIn(c: Corridor): (p: Point2D) => boolean {
  return (p) => {
    const inCorridor = p.xM >= 0 && p.xM <= 40 && Math.abs(p.yM - c.axisY) <= 0.11;
    const inBay =
      p.xM >= c.bayX + RADIUS_M &&
      p.xM <= c.bayX + BAY_LENGTH_M - RADIUS_M &&
      p.yM >= c.axisY - 0.71 &&
      p.yM <= c.axisY + 0.11;
    return inCorridor || inBay;
  };
}

function line(from: Point2D, toX: number): Point2D[] {
  const stepM = 0.25;
  const points: Point2D[] = [];
  const dir = Math.sign(toX - from.xM);
  for (let x = from.xM; dir * (toX - x) > 0; x += dir * stepM) points.push({ xM: x, yM: from.yM });
  points.push({ xM: toX, yM: from.yM });
  return points;
}

function peer(id: string, at: Point2D, way: Point2D[], claimAheadM: number): PeerView {
  const claim = [way[0] as Point2D];
  for (const p of way.slice(1)) if (Math.abs(p.xM - at.xM) <= claimAheadM) claim.push(p);
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
      atUs: NOW_US,
      pose: { ...at, yawRad: 0 },
      vMps: 0.3,
      wRadps: 0,
      pathPreview: claim,
      footprintRadiusM: RADIUS_M,
    },
    claim: { robotId: id, claimSeq: 1, path: claim, fromUs: NOW_US - 1, untilUs: NOW_US + 2e6 },
  };
}

function self(id: string, at: Point2D, path: Point2D[]): RightOfWaySelf {
  return {
    robotId: id,
    safetyStopped: false,
    carryingPayload: false,
    missionPriority: 50,
    pose: { ...at, yawRad: Math.PI },
    footprintRadiusM: RADIUS_M,
    path,
  };
}

/**
 * Two robots head-on in a corridor, robot-1 (first by id) coming east from `eastX - gapM`, robot-2
 * coming west from `eastX`, a bay somewhere: the meeting seen from robot-2, the one that gives way.
 */
const meeting = fc.record({
  axisY: fc.double({ min: 1, max: 6, noNaN: true }),
  eastX: fc.double({ min: 12, max: 30, noNaN: true }),
  gapM: fc.double({ min: 3, max: 8, noNaN: true }),
  bayFromEastM: fc.double({ min: 0.5, max: 10, noNaN: true }),
});

describe('giving way head-on', () => {
  it('GIVEN two robots meeting head-on in a corridor, claims 4 m ahead WHEN the lower one decides THEN any passing place it drives to is off the other way, and it takes a bay it reaches well before the other', () => {
    fc.assert(
      fc.property(meeting, ({ axisY, eastX, gapM, bayFromEastM }) => {
        const corridor: Corridor = { axisY, bayX: eastX - bayFromEastM - BAY_LENGTH_M / 2 };
        const westX = eastX - gapM;
        const oneAt = { xM: westX, yM: axisY };
        const twoAt = { xM: eastX, yM: axisY };
        const oneWay = line(oneAt, 39);
        const twoWay = line(twoAt, 0.5);
        const decision = new RightOfWay({ claimAheadM: 4, claimForMs: 2000 }).decide({
          nowUs: NOW_US,
          self: self('robot-2', twoAt, twoWay),
          peers: [peer('robot-1', oneAt, oneWay, 4)],
          passable: passableIn(corridor),
        });
        const to = decision.backOff?.to;
        if (to !== undefined) {
          expect(passableIn(corridor)(to)).toBe(true);
          expect(pointPolylineDistance(to, oneWay)).toBeGreaterThanOrEqual(IN_THE_WAY_M);
        }
        const bayMiddleX = corridor.bayX + BAY_LENGTH_M / 2;
        const twoToBayM = eastX - bayMiddleX;
        const oneToBayM = bayMiddleX - westX;
        // The bay lies between them, robot-2 comes to it 1.5 m of driving before robot-1 does, and it claims far enough to see it.
        if (oneToBayM > 0 && twoToBayM > 0 && twoToBayM + 1.5 < oneToBayM && twoToBayM < 5) {
          expect(decision.backOff?.forPeer).toBe('robot-1');
          expect(to!.yM).toBeLessThanOrEqual(axisY - IN_THE_WAY_M + 1e-9);
          expect(to!.xM).toBeGreaterThanOrEqual(corridor.bayX);
          expect(to!.xM).toBeLessThanOrEqual(corridor.bayX + BAY_LENGTH_M);
        }
      }),
      { seed: 20261207, numRuns: 200 },
    );
  });

  it('GIVEN the same meetings WHEN the higher one decides THEN it never turns aside: it goes, or holds', () => {
    fc.assert(
      fc.property(meeting, ({ axisY, eastX, gapM, bayFromEastM }) => {
        const corridor: Corridor = { axisY, bayX: eastX - bayFromEastM - BAY_LENGTH_M / 2 };
        const oneAt = { xM: eastX - gapM, yM: axisY };
        const twoAt = { xM: eastX, yM: axisY };
        const decision = new RightOfWay({ claimAheadM: 4, claimForMs: 2000 }).decide({
          nowUs: NOW_US,
          self: self('robot-1', oneAt, line(oneAt, 39)),
          peers: [peer('robot-2', twoAt, line(twoAt, 0.5), 4)],
          passable: passableIn(corridor),
        });
        expect(decision.backOff).toBeNull();
      }),
      { seed: 20261207, numRuns: 200 },
    );
  });
});
