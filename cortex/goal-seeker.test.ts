import { describe, expect, it } from 'vitest';
import type { Pose2D } from '../messages/geometry.js';
import { seekGoal, type GoalSeekerSettings } from './goal-seeker.js';

const SETTINGS: GoalSeekerSettings = { cruiseSpeedMps: 0.4, headingGain: 2, maxTurnRateRadps: 1.5, toleranceM: 0.1 };
const ORIGIN: Pose2D = { xM: 0, yM: 0, yawRad: 0 };
const deg = (d: number): number => (d * Math.PI) / 180;

/** A goal `distanceM` away at `bearingDeg` from the robot's heading at the origin. */
function goalAt(distanceM: number, bearingDeg: number) {
  return { xM: distanceM * Math.cos(deg(bearingDeg)), yM: distanceM * Math.sin(deg(bearingDeg)) };
}

describe('seekGoal', () => {
  it('drives straight at cruise speed when facing a distant goal', () => {
    const out = seekGoal(ORIGIN, { xM: 3, yM: 0 }, SETTINGS);
    expect(out).toEqual({ vMps: 0.4, wRadps: 0, distanceM: 3, reached: false });
  });

  it('turns in place, left, when the goal is more than 60° to the left', () => {
    const out = seekGoal(ORIGIN, goalAt(2, 90), SETTINGS);
    expect(out.vMps).toBe(0);
    expect(out.wRadps).toBe(1.5);
    expect(out.reached).toBe(false);
  });

  it('turns in place, right, when the goal is more than 60° to the right', () => {
    const out = seekGoal(ORIGIN, goalAt(2, -61), SETTINGS);
    expect(out.vMps).toBe(0);
    expect(out.wRadps).toBe(-1.5);
  });

  it('turns in place for a goal straight behind', () => {
    const out = seekGoal(ORIGIN, { xM: -2, yM: 0 }, SETTINGS);
    expect(out.vMps).toBe(0);
    expect(Math.abs(out.wRadps)).toBe(1.5);
  });

  it('drives and turns at once when the heading error is below 60°, slower the larger the error', () => {
    const at59 = seekGoal(ORIGIN, goalAt(2, 59), SETTINGS);
    expect(at59.vMps).toBeCloseTo(0.4 * Math.cos(deg(59)), 9);
    expect(at59.wRadps).toBe(1.5);
    const at20 = seekGoal(ORIGIN, goalAt(2, 20), SETTINGS);
    expect(at20.vMps).toBeCloseTo(0.4 * Math.cos(deg(20)), 9);
    expect(at20.wRadps).toBeCloseTo(2 * deg(20), 9);
    expect(at20.vMps).toBeGreaterThan(at59.vMps);
  });

  it('steers proportionally to the heading error below the turn-rate limit', () => {
    const out = seekGoal(ORIGIN, goalAt(2, -10), SETTINGS);
    expect(out.wRadps).toBeCloseTo(-2 * deg(10), 9);
  });

  it('takes the short way round across ±180°', () => {
    // Facing 170°, the goal at -170° is 20° to the left, not 340° to the right.
    const pose = { xM: 0, yM: 0, yawRad: deg(170) };
    const out = seekGoal(pose, goalAt(2, -170), SETTINGS);
    expect(out.wRadps).toBeCloseTo(2 * deg(20), 9);
    expect(out.vMps).toBeCloseTo(0.4 * Math.cos(deg(20)), 9);
  });

  it('measures the goal from the robot’s position, not the origin', () => {
    const out = seekGoal({ xM: 5, yM: 5, yawRad: deg(-90) }, { xM: 5, yM: 2 }, SETTINGS);
    expect(out).toEqual({ vMps: 0.4, wRadps: expect.closeTo(0, 12) as number, distanceM: 3, reached: false });
  });

  it('reports the goal reached within the tolerance, and asks for no motion', () => {
    expect(seekGoal(ORIGIN, { xM: 0.06, yM: 0.08 }, SETTINGS)).toEqual({
      vMps: 0,
      wRadps: 0,
      distanceM: expect.closeTo(0.1, 12) as number,
      reached: true,
    });
    expect(seekGoal(ORIGIN, goalAt(0.05, 150), SETTINGS)).toMatchObject({ vMps: 0, wRadps: 0, reached: true });
  });

  it('is not reached just outside the tolerance', () => {
    const out = seekGoal(ORIGIN, { xM: 0.101, yM: 0 }, SETTINGS);
    expect(out.reached).toBe(false);
    expect(out.vMps).toBeGreaterThan(0);
  });

  it('slows down within the 0.6 m arrival radius, in proportion to the distance left', () => {
    expect(seekGoal(ORIGIN, { xM: 0.6, yM: 0 }, SETTINGS).vMps).toBeCloseTo(0.4, 12);
    expect(seekGoal(ORIGIN, { xM: 0.45, yM: 0 }, SETTINGS).vMps).toBeCloseTo(0.3, 12);
    expect(seekGoal(ORIGIN, { xM: 0.3, yM: 0 }, SETTINGS).vMps).toBeCloseTo(0.2, 12);
  });

  it('keeps a floor of 15 % of cruise speed close to the goal, so it still arrives', () => {
    const tight = { ...SETTINGS, toleranceM: 0.01 };
    expect(seekGoal(ORIGIN, { xM: 0.05, yM: 0 }, tight).vMps).toBeCloseTo(0.06, 12);
    expect(seekGoal(ORIGIN, { xM: 0.02, yM: 0 }, tight).vMps).toBeCloseTo(0.06, 12);
  });
});
