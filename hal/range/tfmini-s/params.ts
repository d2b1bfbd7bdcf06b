import { z } from 'zod';
import { mountPoseSchema } from '../../mount-pose.js';

/**
 * The `params` of a `benewake,tfmini-s` (serial) or `benewake,tfmini-s-i2c` device node in a
 * board config. The drivers and the simulator models read the same definitions, so a mount
 * change applies to both.
 */

/** Frame rates the sensor can make: 1000/n Hz for a whole n (TFmini-S manual, Table 12, note ①). */
const FRAME_RATES_HZ = [1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250, 500, 1000] as const;

const frameRateSchema = z
  .number()
  .int()
  .min(1)
  .max(1000)
  .default(100)
  .refine((hz) => (FRAME_RATES_HZ as readonly number[]).includes(hz), {
    message: `frameRateHz must be 1000/n Hz for a whole n: one of ${FRAME_RATES_HZ.join(', ')}`,
  });

const minStrengthSchema = z
  .number()
  .int()
  .min(0)
  .max(65_535)
  .default(0)
  .describe(
    'Readings weaker than this are reported as weak-signal, sensor units 0..65535. ' +
      'Default 0: keep the limit built into the sensor (no distance below strength 100).',
  );

export const tfminiSSerialParamsSchema = z
  .object({
    baudRate: z
      .number()
      .int()
      .min(9_600)
      .max(921_600)
      .default(115_200)
      .describe('UART line speed, baud, 9600..921600. Default 115200, the factory setting.'),
    mount: mountPoseSchema.default({}).describe('Where the sensor sits on the robot and which way it points.'),
    frameRateHz: frameRateSchema.describe(
      'Frames per second the sensor is told to send at every (re)open, hertz: 1000/n (1, 2, 4, 5, 8, 10, 20, 25, ' +
        '40, 50, 100, 125, 200, 250, 500 or 1000). Default 100, the factory setting.',
    ),
    minStrength: minStrengthSchema,
  })
  .strict();

export const tfminiSI2cParamsSchema = z
  .object({
    mount: mountPoseSchema.default({}).describe('Where the sensor sits on the robot and which way it points.'),
    frameRateHz: frameRateSchema.describe(
      'Readings per second, hertz: the sensor is set to this frame rate at start and polled at it; 1000/n ' +
        '(1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250, 500 or 1000). Default 100.',
    ),
    minStrength: minStrengthSchema,
  })
  .strict();

/** Validated parameters of a TFmini-S on a serial port, every default filled in. */
export type TfminiSSerialParams = z.infer<typeof tfminiSSerialParamsSchema>;
/** Validated parameters of a TFmini-S on an I2C bus, every default filled in. */
export type TfminiSI2cParams = z.infer<typeof tfminiSI2cParamsSchema>;
