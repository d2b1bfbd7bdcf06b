import { z } from 'zod';

/**
 * The `params` of an `adafruit,dc-motor-hat` or `waveshare,motor-driver-hat` device node in a
 * board config. The driver and the simulator model read the same definitions.
 */

/** Lowest PWM frequency the PCA9685 makes from its 25 MHz oscillator (PRE_SCALE 255), hertz (datasheet §7.3.5). */
export const PWM_FREQUENCY_MIN_HZ = 24;
/** Highest PWM frequency the PCA9685 makes from its 25 MHz oscillator (PRE_SCALE 3), hertz (datasheet §7.3.5). */
export const PWM_FREQUENCY_MAX_HZ = 1526;

export const motorHatParamsSchema = z
  .object({
    pwmFrequencyHz: z
      .number()
      .min(PWM_FREQUENCY_MIN_HZ)
      .max(PWM_FREQUENCY_MAX_HZ)
      .default(PWM_FREQUENCY_MAX_HZ)
      .describe(
        'PWM frequency of the motor outputs, hertz, 24..1526 (what the PCA9685 can make). ' +
          'Default 1526, the same PRE_SCALE (3) as the 1600 Hz the HAT vendors use.',
      ),
    stopMode: z
      .enum(['brake', 'coast'])
      .default('brake')
      .describe(
        'What start-up and stopAll() do to every motor: brake (short the windings, stop quickly) ' +
          'or coast (bridge off, spin down). Default brake.',
      ),
  })
  .strict();

/** Validated motor HAT parameters, every default filled in. */
export type MotorHatParams = z.infer<typeof motorHatParamsSchema>;
