import { z } from 'zod';

/**
 * The `params` of an `st,l298n` or `toshiba,tb6612fng-gpio` device node in a board config. The
 * driver and the simulator model read the same definitions.
 */

/** Bridge names; a board wires one or both (see `pins`). */
export const HBRIDGE_BRIDGE_NAMES = ['A', 'B'] as const;

/** Software PWM default frequency, hertz: a 1 ms period, the shortest the software backend takes. */
export const SOFTWARE_PWM_DEFAULT_HZ = 1_000;
/** Software PWM upper bound, hertz (period 1 ms): the backend's timers run on the event loop. */
export const SOFTWARE_PWM_MAX_HZ = 1_000;
/** Hardware PWM default frequency, hertz: above hearing, within both chips' limits. */
export const HARDWARE_PWM_DEFAULT_HZ = 20_000;
/** Lowest PWM frequency either mode takes, hertz; slower makes the motor jerk. */
export const PWM_MIN_HZ = 20;
/** L298: commutation frequency fc(Vi) at IL = 2 A is 25 kHz typical, 40 kHz max (data sheet, electrical characteristics, page 4). */
export const L298N_MAX_PWM_HZ = 40_000;
/** TB6612FNG: PWM frequency at most 100 kHz (data sheet, operating range). */
export const TB6612FNG_MAX_PWM_HZ = 100_000;

const pwmChannelSchema = z
  .object({
    chip: z
      .string()
      .regex(/^pwmchip\d+$/, 'must name a kernel PWM chip, e.g. "pwmchip0"')
      .describe('The PWM chip as /sys/class/pwm names it, e.g. pwmchip0 (Pi 4) or pwmchip2 (Pi 5, RP1).'),
    channel: z
      .number()
      .int()
      .min(0)
      .max(31)
      .describe('Channel on that chip, 0..31 (pwm0 is GPIO 12 or 18 on a Pi, pwm1 GPIO 13 or 19).'),
  })
  .strict();

/** One bridge's hardware PWM output: the kernel's `pwmchipN` and channel. */
export type HBridgePwmChannel = z.infer<typeof pwmChannelSchema>;

function paramsSchema(maxHardwareHz: number) {
  const pwm = z
    .object({
      mode: z
        .enum(['hardware', 'software'])
        .default('software')
        .describe(
          "hardware: the kernel PWM (sysfs /sys/class/pwm) drives each bridge's enable/PWM input, named in " +
            '`channels`; needs the PWM overlay (dtoverlay=pwm-2chan on a Pi). software: spinal toggles the ' +
            'enable/PWM pin given in `pins` on its own timers; works on any line, costs main-thread time and ' +
            "jitters by the event loop's latency. Default software.",
        ),
      frequencyHz: z
        .number()
        .min(PWM_MIN_HZ)
        .max(maxHardwareHz)
        .optional()
        .describe(
          `PWM frequency, hertz. Default ${SOFTWARE_PWM_DEFAULT_HZ} (software) or ${HARDWARE_PWM_DEFAULT_HZ} ` +
            `(hardware). Range ${PWM_MIN_HZ}..${SOFTWARE_PWM_MAX_HZ} in software, ${PWM_MIN_HZ}..${maxHardwareHz} in hardware.`,
        ),
      channels: z
        .object({ A: pwmChannelSchema.optional(), B: pwmChannelSchema.optional() })
        .strict()
        .default({})
        .describe("hardware mode: the PWM channel wired to each bridge's enable/PWM input. Ignored in software mode."),
    })
    .strict()
    .superRefine((value, ctx) => {
      if (value.mode === 'software' && value.frequencyHz !== undefined && value.frequencyHz > SOFTWARE_PWM_MAX_HZ) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['frequencyHz'],
          message: `software PWM runs at most ${SOFTWARE_PWM_MAX_HZ} Hz (a 1 ms period); use mode: hardware for more`,
        });
      }
    })
    .transform((value) => ({
      ...value,
      frequencyHz: value.frequencyHz ?? (value.mode === 'software' ? SOFTWARE_PWM_DEFAULT_HZ : HARDWARE_PWM_DEFAULT_HZ),
    }));

  return z
    .object({
      pwm: pwm.default({}),
      stopMode: z
        .enum(['brake', 'coast'])
        .default('brake')
        .describe(
          'What start-up and stopAll() do to every bridge: brake (short the windings, stop quickly) or ' +
            'coast (bridge off, spin down). Default brake.',
        ),
    })
    .strict();
}

/** Params of an `st,l298n` node (hardware PWM up to 40 kHz). */
export const l298nParamsSchema = paramsSchema(L298N_MAX_PWM_HZ);

/** Params of a `toshiba,tb6612fng-gpio` node (hardware PWM up to 100 kHz). */
export const tb6612GpioParamsSchema = paramsSchema(TB6612FNG_MAX_PWM_HZ);

/** Validated GPIO H-bridge parameters, every default filled in. */
export type GpioHBridgeParams = z.infer<typeof l298nParamsSchema>;
