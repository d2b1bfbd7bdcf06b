import { z } from 'zod';
import { mountPoseSchema } from '../../mount-pose.js';
import { RPLIDAR_A1_MAX_RANGE_M, RPLIDAR_A1_MIN_RANGE_M } from './codec.js';

/**
 * The `params` of a `slamtec,rplidar-a1` device node in a board config. The driver and the
 * simulator model read the same definitions, so a mount or range change applies to both.
 */

export const rplidarA1ParamsSchema = z
  .object({
    baudRate: z
      .number()
      .int()
      .positive()
      .default(115_200)
      .describe('UART line speed, baud. Default 115200, the rate of the A1 (A1M8 datasheet, UART table).'),
    mount: mountPoseSchema.default({}).describe('Where the sensor sits on the robot and which way its 0° mark points.'),
    minRangeM: z
      .number()
      .min(0)
      .max(RPLIDAR_A1_MAX_RANGE_M)
      .default(RPLIDAR_A1_MIN_RANGE_M)
      .describe(
        `Returns nearer than this are dropped, metres, 0..${RPLIDAR_A1_MAX_RANGE_M}. Default ${RPLIDAR_A1_MIN_RANGE_M}, the A1M8 minimum range.`,
      ),
    maxRangeM: z
      .number()
      .positive()
      .max(RPLIDAR_A1_MAX_RANGE_M)
      .default(RPLIDAR_A1_MAX_RANGE_M)
      .describe(
        `Returns farther than this are dropped, metres, up to ${RPLIDAR_A1_MAX_RANGE_M}. Default ${RPLIDAR_A1_MAX_RANGE_M}, the A1M8 maximum range.`,
      ),
    minQuality: z
      .number()
      .int()
      .min(0)
      .max(63)
      .default(0)
      .describe('Returns of lower quality (reflected pulse strength) are dropped, 0..63. Default 0 (keep all).'),
    pointsPerMessage: z
      .number()
      .int()
      .min(1)
      .max(400)
      .default(32)
      .describe(
        'Measurements gathered into one LidarPoints message, 1..400. Default 32 (16 ms at 2000 samples/s); ' +
          'a message also ends at the start of each new turn.',
      ),
    scanMode: z
      .enum(['auto', 'standard'])
      .default('auto')
      .describe(
        "Which scan to start: 'auto' (the express scan, 4000 samples/s on an A1, when the firmware offers it; " +
          "else the standard SCAN) or 'standard' (always the standard SCAN, 2000 samples/s). Default 'auto'.",
      ),
    motorControl: z
      .enum(['dtr', 'none'])
      .default('dtr')
      .describe(
        "How the scan motor is switched: 'dtr' (the A1 kit's USB adapter wires DTR to MOTOCTL: DTR cleared = " +
          "motor on, set = off) or 'none' (MOTOCTL wired high, the motor always turns). Default 'dtr'.",
      ),
  })
  .strict()
  .refine((params) => params.minRangeM < params.maxRangeM, {
    message: 'minRangeM must be smaller than maxRangeM',
    path: ['minRangeM'],
  });

/** Validated RPLIDAR A1 parameters, every default filled in. */
export type RplidarA1Params = z.infer<typeof rplidarA1ParamsSchema>;
