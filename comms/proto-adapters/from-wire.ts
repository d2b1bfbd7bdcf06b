/**
 * What reading a message from the wire gives: the in-process value, or why the message was refused.
 * Bytes and messages from a peer or a supervisor are untrusted: a refusal is a value to count and
 * report, never an exception that reaches the caller.
 */
export type FromWire<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A field of a wire message that has no in-process meaning: absent, unknown enum value, not finite. */
export class WireFieldError extends Error {
  constructor(
    /** The field's path in the wire message, e.g. `goal.xM` or `body.reflexTrip.blackBox[3].action`. */
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'WireFieldError';
  }
}

/**
 * Runs a conversion that throws {@link WireFieldError} on a bad field and turns the outcome into a
 * {@link FromWire}. Any other exception is a bug and propagates.
 */
export function readWire<T>(convert: () => T): FromWire<T> {
  try {
    return { ok: true, value: convert() };
  } catch (error) {
    if (error instanceof WireFieldError) return { ok: false, reason: error.message };
    throw error;
  }
}

/**
 * Decodes bytes with a generated codec and converts the message, refusing truncated or malformed
 * bytes with the decoder's reason.
 */
export function decodeWire<W, T>(
  codec: { decode(bytes: Uint8Array): W },
  bytes: Uint8Array,
  convert: (message: W) => FromWire<T>,
): FromWire<T> {
  let message: W;
  try {
    message = codec.decode(bytes);
  } catch (error) {
    return { ok: false, reason: `malformed protobuf: ${error instanceof Error ? error.message : String(error)}` };
  }
  return convert(message);
}

/** The value of a message field that must be present. */
export function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new WireFieldError(field, 'missing');
  return value;
}

/** A number that must be finite (coordinates, speeds, durations). */
export function finite(value: number, field: string): number {
  if (!Number.isFinite(value)) throw new WireFieldError(field, `${value} is not a finite number`);
  return value;
}
