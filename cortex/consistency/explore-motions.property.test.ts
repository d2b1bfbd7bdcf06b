import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../config/param-values.js';
import { integrateArc, type Pose2D } from '../../messages/geometry.js';
import { consistencySettingsFromParams } from './consistency-settings.js';
import { BackOff, exploreMotionFor, RotateInPlace, type ExploreMotion } from './explore-motions.js';
import { REACTION_TABLE } from './reaction-table.js';

const SETTINGS = consistencySettingsFromParams(resolveParams({}), 0.2);
const DT_S = 0.05;

const pose = fc.record({
  xM: fc.double({ min: -10, max: 10, noNaN: true }),
  yM: fc.double({ min: -10, max: 10, noNaN: true }),
  yawRad: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
});

/** Drives `motion` on an ideal robot until it says done (or `maxSteps`); returns the poses and the commands. */
function drive(motion: ExploreMotion, start: Pose2D, maxSteps = 4000) {
  let at = start;
  let turned = 0;
  const commands: { vMps: number; wRadps: number }[] = [];
  for (let i = 0; i < maxSteps; i++) {
    const out = motion.step(at);
    if (out.done) return { at, turned, commands, done: true };
    commands.push({ vMps: out.vMps, wRadps: out.wRadps });
    const next = integrateArc(at, out.vMps, out.wRadps, DT_S);
    turned += out.wRadps * DT_S;
    at = next;
  }
  return { at, turned, commands, done: false };
}

describe('explore motions', () => {
  it('RotateInPlace turns in place by the angle, either way, to within 0.05 rad, never faster than the explore turn rate', () => {
    fc.assert(
      fc.property(
        pose,
        fc.double({ min: -2 * Math.PI, max: 2 * Math.PI, noNaN: true }).filter((a) => Math.abs(a) > 0.05),
        (start, angle) => {
          const result = drive(new RotateInPlace(angle, SETTINGS.exploreTurnRateRadps), start);
          expect(result.done).toBe(true);
          expect(Math.abs(result.turned - angle)).toBeLessThan(0.05);
          expect(result.at.xM).toBeCloseTo(start.xM, 9);
          for (const c of result.commands) {
            expect(c.vMps).toBe(0);
            expect(Math.abs(c.wRadps)).toBeLessThanOrEqual(SETTINGS.exploreTurnRateRadps);
            expect(Math.sign(c.wRadps)).toBe(Math.sign(angle));
          }
        },
      ),
    );
  });

  it('RotateInPlace never finishes while the robot does not turn (a wedged robot is left to the timeout)', () => {
    const motion = new RotateInPlace(Math.PI / 2, SETTINGS.exploreTurnRateRadps);
    for (let i = 0; i < 100; i++) expect(motion.step({ xM: 0, yM: 0, yawRad: 0.1 }).done).toBe(false);
  });

  it('BackOff reverses straight at the explore speed and stops once the distance is covered', () => {
    fc.assert(
      fc.property(pose, fc.double({ min: 0.05, max: 1, noNaN: true }), (start, distance) => {
        const result = drive(new BackOff(distance, SETTINGS.exploreSpeedMps), start);
        expect(result.done).toBe(true);
        const moved = Math.hypot(result.at.xM - start.xM, result.at.yM - start.yM);
        expect(moved).toBeGreaterThanOrEqual(distance);
        expect(moved).toBeLessThan(distance + SETTINGS.exploreSpeedMps * DT_S + 1e-9);
        // Backwards: the robot ends behind where it started.
        const forward =
          (result.at.xM - start.xM) * Math.cos(start.yawRad) + (result.at.yM - start.yM) * Math.sin(start.yawRad);
        expect(forward).toBeLessThan(0);
        for (const c of result.commands) expect(c).toEqual({ vMps: -SETTINGS.exploreSpeedMps, wRadps: 0 });
      }),
    );
  });

  it('gives every explore row of the table its motion, and the others none', () => {
    for (const row of REACTION_TABLE) {
      const motion = exploreMotionFor(row, SETTINGS);
      expect(motion !== null, `${row.violation} ${row.reaction}`).toBe(row.reaction.startsWith('explore-'));
    }
  });
});
