import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Point2D } from '../../messages/geometry.js';
import { validateSurveyArea } from './survey-area.js';

const p = (xM: number, yM: number): Point2D => ({ xM, yM });
const rectangle = (x0: number, y0: number, x1: number, y1: number): Point2D[] => [
  p(x0, y0),
  p(x1, y0),
  p(x1, y1),
  p(x0, y1),
];
/** A site geofence as a `--config` file gives it: [[0, 0], [20, 0], [20, 12], [0, 12]]. */
const SITE = rectangle(0, 0, 20, 12);

describe('validateSurveyArea: malformed areas', () => {
  it('accepts a rectangle inside the geofence', () => {
    expect(validateSurveyArea(rectangle(2, 2, 8, 6), { laneSpacingM: 0.2, insetM: 0.12, geofence: SITE })).toBeNull();
  });

  it.each([
    ['fewer than 3 corners', [p(0, 0), p(1, 0)], 0.2, /at least 3 corners, got 2/],
    ['a non-finite corner', [p(0, 0), p(NaN, 0), p(1, 1)], 0.2, /corner 1 \(NaN, 0\) is not a finite point/],
    ['an infinite corner', [p(0, 0), p(1, 0), p(1, Infinity)], 0.2, /corner 2 .* is not a finite point/],
    ['a lane spacing of 0', rectangle(0, 0, 4, 3), 0, /lane spacing must be a positive number of metres, got 0/],
    ['a negative lane spacing', rectangle(0, 0, 4, 3), -1, /lane spacing must be a positive/],
    ['a NaN lane spacing', rectangle(0, 0, 4, 3), NaN, /lane spacing must be a positive/],
    ['a repeated corner', [p(0, 0), p(4, 0), p(4, 0), p(0, 3)], 0.2, /corners 1 and 2 are the same point \(4, 0\)/],
    ['a bow tie', [p(0, 0), p(4, 3), p(4, 0), p(0, 3)], 0.2, /edges 0 and 2 meet/],
    ['a boundary doubling back', [p(0, 0), p(4, 0), p(2, 0), p(2, 3)], 0.2, /edges 0 and 1 meet/],
    ['a boundary touching itself', [p(0, 0), p(4, 0), p(4, 3), p(2, 0), p(0, 3)], 0.2, /meet/],
    ['collinear corners', [p(0, 0), p(1, 1), p(3, 3)], 0.2, /meet|zero area/],
    [
      'a lane spacing wider than the area',
      rectangle(0, 0, 10, 1),
      1.5,
      /lane spacing 1.5 m is wider than the area \(1\.000 m/,
    ],
  ])('names %s', (_what, polygon, laneSpacingM, reason) => {
    expect(validateSurveyArea(polygon, { laneSpacingM })).toMatch(reason);
  });

  it('names a sliver with (numerically) zero area', () => {
    expect(validateSurveyArea([p(0, 0), p(10, 0), p(10, 1e-12)], { laneSpacingM: 1e-13 })).toMatch(/zero area/);
  });

  it('names an inset that leaves nothing to drive', () => {
    expect(validateSurveyArea(rectangle(0, 0, 10, 1), { laneSpacingM: 0.2, insetM: 0.5 })).toMatch(
      /inset of 0.5 m .* leaves nothing/,
    );
    expect(validateSurveyArea(rectangle(0, 0, 10, 1), { laneSpacingM: 0.2, insetM: -0.1 })).toMatch(/inset must be/);
  });
});

describe('validateSurveyArea: the geofence', () => {
  it('names the first corner outside the geofence', () => {
    expect(validateSurveyArea(rectangle(15, 2, 22, 6), { laneSpacingM: 0.2, geofence: SITE })).toMatch(
      /corner 1 \(22, 2\) is outside the geofence/,
    );
  });

  it('names an edge that leaves a concave geofence and comes back, though every corner is inside', () => {
    // An L-shaped site: the rectangle's corners sit in both arms, its top edge cuts the notch.
    const lSite = [p(0, 0), p(20, 0), p(20, 4), p(6, 4), p(6, 12), p(0, 12)];
    const reason = validateSurveyArea([p(2, 2), p(18, 2), p(18, 3.5), p(4, 6)], { laneSpacingM: 0.2, geofence: lSite });
    expect(reason).toMatch(/edge 2 of the survey area meets edge 2 of the geofence/);
  });

  it('ignores a geofence of fewer than 3 corners, as the reflex does', () => {
    expect(
      validateSurveyArea(rectangle(30, 30, 34, 33), { laneSpacingM: 0.2, geofence: [p(0, 0), p(1, 1)] }),
    ).toBeNull();
  });

  it('accepts any rectangle strictly inside the site, at any heading, and refuses it once a corner is pushed out', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 4, max: 16, noNaN: true }),
        fc.double({ min: 4, max: 8, noNaN: true }),
        fc.double({ min: 0.5, max: 2.5, noNaN: true }),
        fc.double({ min: 0.5, max: 2.5, noNaN: true }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        fc.integer({ min: 0, max: 3 }),
        (cx, cy, hx, hy, yaw, pushed) => {
          const c = Math.cos(yaw);
          const s = Math.sin(yaw);
          const corners = [
            [-hx, -hy],
            [hx, -hy],
            [hx, hy],
            [-hx, hy],
          ].map(([lx, ly]) => p(cx + lx! * c - ly! * s, cy + lx! * s + ly! * c));
          const limits = { laneSpacingM: 0.2, insetM: 0.12, geofence: SITE };
          // Half-diagonal at most 3.54 m from a centre at least 4 m in: inside.
          expect(validateSurveyArea(corners, limits)).toBeNull();
          // One corner pushed out from the centre to 25 m away (beyond the site's 23.3 m diagonal): still a simple polygon.
          const push = (q: Point2D): Point2D => {
            const scale = 25 / Math.hypot(q.xM - cx, q.yM - cy);
            return p(cx + (q.xM - cx) * scale, cy + (q.yM - cy) * scale);
          };
          const outside = corners.map((q, i) => (i === pushed ? push(q) : q));
          expect(validateSurveyArea(outside, limits)).toMatch(/corner \d .* is outside the geofence/);
        },
      ),
    );
  });
});
