import { describe, expect, it } from 'vitest';
import { DEFAULT_IMPERFECTIONS, IDEAL_IMPERFECTIONS, imperfectionsSchema, lidarBeamDropped } from './imperfections.js';
import { DiffDrivePhysics } from './world/diff-drive-physics.js';
import { GyroError } from './world/gyro-error.js';
import { poseErrors, PoseTruthTrace } from './world/pose-truth-trace.js';
import { seededRandom } from './world/seeded-random.js';

const drive = { duty: 0.5, mode: 'drive' as const };

function driveFor(physics: DiffDrivePhysics, seconds: number): void {
  physics.setWheelCommands(drive, drive);
  for (let i = 0; i < seconds * 1000; i++) physics.step(0.001);
}

describe('simulator imperfections', () => {
  it('has modest non-zero defaults: the default robot is not ideal', () => {
    expect(DEFAULT_IMPERFECTIONS.motorGainLeft).not.toBe(DEFAULT_IMPERFECTIONS.motorGainRight);
    for (const key of ['slipPerMps2', 'encoderNoise', 'gyroBiasRadps', 'lidarRangeNoiseM', 'lidarDropout'] as const) {
      expect(DEFAULT_IMPERFECTIONS[key]).toBeGreaterThan(0);
      expect(DEFAULT_IMPERFECTIONS[key]).toBeLessThan(0.05);
    }
    expect(() => imperfectionsSchema.parse({ motorGainLeft: 3 })).toThrow();
  });

  it('GIVEN mismatched motor gains WHEN both wheels get the same duty THEN the robot curves towards the weaker wheel', () => {
    const start = { xM: 0, yM: 0, yawRad: 0 };
    const ideal = new DiffDrivePhysics({ wheelBaseM: 0.2, maxWheelSpeedMps: 0.6 }, start);
    const mismatched = new DiffDrivePhysics(
      { wheelBaseM: 0.2, maxWheelSpeedMps: 0.6, motorGainLeft: 0.99, motorGainRight: 1.01 },
      start,
    );
    driveFor(ideal, 10);
    driveFor(mismatched, 10);
    expect(ideal.pose().yawRad).toBeCloseTo(0, 9);
    // w = (0.303 - 0.297) / 0.2 = 0.03 rad/s, after the ramp.
    expect(mismatched.pose().yawRad).toBeGreaterThan(0.25);
    expect(mismatched.pose().yawRad).toBeLessThan(0.31);
  });

  it('GIVEN slip WHEN the wheels accelerate THEN the ground covers less than the encoders count, and the same once at speed', () => {
    const physics = new DiffDrivePhysics(
      { wheelBaseM: 0.2, maxWheelSpeedMps: 0.6, slipPerMps2: 0.1 },
      { xM: 0, yM: 0, yawRad: 0 },
    );
    driveFor(physics, 0.1);
    const counted = physics.encoderTravelM().leftM;
    expect(physics.pose().xM).toBeLessThan(counted * 0.9);
    driveFor(physics, 0.5);
    const before = physics.pose().xM;
    const countedBefore = physics.encoderTravelM().leftM;
    driveFor(physics, 1);
    expect(physics.pose().xM - before).toBeCloseTo(physics.encoderTravelM().leftM - countedBefore, 6);
  });

  it('GIVEN encoder noise THEN the counted travel wanders from the surface travel, the same way for the same seed', () => {
    const make = (): DiffDrivePhysics =>
      new DiffDrivePhysics(
        { wheelBaseM: 0.2, maxWheelSpeedMps: 0.6, encoderNoise: 0.05, random: seededRandom(5) },
        { xM: 0, yM: 0, yawRad: 0 },
      );
    const a = make();
    const b = make();
    driveFor(a, 2);
    driveFor(b, 2);
    expect(a.encoderTravelM().leftM).not.toBe(a.wheelTravelM().leftM);
    expect(Math.abs(a.encoderTravelM().leftM / a.wheelTravelM().leftM - 1)).toBeLessThan(0.01);
    expect(a.encoderTravelM()).toEqual(b.encoderTravelM());
  });

  it('a gyro error is its bias plus a random walk that grows like the square root of time', () => {
    const still = new GyroError(0.003, 0, seededRandom(1));
    still.step(10);
    expect(still.radps()).toBe(0.003);
    const walks = Array.from({ length: 200 }, (_, i) => {
      const gyro = new GyroError(0, 0.001, seededRandom(i + 1));
      for (let k = 0; k < 100; k++) gyro.step(0.01);
      return gyro.radps();
    });
    const rms = Math.sqrt(walks.reduce((s, v) => s + v * v, 0) / walks.length);
    expect(rms).toBeGreaterThan(0.0007);
    expect(rms).toBeLessThan(0.0013);
  });

  it('drops lidar returns at the base rate near by and more towards the maximum range; never for an ideal lidar', () => {
    const share = (rangeM: number): number => {
      let dropped = 0;
      for (let i = 0; i < 1000; i++)
        if (lidarBeamDropped(DEFAULT_IMPERFECTIONS, rangeM, 12, (i + 0.5) / 1000)) dropped++;
      return dropped / 1000;
    };
    expect(share(2)).toBeCloseTo(0.02, 2);
    expect(share(12)).toBeCloseTo(0.5, 2);
    expect(share(9)).toBeGreaterThan(share(7));
    expect(lidarBeamDropped(IDEAL_IMPERFECTIONS, 11.9, 12, 0)).toBe(false);
  });
});

describe('pose errors', () => {
  it('samples the truth at 10 Hz and compares it with the reported pose at the same instants only', () => {
    const trace = new PoseTruthTrace();
    for (let t = 0; t <= 1_000_000; t += 5_000) trace.sample(t, { xM: t / 1e6, yM: 0, yawRad: 0 });
    expect(trace.samples()).toHaveLength(11);
    const reported = new Map([
      [100_000, { xM: 0.1, yM: 0.03, yawRad: 0 }],
      [500_000, { xM: 0.45, yM: 0, yawRad: 0 }],
      [900_000, { xM: 0.9, yM: 0.01, yawRad: 0 }],
      [123_000, { xM: 9, yM: 9, yawRad: 0 }],
    ]);
    const errors = poseErrors(trace.samples(), reported);
    expect(errors?.maxM).toBeCloseTo(0.05, 9);
    expect(errors?.finalM).toBeCloseTo(0.01, 9);
    expect(poseErrors(trace.samples(), new Map())).toBeNull();
  });
});
