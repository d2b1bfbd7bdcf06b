import { z } from 'zod';
import { ld06ParamsSchema } from '../ld06/params.js';

/**
 * The `params` of an `ldrobot,ld19` device node in a board config. The LD19 speaks the LD06
 * packet at the same rate and sees as far (LDROBOT "LD19 Development Manual", electrical and
 * performance tables: UART 230400, ranging 0.02–12 m, 4500 measurements/s, 10 Hz typical scan), so its params are the LD06's: the mount
 * and range filters are the same definitions, and only the line speed is described for the LD19.
 * The driver and the simulator model read the same schema.
 */

const ld06Fields = ld06ParamsSchema.innerType().shape;

/** Line speed, baud (LD19 manual, electrical parameters table: UART @ 230400). */
export const LD19_BAUD_RATE = 230_400;

export const ld19ParamsSchema = z
  .object({
    ...ld06Fields,
    baudRate: z
      .number()
      .int()
      .positive()
      .default(LD19_BAUD_RATE)
      .describe('UART line speed, baud. Default 230400, the only rate the LD19 speaks.'),
  })
  .strict()
  .refine((params) => params.minRangeM < params.maxRangeM, {
    message: 'minRangeM must be smaller than maxRangeM',
    path: ['minRangeM'],
  });

/** Validated LD19 parameters, every default filled in. */
export type Ld19Params = z.infer<typeof ld19ParamsSchema>;
