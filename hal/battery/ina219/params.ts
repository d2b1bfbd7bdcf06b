import { z } from 'zod';

/**
 * The `params` of a `ti,ina219` device node in a board config. The driver and the simulator model
 * read the same definitions, so the shunt the driver calibrates for is the one the model has.
 *
 * The I2C address is the node's own `address` field, not a parameter: 0x40 with A0 and A1 tied to
 * GND (the default on most breakouts), up to 0x4F. 0x40 is also the default of the PCA9685 on the
 * Waveshare Motor Driver HAT: with both on one bus, bridge the INA219's A0 jumper for 0x41 (the
 * board loader rejects two devices at one address).
 */

/** Largest shunt voltage the INA219 measures, volts (PGA /8, the setup the driver uses; SBOS448 §8.6.2.1). */
export const INA219_SHUNT_RANGE_V = 0.32;

export const ina219ParamsSchema = z
  .object({
    shuntOhms: z
      .number()
      .positive()
      .max(10)
      .default(0.1)
      .describe(
        'Shunt resistor between IN+ and IN-, ohms, above 0 and at most 10. Default 0.1 (the R100 on ' +
          'Adafruit-style breakouts).',
      ),
    maxCurrentA: z
      .number()
      .positive()
      .max(400)
      .default(3.2)
      .describe(
        'Largest current expected through the shunt, amperes; sets the calibration (current LSB = ' +
          'maxCurrentA / 32768). At most 0.32 V / shuntOhms, what the shunt ADC can measure. Default 3.2, ' +
          'the limit of a 0.1 Ω shunt.',
      ),
    pollHz: z
      .number()
      .min(0.1)
      .max(100)
      .default(10)
      .describe('How often voltage, current and power are read, hertz, 0.1..100. Default 10.'),
  })
  .strict()
  .superRefine((params, ctx) => {
    const limitA = INA219_SHUNT_RANGE_V / params.shuntOhms;
    if (params.maxCurrentA > limitA * (1 + 1e-9)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['maxCurrentA'],
        message:
          `must be at most ${Number(limitA.toPrecision(4))} A with a ${params.shuntOhms} Ω shunt ` +
          `(the INA219 measures at most ±0.32 V across it)`,
      });
    }
  });

/** Validated INA219 parameters, every default filled in. */
export type Ina219Params = z.infer<typeof ina219ParamsSchema>;
