import { describe, expect, it } from 'vitest';
import type { BridgeOutputState } from '../../hal/motor/bridge-codec.js';
import { DiffDrivePhysics } from './diff-drive-physics.js';

/** The sim robot's build: 0.2 m wheel base, 0.5 m/s at full duty. */
const BUILD = { wheelBaseM: 0.2, maxWheelSpeedMps: 0.5 };
/** Acceleration high enough that wheels reach their target within the first step. */
const STIFF = { ...BUILD, maxWheelAccelMps2: 1e6, brakeDecelMps2: 1e6, coastDecelMps2: 1e6 };
const drive = (duty: number): BridgeOutputState => ({ duty, mode: 'drive' });
const ORIGIN = { xM: 0, yM: 0, yawRad: 0 };

function run(body: DiffDrivePhysics, seconds: number, dtS = 0.01): void {
  const steps = Math.round(seconds / dtS);
  for (let i = 0; i < steps; i++) body.step(dtS);
}

describe('DiffDrivePhysics', () => {
  it('starts at the given pose, still, with both wheels coasting', () => {
    const body = new DiffDrivePhysics(BUILD, { xM: 1, yM: 2, yawRad: 0.5 });
    run(body, 1);
    expect(body.pose()).toEqual({ xM: 1, yM: 2, yawRad: 0.5 });
    expect(body.bodyVelocity()).toEqual({ vMps: 0, wRadps: 0 });
  });

  it('drives a straight line along its heading', () => {
    const body = new DiffDrivePhysics(STIFF, { xM: 1, yM: 1, yawRad: Math.PI / 2 });
    body.setWheelCommands(drive(0.6), drive(0.6));
    run(body, 2);
    const pose = body.pose();
    expect(pose.xM).toBeCloseTo(1, 9);
    expect(pose.yM).toBeCloseTo(1 + 0.3 * 2, 6);
    expect(pose.yawRad).toBeCloseTo(Math.PI / 2, 12);
    expect(body.bodyVelocity().vMps).toBeCloseTo(0.3, 12);
    expect(body.distanceTravelledM()).toBeCloseTo(0.6, 6);
  });

  it('ramps up at maxWheelAccel: full speed after v/a, v²/(2a) covered on the ramp', () => {
    const body = new DiffDrivePhysics(BUILD, ORIGIN);
    body.setWheelCommands(drive(1), drive(1));
    run(body, 0.2);
    expect(body.wheelSpeeds().leftMps).toBeCloseTo(1.5 * 0.2, 9);
    run(body, 1.8);
    // 0.5 m/s reached at 1/3 s having covered 0.25 / 3 m; then 5/3 s at 0.5 m/s.
    expect(body.pose().xM).toBeCloseTo(0.25 / 3 + (5 / 3) * 0.5, 9);
    expect(body.wheelSpeeds()).toEqual({ leftMps: 0.5, rightMps: 0.5 });
  });

  it('the result does not depend on the step size', () => {
    const fine = new DiffDrivePhysics(BUILD, ORIGIN);
    const coarse = new DiffDrivePhysics(BUILD, ORIGIN);
    for (const body of [fine, coarse]) body.setWheelCommands(drive(1), drive(1));
    run(fine, 2, 0.001);
    coarse.step(2);
    expect(coarse.pose().xM).toBeCloseTo(fine.pose().xM, 9);
  });

  it('spins in place about its centre when the wheels turn opposite ways', () => {
    const body = new DiffDrivePhysics(STIFF, { xM: 2, yM: 3, yawRad: 0 });
    body.setWheelCommands(drive(-0.4), drive(0.4));
    // ω = (0.2 - (-0.2)) / 0.2 = 2 rad/s; a quarter turn takes π/4 s.
    body.step(Math.PI / 4);
    const pose = body.pose();
    expect(body.bodyVelocity().wRadps).toBeCloseTo(2, 12);
    expect(pose.yawRad).toBeCloseTo(Math.PI / 2, 6);
    expect(pose.xM).toBeCloseTo(2, 12);
    expect(pose.yM).toBeCloseTo(3, 12);
    expect(body.distanceTravelledM()).toBe(0);
  });

  it('keeps yaw in (-π, π] through full turns', () => {
    const body = new DiffDrivePhysics(STIFF, ORIGIN);
    body.setWheelCommands(drive(-0.4), drive(0.4));
    // ω = 2 rad/s: 5π/4 s turns 2.5π (reads π/2), π/2 s more turns another π (reads -π/2).
    body.step((5 * Math.PI) / 4);
    expect(body.pose().yawRad).toBeCloseTo(Math.PI / 2, 6);
    body.step(Math.PI / 2);
    expect(body.pose().yawRad).toBeCloseTo(-Math.PI / 2, 6);
  });

  it('drives an arc of radius v/ω = (wheelBase/2)(r+l)/(r-l)', () => {
    const body = new DiffDrivePhysics(STIFF, ORIGIN);
    // left 0.2 m/s, right 0.4 m/s: v = 0.3, ω = 1 rad/s, radius 0.3 m, centre (0, 0.3).
    body.setWheelCommands(drive(0.4), drive(0.8));
    body.step(0.001);
    const points: Array<{ xM: number; yM: number }> = [];
    for (let i = 0; i < 3; i++) {
      run(body, 1.3, 0.01);
      points.push(body.pose());
    }
    const [a, b, c] = points as [(typeof points)[0], (typeof points)[0], (typeof points)[0]];
    // Circumradius of three points on the path: |ab| |bc| |ca| / (4 x area).
    const ab = Math.hypot(b.xM - a.xM, b.yM - a.yM);
    const bc = Math.hypot(c.xM - b.xM, c.yM - b.yM);
    const ca = Math.hypot(a.xM - c.xM, a.yM - c.yM);
    const area = Math.abs((b.xM - a.xM) * (c.yM - a.yM) - (c.xM - a.xM) * (b.yM - a.yM)) / 2;
    expect((ab * bc * ca) / (4 * area)).toBeCloseTo(0.3, 6);
    for (const p of points) expect(Math.hypot(p.xM, p.yM - 0.3)).toBeCloseTo(0.3, 6);
  });

  it('brakes to a stop in v²/(2 brakeDecel)', () => {
    const body = new DiffDrivePhysics(BUILD, ORIGIN);
    body.setWheelCommands(drive(1), drive(1));
    run(body, 1);
    const before = body.pose().xM;
    body.setWheelCommands({ duty: 1, mode: 'brake' }, { duty: 1, mode: 'brake' });
    run(body, 1);
    expect(body.pose().xM - before).toBeCloseTo(0.5 ** 2 / (2 * 3.0), 9);
    expect(body.bodyVelocity().vMps).toBe(0);
  });

  it('coasts to a stop in v²/(2 coastDecel)', () => {
    const body = new DiffDrivePhysics(BUILD, ORIGIN);
    body.setWheelCommands(drive(1), drive(1));
    run(body, 1);
    const before = body.pose().xM;
    body.setWheelCommands({ duty: 0, mode: 'coast' }, { duty: 0, mode: 'coast' });
    run(body, 2);
    expect(body.pose().xM - before).toBeCloseTo(0.5 ** 2 / (2 * 0.8), 9);
  });

  it('slows a driven wheel to a lower duty at maxWheelAccel, not at the brake rate', () => {
    const body = new DiffDrivePhysics(BUILD, ORIGIN);
    body.setWheelCommands(drive(1), drive(1));
    run(body, 1);
    body.setWheelCommands(drive(0), drive(0));
    run(body, 0.1);
    expect(body.wheelSpeeds().leftMps).toBeCloseTo(0.5 - 0.15, 9);
  });

  it('clamps duty to -1..1 and treats NaN as 0', () => {
    const body = new DiffDrivePhysics(STIFF, ORIGIN);
    body.setWheelCommands(drive(7), drive(Number.NaN));
    body.step(0.01);
    expect(body.wheelSpeeds()).toEqual({ leftMps: 0.5, rightMps: 0 });
  });

  it('counts each wheel’s signed travel', () => {
    const body = new DiffDrivePhysics(STIFF, ORIGIN);
    body.setWheelCommands(drive(-0.4), drive(0.8));
    run(body, 2);
    const travel = body.wheelTravelM();
    expect(travel.leftM).toBeCloseTo(-0.4, 6);
    expect(travel.rightM).toBeCloseTo(0.8, 6);
  });

  it('rejects bad options and steps', () => {
    expect(() => new DiffDrivePhysics({ wheelBaseM: 0, maxWheelSpeedMps: 0.5 }, ORIGIN)).toThrow(/wheelBaseM/);
    expect(() => new DiffDrivePhysics({ ...BUILD, brakeDecelMps2: -1 }, ORIGIN)).toThrow(/brakeDecelMps2/);
    const body = new DiffDrivePhysics(BUILD, ORIGIN);
    expect(() => body.step(-0.01)).toThrow(RangeError);
    expect(() => body.step(Number.NaN)).toThrow(RangeError);
  });
});
