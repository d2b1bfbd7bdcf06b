import { z } from 'zod';
import { mountPoseSchema } from '../../mount-pose.js';

/**
 * The `params` of an `invensense,mpu6050` device node in a board config. The driver and the
 * simulator model read the same definitions, so a mount or range change applies to both.
 *
 * The I2C address is the node's own `address` field, not a parameter: 0x68 with the AD0 pin low
 * (most breakout boards), 0x69 with AD0 high. Two MPU-6050s on one bus need different AD0 levels.
 */

/** Fastest polling rate, hertz: the chip's sample rate with its low-pass filter on (RM §4.2: 1 kHz). */
export const MPU6050_MAX_POLL_HZ = 1000;

const mountSchema = z
  .object({
    yawDeg: mountPoseSchema.shape.yawDeg.describe(
      "Robot-frame direction of the sensor's X axis (the arrow printed on most boards), degrees, " +
        'counter-clockwise positive, -360..360. Default 0 (X pointing forward).',
    ),
    upsideDown: z
      .boolean()
      .default(false)
      .describe(
        'True when the board is mounted chip-side down (sensor Z pointing at the floor), flipped about ' +
          'its X axis. Default false.',
      ),
  })
  .strict();

export const mpu6050ParamsSchema = z
  .object({
    sampleRateHz: z
      .number()
      .min(1)
      .max(MPU6050_MAX_POLL_HZ)
      .default(100)
      .describe(
        'How often the driver reads a sample, hertz, 1..1000. Default 100. Also picks the chip setup: ' +
          'its sample rate is at least this, and its low-pass filter at most half of it.',
      ),
    accelRangeG: z
      .union([z.literal(2), z.literal(4), z.literal(8), z.literal(16)])
      .default(4)
      .describe(
        'Accelerometer full scale, ±g: 2, 4, 8 or 16. Default 4 (bumps and small impacts stay in range ' +
          'with 8192 counts per g).',
      ),
    gyroRangeDps: z
      .union([z.literal(250), z.literal(500), z.literal(1000), z.literal(2000)])
      .default(500)
      .describe('Gyro full scale, ±°/s: 250, 500, 1000 or 2000. Default 500 (65.5 counts per °/s).'),
    mount: mountSchema
      .default({})
      .describe('How the board sits on the robot; readings are rotated from its axes into the robot frame.'),
  })
  .strict();

/** Validated MPU-6050 parameters, every default filled in. */
export type Mpu6050Params = z.infer<typeof mpu6050ParamsSchema>;
