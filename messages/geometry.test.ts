import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { integrateArc, type Pose2D } from './geometry.js';

const ORIGIN: Pose2D = { xM: 0, yM: 0, yawRad: 0 };

function expectPose(actual: Pose2D, expected: Pose2D, digits = 9): void {
  expect(actual.xM).toBeCloseTo(expected.xM, digits);
  expect(actual.yM).toBeCloseTo(expected.yM, digits);
  expect(actual.yawRad).toBeCloseTo(expected.yawRad, digits);
}

describe('integrateArc', () => {
  it('drives a straight line along the heading', () => {
    expectPose(integrateArc(ORIGIN, 0.5, 0, 2), { xM: 1, yM: 0, yawRad: 0 });
    expectPose(integrateArc({ xM: 1, yM: 1, yawRad: Math.PI / 2 }, 0.25, 0, 4), { xM: 1, yM: 2, yawRad: Math.PI / 2 });
    const diagonal = integrateArc({ xM: 0, yM: 0, yawRad: Math.PI / 4 }, Math.SQRT2, 0, 1);
    expectPose(diagonal, { xM: 1, yM: 1, yawRad: Math.PI / 4 });
  });

  it('drives backwards with a negative speed', () => {
    expectPose(integrateArc(ORIGIN, -0.3, 0, 1), { xM: -0.3, yM: 0, yawRad: 0 });
  });

  it('ends a counter-clockwise quarter circle of radius v/ω at (r, r), facing +y', () => {
    // v = 0.5 m/s, ω = π/4 rad/s: r = 2/π m, a quarter turn takes 2 s.
    const r = 0.5 / (Math.PI / 4);
    expectPose(integrateArc(ORIGIN, 0.5, Math.PI / 4, 2), { xM: r, yM: r, yawRad: Math.PI / 2 });
  });

  it('ends a clockwise quarter circle at (r, -r), facing -y', () => {
    const r = 1;
    expectPose(integrateArc(ORIGIN, 1, -1, Math.PI / 2), { xM: r, yM: -r, yawRad: -Math.PI / 2 });
  });

  it('ends a half circle at (0, 2r), facing back', () => {
    // r = v/ω = 1 m; half a turn at 0.5 rad/s takes 2π s.
    const end = integrateArc(ORIGIN, 0.5, 0.5, 2 * Math.PI);
    expect(end.xM).toBeCloseTo(0, 9);
    expect(end.yM).toBeCloseTo(2, 9);
    expect(Math.abs(end.yawRad)).toBeCloseTo(Math.PI, 9);
  });

  it('comes back to the start after a full circle', () => {
    expectPose(integrateArc({ xM: 3, yM: -1, yawRad: 0.4 }, 0.7, 0.5, 4 * Math.PI), { xM: 3, yM: -1, yawRad: 0.4 });
  });

  it('follows the arc from any starting heading: a quarter circle starting north ends west of its start', () => {
    // Facing +y, turning left with r = 1: centre at (-1, 0), end at (-1, 1) facing -x.
    const end = integrateArc({ xM: 0, yM: 0, yawRad: Math.PI / 2 }, 1, 1, Math.PI / 2);
    expect(end.xM).toBeCloseTo(-1, 9);
    expect(end.yM).toBeCloseTo(1, 9);
    expect(Math.abs(end.yawRad)).toBeCloseTo(Math.PI, 9);
  });

  it('turns in place without moving at zero speed', () => {
    expectPose(integrateArc({ xM: 2, yM: 3, yawRad: 0 }, 0, 1, 1), { xM: 2, yM: 3, yawRad: 1 });
  });

  it('keeps the heading within (-π, π]', () => {
    const end = integrateArc({ xM: 0, yM: 0, yawRad: 3 }, 0, 1, 1);
    expect(end.yawRad).toBeCloseTo(4 - 2 * Math.PI, 12);
  });

  it('stays put for a zero time step', () => {
    expectPose(integrateArc({ xM: 1, yM: 2, yawRad: 0.3 }, 1, 2, 0), { xM: 1, yM: 2, yawRad: 0.3 });
  });

  it('is continuous across the straight-line special case, to well under a micrometre', () => {
    const straight = integrateArc(ORIGIN, 1, 0, 1);
    for (const w of [1e-6, 1e-8, 2e-9, 5e-10]) {
      const nearly = integrateArc(ORIGIN, 1, w, 1);
      expect(nearly.xM).toBeCloseTo(straight.xM, 6);
      // Sideways drift of an arc: v·ω·dt²/2
      expect(nearly.yM).toBeCloseTo(w / 2, 6);
      expect(nearly.yawRad).toBeCloseTo(w, 8);
    }
  });

  it('is exact: two half steps make one whole step', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (x, y, v, yaw, dt) => {
          for (const w of [0, 0.3, -1.7]) {
            const start = { xM: x, yM: y, yawRad: yaw };
            const once = integrateArc(start, v, w, dt);
            const twice = integrateArc(integrateArc(start, v, w, dt / 2), v, w, dt / 2);
            expect(twice.xM).toBeCloseTo(once.xM, 6);
            expect(twice.yM).toBeCloseTo(once.yM, 6);
            expect(Math.cos(twice.yawRad)).toBeCloseTo(Math.cos(once.yawRad), 6);
            expect(Math.sin(twice.yawRad)).toBeCloseTo(Math.sin(once.yawRad), 6);
          }
        },
      ),
    );
  });

  it('travels |v|·dt along the arc: the chord matches 2r·sin(ωdt/2)', () => {
    const v = 0.4;
    const w = 0.8;
    const dt = 1.5;
    const end = integrateArc(ORIGIN, v, w, dt);
    const chord = 2 * (v / w) * Math.sin((w * dt) / 2);
    expect(Math.hypot(end.xM, end.yM)).toBeCloseTo(chord, 12);
  });
});
