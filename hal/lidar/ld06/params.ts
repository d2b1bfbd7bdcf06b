import { z } from 'zod';
import { mountPoseSchema } from '../../mount-pose.js';
import { LD06_MAX_RANGE_M, LD06_MIN_RANGE_M } from './codec.js';

/**
 * The `params` of an `ldrobot,ld06` device node in a board config. The driver and the simulator
 * model read the same definitions, so a mount or range change applies to both.
 */

export const ld06ParamsSchema = z
  .object({
    baudRate: z
      .number()
      .int()
      .positive()
      .default(230_400)
      .describe('UART line speed, baud. Default 230400, the only rate the LD06 speaks.'),
    mount: mountPoseSchema.default({}).describe('Where the sensor sits on the robot and which way its 0° mark points.'),
    minRangeM: z
      .number()
      .min(0)
      .max(LD06_MAX_RANGE_M)
      .default(LD06_MIN_RANGE_M)
      .describe(`Returns nearer than this are dropped, metres, 0..${LD06_MAX_RANGE_M}. Default ${LD06_MIN_RANGE_M}.`),
    maxRangeM: z
      .number()
      .positive()
      .max(LD06_MAX_RANGE_M)
      .default(LD06_MAX_RANGE_M)
      .describe(
        `Returns farther than this are dropped, metres, up to ${LD06_MAX_RANGE_M}. Default ${LD06_MAX_RANGE_M}.`,
      ),
    minIntensity: z
      .number()
      .int()
      .min(0)
      .max(255)
      .default(0)
      .describe('Returns weaker than this are dropped, 0..255. Default 0 (keep all).'),
  })
  .strict()
  .refine((params) => params.minRangeM < params.maxRangeM, {
    message: 'minRangeM must be smaller than maxRangeM',
    path: ['minRangeM'],
  });

/** Validated LD06 parameters, every default filled in. */
export type Ld06Params = z.infer<typeof ld06ParamsSchema>;
