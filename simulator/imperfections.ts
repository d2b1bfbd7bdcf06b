import { z } from 'zod';

/**
 * How far a simulated robot's hardware is from the ideal, per robot (`robots[i].imperfections` in a
 * scenario). Every field has a modest non-zero default, so the default scenario behaves like a real
 * hobby build: motors that do not quite match, wheels that slip when they accelerate, encoders that
 * count a little wrong, a gyro with a bias that wanders, a lidar with noisy ranges that misses some
 * returns. All of it draws on the robot's own seeded random stream, so a run replays exactly.
 * Set a field to 0 (gains to 1) for an ideal part.
 */
export const imperfectionsSchema = z
  .object({
    /** Wheel speed reached per unit of commanded speed, left motor (1: exact). Default 0.995. */
    motorGainLeft: z.number().finite().min(0.5).max(1.5).default(0.995),
    /** Same for the right motor. Default 1.005: together a 1 % mismatch, so commands alone drift. */
    motorGainRight: z.number().finite().min(0.5).max(1.5).default(1.005),
    /** Share of the wheel's surface speed lost to slip per m/s² of the wheel's acceleration. Default 0.02. */
    slipPerMps2: z.number().finite().min(0).max(0.3).default(0.02),
    /** Relative standard deviation of the travel an encoder counts in each 1 ms step (on top of its quantisation). Default 0.02. */
    encoderNoise: z.number().finite().min(0).max(0.5).default(0.02),
    /** Constant bias of the gyro's z rate, rad/s. Default 0.003. */
    gyroBiasRadps: z.number().finite().min(-0.1).max(0.1).default(0.003),
    /** Random walk of the gyro's bias, rad/s per √s. Default 0.0005. */
    gyroDriftRadpsPerSqrtS: z.number().finite().min(0).max(0.05).default(0.0005),
    /** Standard deviation of the lidar's range noise, metres. Default 0.01. */
    lidarRangeNoiseM: z.number().finite().min(0).max(0.2).default(0.01),
    /** Share of lidar beams that return nothing anywhere (dark or shiny surfaces). Default 0.02. */
    lidarDropout: z.number().finite().min(0).max(0.9).default(0.02),
    /** Beyond this range returns grow weak: the dropout rises to `lidarFarDropout` at the sensor's maximum range, metres. Default 6. */
    lidarFarFromM: z.number().finite().positive().default(6),
    /** Share of beams lost at the sensor's maximum range. Default 0.5. */
    lidarFarDropout: z.number().finite().min(0).max(1).default(0.5),
  })
  .strict();

export type Imperfections = z.output<typeof imperfectionsSchema>;

/** The defaults, for a robot whose scenario entry gives none. */
export const DEFAULT_IMPERFECTIONS: Imperfections = imperfectionsSchema.parse({});

/** An ideal robot: exact motors, no slip, exact encoders and gyro, a lidar without noise or dropouts. */
export const IDEAL_IMPERFECTIONS: Imperfections = {
  motorGainLeft: 1,
  motorGainRight: 1,
  slipPerMps2: 0,
  encoderNoise: 0,
  gyroBiasRadps: 0,
  gyroDriftRadpsPerSqrtS: 0,
  lidarRangeNoiseM: 0,
  lidarDropout: 0,
  lidarFarFromM: 100,
  lidarFarDropout: 0,
};

/** Whether a lidar beam that hit something at `rangeM` (of a sensor reaching `maxRangeM`) returns nothing, given a uniform draw `u`. */
export function lidarBeamDropped(imperfections: Imperfections, rangeM: number, maxRangeM: number, u: number): boolean {
  const far = imperfections.lidarFarFromM;
  let share = imperfections.lidarDropout;
  if (rangeM > far && maxRangeM > far) {
    share += (imperfections.lidarFarDropout - share) * Math.min(1, (rangeM - far) / (maxRangeM - far));
  }
  return u < share;
}
