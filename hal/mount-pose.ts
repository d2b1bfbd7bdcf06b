import { z } from 'zod';

/**
 * Where a sensor sits on the robot and which way it faces, in the robot frame (x forward, y left
 * of the robot's centre, counter-clockwise angles). Every sensor with a position and a heading
 * (lidars, range sensors) takes its `mount` in this one shape, checked by {@link mountPoseSchema}.
 */
export interface MountPose {
  /** Sensor origin, robot frame x (forward), metres. */
  xM: number;
  /** Sensor origin, robot frame y (left), metres. */
  yM: number;
  /**
   * Robot-frame direction of the sensor's reference direction (a lidar's 0° mark, a range
   * sensor's beam), degrees, counter-clockwise positive.
   */
  yawDeg: number;
}

/** The `mount` of a device node's `params` in a board config; every field defaults to 0. */
export const mountPoseSchema = z
  .object({
    xM: z
      .number()
      .min(-5)
      .max(5)
      .default(0)
      .describe('Sensor origin, robot frame x (forward), metres, -5..5. Default 0.'),
    yM: z.number().min(-5).max(5).default(0).describe('Sensor origin, robot frame y (left), metres, -5..5. Default 0.'),
    yawDeg: z
      .number()
      .min(-360)
      .max(360)
      .default(0)
      .describe(
        "Robot-frame direction of the sensor's reference direction (a lidar's 0° mark, a range sensor's beam), " +
          'degrees, CCW positive, -360..360. Default 0 (facing forward).',
      ),
  })
  .strict() satisfies z.ZodType<MountPose, z.ZodTypeDef, unknown>;
