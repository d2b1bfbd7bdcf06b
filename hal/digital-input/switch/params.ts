import { z } from 'zod';

/**
 * The `params` of a `generic,estop-switch` or `generic,bumper-switch` device node in a board
 * config. The driver and the simulator model read the same definitions: `activeLow` is the
 * wiring, and the simulator builds the same circuit from it.
 *
 * Wiring, both with a pull-up on the line (the Raspberry Pi's GPIO pull resistors are not set
 * through sysfs: fit a 10 kΩ resistor to 3.3 V, or set `gpio=<n>=ip,pu` in config.txt):
 * - e-stop: a normally-closed contact between the line and ground, as emergency stop buttons
 *   have (ISO 13850 asks for direct opening action, IEC 60947-5-1 Annex K). Released, the contact holds the line LOW;
 *   pressed, it opens and the pull-up pulls the line HIGH. A cut wire or a pulled connector
 *   opens the circuit too and reads HIGH, so it reads as pressed: the fail-safe wiring. Hence
 *   `activeLow: false` (active = HIGH) by default.
 * - bumper: a normally-open microswitch between the line and ground. Pressed, it pulls the line
 *   LOW; hence `activeLow: true` by default. A cut bumper wire reads released.
 */

/** The lone pin of a switch node: `pins: { in: <line offset> }`. */
export const SWITCH_INPUT_PIN = 'in';

function switchParamsSchema(defaultActiveLow: boolean, wiring: string) {
  return z
    .object({
      activeLow: z
        .boolean()
        .default(defaultActiveLow)
        .describe(`Whether LOW on the line means active (pressed). Default ${defaultActiveLow}: ${wiring}.`),
      debounceMs: z
        .number()
        .min(0)
        .max(1_000)
        .default(10)
        .describe(
          'A release counts once the line has read inactive for this long, milliseconds, 0..1000. Default 10. ' +
            'A press counts at once (contact bounce after a press still ends pressed).',
        ),
      pollMs: z
        .number()
        .min(5)
        .max(1_000)
        .default(50)
        .describe(
          'How often the line is also read besides its edge reports, milliseconds, 5..1000: a line that ' +
            'cannot be read is found within this time, and a missed edge is caught. Default 50.',
        ),
    })
    .strict();
}

/** Params of `generic,estop-switch`: active HIGH by default (normally-closed contact to ground, pull-up). */
export const estopSwitchParamsSchema = switchParamsSchema(
  false,
  'a normally-closed button to ground with a pull-up reads HIGH when pressed and when its circuit is open ' +
    '(fail-safe). Set true only for a normally-open button, whose cut wire then reads released',
);

/** Params of `generic,bumper-switch`: active LOW by default (normally-open microswitch to ground, pull-up). */
export const bumperSwitchParamsSchema = switchParamsSchema(
  true,
  'a normally-open microswitch to ground with a pull-up pulls the line LOW when pressed',
);

/** Validated switch parameters, every default filled in. */
export type SwitchParams = z.infer<typeof estopSwitchParamsSchema>;

/** The roles the switch models take: an e-stop button or a bumper. */
export type SwitchRole = 'estop' | 'bumper';

/** The params schema of a switch role. */
export function switchParamsSchemaFor(role: SwitchRole): typeof estopSwitchParamsSchema {
  return role === 'estop' ? estopSwitchParamsSchema : bumperSwitchParamsSchema;
}
