import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mixWheelDuties, type DriveGeometry } from './wheel-mixer.js';

/** 0.3 m between the wheels, 1 m/s at full duty, both motors wired the right way round. */
const GEOMETRY: DriveGeometry = { wheelBaseM: 0.3, maxWheelSpeedMps: 1, invertLeft: false, invertRight: false };

describe('mixWheelDuties', () => {
  it('drives both wheels equally for a straight line', () => {
    expect(mixWheelDuties(0.5, 0, GEOMETRY)).toEqual({ left: 0.5, right: 0.5 });
    expect(mixWheelDuties(-0.25, 0, GEOMETRY)).toEqual({ left: -0.25, right: -0.25 });
  });

  it('scales duty by the wheel speed at full duty', () => {
    expect(mixWheelDuties(0.2, 0, { ...GEOMETRY, maxWheelSpeedMps: 0.4 })).toEqual({ left: 0.5, right: 0.5 });
  });

  it('spins in place counter-clockwise with the left wheel backwards', () => {
    // ω·b/2 = 2 · 0.3 / 2 = 0.3 m/s at each wheel
    const { left, right } = mixWheelDuties(0, 2, GEOMETRY);
    expect(left).toBeCloseTo(-0.3, 12);
    expect(right).toBeCloseTo(0.3, 12);
  });

  it('spins clockwise with the right wheel backwards', () => {
    const { left, right } = mixWheelDuties(0, -1, GEOMETRY);
    expect(left).toBeCloseTo(0.15, 12);
    expect(right).toBeCloseTo(-0.15, 12);
  });

  it('drives an arc: the outer wheel faster, wheel speeds v ∓ ω·b/2', () => {
    const { left, right } = mixWheelDuties(0.5, 1, GEOMETRY);
    expect(left).toBeCloseTo(0.35, 12);
    expect(right).toBeCloseTo(0.65, 12);
    // Turning radius (r+l)/(r-l) · b/2 = v/ω = 0.5 m
    expect(((right + left) / (right - left)) * (GEOMETRY.wheelBaseM / 2)).toBeCloseTo(0.5, 12);
  });

  it('scales both wheels together when one saturates, keeping their ratio (the curvature)', () => {
    // Unsaturated: left 0.7, right 1.3 → scaled by 1/1.3
    const { left, right } = mixWheelDuties(1, 2, GEOMETRY);
    expect(right).toBeCloseTo(1, 12);
    expect(left).toBeCloseTo(0.7 / 1.3, 12);
    expect(left / right).toBeCloseTo(0.7 / 1.3, 12);
  });

  it('scales a saturated reverse arc the same way', () => {
    const { left, right } = mixWheelDuties(-2, 0, GEOMETRY);
    expect({ left, right }).toEqual({ left: -1, right: -1 });
    const arc = mixWheelDuties(-1.5, -2, GEOMETRY);
    // Unsaturated: left -1.5 + 0.3 = -1.2, right -1.5 - 0.3 = -1.8
    expect(arc.right).toBeCloseTo(-1, 12);
    expect(arc.left).toBeCloseTo(-1.2 / 1.8, 12);
  });

  it('never leaves -1..1 and keeps the wheel ratio for any command', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: -20, max: 20, noNaN: true }),
        (v, w) => {
          const { left, right } = mixWheelDuties(v, w, GEOMETRY);
          expect(Math.abs(left)).toBeLessThanOrEqual(1 + 1e-12);
          expect(Math.abs(right)).toBeLessThanOrEqual(1 + 1e-12);
          const rawLeft = v - (w * GEOMETRY.wheelBaseM) / 2;
          const rawRight = v + (w * GEOMETRY.wheelBaseM) / 2;
          // Same direction of the wheel-speed vector: the cross product is zero.
          expect(left * rawRight - right * rawLeft).toBeCloseTo(0, 9);
        },
      ),
    );
  });

  it('leaves both wheels at zero for no motion', () => {
    const { left, right } = mixWheelDuties(0, 0, GEOMETRY);
    expect(Math.abs(left)).toBe(0);
    expect(Math.abs(right)).toBe(0);
  });

  it('inverts the left wheel only when invertLeft is set', () => {
    const { left, right } = mixWheelDuties(0.5, 1, { ...GEOMETRY, invertLeft: true });
    expect(left).toBeCloseTo(-0.35, 12);
    expect(right).toBeCloseTo(0.65, 12);
  });

  it('inverts the right wheel only when invertRight is set', () => {
    const { left, right } = mixWheelDuties(0.5, 1, { ...GEOMETRY, invertRight: true });
    expect(left).toBeCloseTo(0.35, 12);
    expect(right).toBeCloseTo(-0.65, 12);
  });

  it('inverts after scaling: an inverted saturated wheel reads -1', () => {
    const { left, right } = mixWheelDuties(1, 2, { ...GEOMETRY, invertLeft: true, invertRight: true });
    expect(right).toBeCloseTo(-1, 12);
    expect(left).toBeCloseTo(-0.7 / 1.3, 12);
  });
});
