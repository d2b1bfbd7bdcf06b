import { z } from 'zod';

/**
 * The `params` of a `generic,quadrature-encoder` device node in a board config. The driver and
 * the simulator model read the same definitions, so a wheel size or an inverted channel applies
 * to both. The lines come from the node's `pins`: `<channel>A` and `<channel>B` for each
 * channel, e.g. `{ leftA: 17, leftB: 18, rightA: 22, rightB: 23 }` for channels `left`, `right`.
 */
export const quadratureEncoderParamsSchema = z
  .object({
    countsPerRevolution: z
      .number()
      .positive()
      .max(1_000_000)
      .describe(
        'Counts per wheel revolution with ×4 decoding (every edge of A and of B counts): 4 × the ' +
          "encoder's pulses per motor revolution × the gear ratio, e.g. 4 × 11 × 34 = 1496. Required, " +
          'no default: it depends on the encoder and the gearbox.',
      ),
    wheelDiameterM: z
      .number()
      .positive()
      .max(2)
      .describe('Drive wheel diameter, metres, up to 2. Required, no default: measure the wheel under load.'),
    invertLeft: z
      .boolean()
      .default(false)
      .describe(
        'Negate the `left` channel, for an encoder that counts down when its wheel drives forward. Default false.',
      ),
    invertRight: z
      .boolean()
      .default(false)
      .describe(
        'Negate the `right` channel, for an encoder that counts down when its wheel drives forward (the mirrored ' +
          'motor of a differential drive usually does). Default false.',
      ),
    publishHz: z
      .number()
      .min(1)
      .max(1_000)
      .default(50)
      .describe('How often the counts go to listeners, hertz, 1..1000. Default 50.'),
  })
  .strict();

/** Validated quadrature encoder parameters, every default filled in. */
export type QuadratureEncoderParams = z.infer<typeof quadratureEncoderParamsSchema>;

/** One encoder channel and the two GPIO line offsets it is wired to. */
export interface QuadratureChannelPins {
  name: string;
  lineA: number;
  lineB: number;
}

/**
 * The channels a node's `pins` describe: each `<name>A` with its `<name>B`. Throws a RangeError
 * naming the pin when a pin does not end in A or B, or lacks its partner; at least one channel.
 */
export function quadratureChannelsFromPins(pins: Record<string, number>): QuadratureChannelPins[] {
  const byName = new Map<string, { lineA?: number; lineB?: number }>();
  for (const [pin, line] of Object.entries(pins)) {
    const match = /^(.+)([AB])$/.exec(pin);
    if (!match) throw new RangeError(`pins.${pin}: quadrature pins are named <channel>A and <channel>B`);
    const name = match[1] as string;
    const entry = byName.get(name) ?? {};
    if (match[2] === 'A') entry.lineA = line;
    else entry.lineB = line;
    byName.set(name, entry);
  }
  const channels: QuadratureChannelPins[] = [];
  for (const [name, { lineA, lineB }] of byName) {
    if (lineA === undefined) throw new RangeError(`pins.${name}B has no pins.${name}A`);
    if (lineB === undefined) throw new RangeError(`pins.${name}A has no pins.${name}B`);
    channels.push({ name, lineA, lineB });
  }
  if (channels.length === 0) {
    throw new RangeError('pins: a quadrature encoder needs at least one pair, e.g. { leftA: 17, leftB: 18 }');
  }
  return channels;
}

/** Wheel travel per count, metres: circumference / counts per revolution. */
export function metresPerCount(
  params: Pick<QuadratureEncoderParams, 'countsPerRevolution' | 'wheelDiameterM'>,
): number {
  return (Math.PI * params.wheelDiameterM) / params.countsPerRevolution;
}

/** Whether a channel is negated by the params (`invertLeft` for `left`, `invertRight` for `right`). */
export function channelInverted(
  params: Pick<QuadratureEncoderParams, 'invertLeft' | 'invertRight'>,
  channel: string,
): boolean {
  if (channel === 'left') return params.invertLeft;
  if (channel === 'right') return params.invertRight;
  return false;
}
