import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Point2D } from '../messages/geometry.js';
import { distanceToBoundaryM, insidePolygon } from '../messages/polygon.js';
import type { StoppingModel } from './stopping-distance.js';
import { polygonTurnRad, sweptAreaPolygons } from './swept-area.js';
import { SweptPathChecker } from './swept-path.js';

/**
 * The swept area as drawn ({@link sweptAreaPolygons} of {@link SweptPathChecker.checkedArea}) against
 * the check itself ({@link SweptPathChecker.clearance}) over random footprints, stopping models and
 * motions, one obstacle point at a time, for points beyond the margins where the robot stands (the
 * points within them are judged by the near rule, not by the swept area): a point outside the
 * drawing never limits the motion, and a point inside it by more than the drawing's slack always does.
 * Fixed seed: the same cases every run (SPINAL_PROPERTY_SEED to vary).
 */
const SEED = Number(process.env.SPINAL_PROPERTY_SEED ?? 20261207);
const RUNS = 200;
const POINTS_PER_CASE = 60;
/**
 * How far inside the drawing a point may be and still escape the check, metres, turning: the
 * polygons round the corners' arcs from outside (by 3.5 % of the margin) and a hull of footprints
 * turned through Δ (`polygonTurnRad`) reaches beyond them by about Δ/2 times the grown half length; 2 mm for the
 * curve of the path within a hull. Driving straight the drawing is exact.
 */
function pathSlackM(halfLengthM: number, marginXM: number, marginYM: number, turnRad: number): number {
  return 0.0354 * Math.max(marginXM, marginYM) + ((halfLengthM + marginXM) * turnRad) / 2 + 0.002;
}
const CORRIDOR_SLACK_M = 1e-9;

const uniform = (min: number, max: number): fc.Arbitrary<number> =>
  fc.noBias(fc.integer({ min: 0, max: 1 << 30 })).map((i) => min + ((max - min) * i) / (1 << 30));

const caseArb = fc.record({
  halfLengthM: uniform(0.1, 0.4),
  halfWidthM: uniform(0.08, 0.3),
  sideMarginM: uniform(0.02, 0.1),
  wheelBaseFraction: uniform(0.5, 1),
  model: fc.record({
    brakingDecelMps2: uniform(0.5, 3),
    reactionLatencyS: uniform(0, 0.1),
    stopMarginM: uniform(0.02, 0.2),
    slowZoneM: uniform(0, 1),
    maxSpeedMps: uniform(0.2, 1.5),
  }),
  vFraction: fc.oneof(uniform(-1, 1), fc.constant(0)),
  wRadps: fc.oneof({ weight: 2, arbitrary: uniform(-2.5, 2.5) }, { weight: 1, arbitrary: fc.constant(0) }),
  points: fc.array(fc.tuple(uniform(-1, 1), uniform(-1, 1)), {
    minLength: POINTS_PER_CASE,
    maxLength: POINTS_PER_CASE,
  }),
});

/** Whether `p` lies within the margins of the footprint where it stands (rounded corners), or inside it. */
function withinMarginsNow(p: Point2D, hl: number, hw: number, mx: number, my: number): boolean {
  const dx = Math.abs(p.xM) - hl;
  const dy = Math.abs(p.yM) - hw;
  if (dx > mx || dy > my) return false;
  if (dx <= 0 || dy <= 0) return true;
  return (dx / mx) ** 2 + (dy / my) ** 2 <= 1;
}

describe('the swept area drawn for a motion', () => {
  it('holds every point the check limits the motion for, and the check limits it for every point well inside', () => {
    let inside = 0;
    let outside = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const { halfLengthM: hl, halfWidthM: hw, sideMarginM, model } = c;
        const shape = { halfLengthM: hl, halfWidthM: hw, sideMarginM, wheelBaseM: 2 * hw * c.wheelBaseFraction };
        const checker = new SweptPathChecker({ ...shape, capacity: 1 });
        const m: StoppingModel = model;
        const vMps = c.vFraction * model.maxSpeedMps;
        checker.setCount(0, m.stopMarginM);
        const area = checker.checkedArea(vMps, c.wRadps, m);
        if (vMps === 0 && c.wRadps === 0) {
          expect(area).toBeNull();
          return;
        }
        expect(area).not.toBeNull();
        const polygons = sweptAreaPolygons(area!);
        expect(polygons.length).toBeGreaterThan(0);
        // The margin ahead at the robot's place, as the check sets it: the stop margin in proportion to translation.
        const grownR = Math.hypot(hl + Math.max(m.stopMarginM, sideMarginM), hw + sideMarginM);
        const translation = Math.abs(vMps) / (Math.abs(vMps) + grownR * Math.abs(c.wRadps));
        const endMarginM = m.stopMarginM * translation + sideMarginM * (1 - translation);
        const reach = area!.lookAheadM + Math.hypot(hl, hw) + 0.3;
        const slack =
          area!.kind === 'corridor'
            ? CORRIDOR_SLACK_M
            : pathSlackM(hl, area!.marginXM, area!.marginYM, polygonTurnRad(area!));
        for (const [fx, fy] of c.points) {
          const p = { xM: fx * reach, yM: fy * reach };
          if (withinMarginsNow(p, hl, hw, endMarginM, sideMarginM)) continue;
          checker.xM[0] = p.xM;
          checker.yM[0] = p.yM;
          checker.setCount(1, m.stopMarginM);
          const found = checker.clearance(vMps, c.wRadps, m).obstacle !== null;
          if (!polygons.some((polygon) => insidePolygon(p, polygon))) {
            outside++;
            expect(found, `point (${p.xM}, ${p.yM}) outside the drawing limits the motion`).toBe(false);
          } else if (polygons.some((polygon) => insidePolygon(p, polygon) && distanceToBoundaryM(p, polygon) > slack)) {
            inside++;
            expect(found, `point (${p.xM}, ${p.yM}) well inside the drawing (${area!.kind}) escapes the check`).toBe(
              true,
            );
          }
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The cases reach both sides of the outline.
    expect(inside).toBeGreaterThan(RUNS);
    expect(outside).toBeGreaterThan(RUNS);
  });
});
