import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Point2D } from '../../messages/geometry.js';
import type { RobotTruth } from '../../test/harness/right-of-way-views.js';
import { inputFor, truth } from '../../test/harness/right-of-way-views.js';
import type { ClaimingRobot } from './claim-conflict.js';
import { bodyInClaimAhead, claimsConflict } from './claim-conflict.js';
import { claimStretch } from './claim-stretch.js';
import { comparePriority } from './priority.js';
import type { RightOfWayDecision } from './right-of-way.js';
import { RightOfWay } from './right-of-way.js';
import { cyclicComponents } from './wait-for-graph.js';

const CLAIM_AHEAD_M = 4;
const settings = { claimAheadM: CLAIM_AHEAD_M, claimForMs: 2_000 };
const MARGIN_M = 0.1;

/** A uniform number in [min, max] in steps of 1/100 (a double arbitrary crowds its values near 0 and the bounds). */
const metres = (min: number, max: number): fc.Arbitrary<number> =>
  fc.integer({ min: Math.round(min * 100), max: Math.round(max * 100) }).map((k) => k / 100);

interface World {
  fleet: RobotTruth[];
  passable: (p: Point2D) => boolean;
}

const coordinate = metres(-8, 8);
const priorityFields = fc.record({
  safetyStopped: fc.boolean(),
  carryingPayload: fc.boolean(),
  missionPriority: fc.integer({ min: 0, max: 3 }),
});

function apart(fleet: readonly RobotTruth[]): boolean {
  return fleet.every((a, i) =>
    fleet.every(
      (b, j) =>
        i >= j || Math.hypot(a.pose.xM - b.pose.xM, a.pose.yM - b.pose.yM) >= a.footprintRadiusM + b.footprintRadiusM,
    ),
  );
}

/** Robots in the open: random places, random paths of one to three legs, random priorities. */
const openWorld: fc.Arbitrary<World> = fc
  .array(
    fc.record({
      at: fc.tuple(coordinate, coordinate),
      legs: fc.array(fc.tuple(coordinate, coordinate), { minLength: 0, maxLength: 3 }),
      priority: priorityFields,
      radius: metres(0.2, 0.4),
    }),
    { minLength: 2, maxLength: 6 },
  )
  .map((robots) => robots.map((r, i) => truth(`r${i}`, r.at, r.legs, { ...r.priority, footprintRadiusM: r.radius })))
  .filter(apart)
  .map((fleet) => ({ fleet, passable: () => true }));

/** Robots in a corridor 1 m wide along x with bays every 5 m: they drive along it, either way. */
const corridorWorld: fc.Arbitrary<World> = fc
  .array(
    fc.record({
      x: metres(0, 20),
      to: metres(0, 20),
      priority: priorityFields,
    }),
    { minLength: 2, maxLength: 5 },
  )
  .map((robots) => robots.map((r, i) => truth(`r${i}`, [r.x, 0], [[r.to, 0]], r.priority)))
  .filter(apart)
  .map((fleet) => ({
    fleet,
    passable: (p: Point2D) =>
      (Math.abs(p.yM) <= 0.2 && p.xM >= 0 && p.xM <= 20) ||
      (Math.abs(p.xM - 5 * Math.round(p.xM / 5)) <= 0.1 && p.yM >= 0 && p.yM <= 1.3),
  }));

const anyWorld = fc.oneof(openWorld, corridorWorld);

function claiming(r: RobotTruth): ClaimingRobot {
  const position = { xM: r.pose.xM, yM: r.pose.yM };
  return {
    ...r,
    position,
    radiusM: r.footprintRadiusM,
    claim: claimStretch(position, r.path, CLAIM_AHEAD_M),
    preview: [position, ...r.path],
  };
}

function decideAll(world: World): RightOfWayDecision[] {
  return world.fleet.map((_, i) =>
    new RightOfWay(settings).decide(inputFor(world.fleet, i, 0, CLAIM_AHEAD_M, world.passable)),
  );
}

const goes = (d: RightOfWayDecision): boolean => d.hold === null && d.backOff === null;

describe('right of way over random geometry', () => {
  it('(a) two robots whose claims conflict never both go', () => {
    fc.assert(
      fc.property(anyWorld, (world) => {
        const decisions = decideAll(world);
        const robots = world.fleet.map(claiming);
        for (let i = 0; i < robots.length; i++) {
          for (let j = i + 1; j < robots.length; j++) {
            if (!claimsConflict(robots[i] as ClaimingRobot, robots[j] as ClaimingRobot, MARGIN_M)) continue;
            expect(goes(decisions[i] as RightOfWayDecision) && goes(decisions[j] as RightOfWayDecision)).toBe(false);
          }
        }
      }),
    );
  });

  it('(b) decided apart from the same information, exactly one of two conflicting robots goes, or the lower backs off for the higher', () => {
    const pairs = anyWorld.map((w) => ({ ...w, fleet: w.fleet.slice(0, 2) }));
    fc.assert(
      fc.property(pairs, (world) => {
        const [a, b] = world.fleet.map(claiming) as [ClaimingRobot, ClaimingRobot];
        fc.pre(claimsConflict(a, b, MARGIN_M));
        const [da, db] = decideAll(world) as [RightOfWayDecision, RightOfWayDecision];
        // Who stands in the other's way where it is now; an idle robot in a mover's way is asked to move
        // aside, so it counts as a meeting of both.
        const aStands = bodyInClaimAhead(b, a, MARGIN_M);
        const bStands = bodyInClaimAhead(a, b, MARGIN_M);
        const meeting = (aStands && bStands) || (aStands && a.claim.length === 1) || (bStands && b.claim.length === 1);
        if (meeting) {
          const [lower, higher, dLower, dHigher] = comparePriority(a, b) < 0 ? [b, a, db, da] : [a, b, da, db];
          expect(goes(dLower)).toBe(false);
          expect(goes(dHigher)).toBe(false);
          expect(dHigher.waitsFor).toEqual([lower.robotId]);
          expect(dLower.backOff?.forPeer ?? dLower.hold?.peer).toBe(higher.robotId);
          expect(da.deadlock).toEqual(db.deadlock);
          return;
        }
        if (a.claim.length === 1 && b.claim.length === 1) return;
        expect(Number(goes(da)) + Number(goes(db))).toBe(1);
        if (!aStands && !bStands) {
          const first = comparePriority(a, b) < 0 ? da : db;
          expect(goes(first)).toBe(true);
        }
      }),
    );
  });

  it('(c) the wait-for relation the robots report after resolution is acyclic, and every robot of a cycle found sees it', () => {
    fc.assert(
      fc.property(anyWorld, (world) => {
        const decisions = decideAll(world);
        const ids = world.fleet.map((r) => r.robotId);
        const edges = decisions.flatMap((d, i) =>
          d.waitsFor.map((to) => ({ from: ids[i] as string, to, why: 'priority' as const })),
        );
        expect(cyclicComponents(ids, edges)).toEqual([]);
        // Every robot of a cycle one robot reports sees itself in a cycle too (a robot in two cycles
        // reports one of them).
        decisions.forEach((d, i) => {
          for (const member of d.deadlock ?? []) {
            const other = decisions[ids.indexOf(member)] as RightOfWayDecision;
            expect(other.deadlock, `${ids[i]} reports ${member} in a cycle`).not.toBeNull();
            expect(other.deadlock).toContain(member);
          }
        });
      }),
    );
  });

  it('(d) a robot whose claim conflicts with no other claim always goes', () => {
    fc.assert(
      fc.property(anyWorld, (world) => {
        const decisions = decideAll(world);
        const robots = world.fleet.map(claiming);
        robots.forEach((r, i) => {
          const free = robots.every((o, j) => i === j || !claimsConflict(r, o, MARGIN_M));
          if (free) expect(goes(decisions[i] as RightOfWayDecision)).toBe(true);
        });
      }),
    );
  });
});
