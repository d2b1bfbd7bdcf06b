/**
 * Quadrature decoding of an incremental encoder's two channels, A and B: a pure state machine
 * over their levels, with no I/O and no timers. The simulator's encoder model builds its line
 * levels from the same sequence, so what it emits is what this decodes.
 *
 * The channels are two square waves 90° apart. Forward (counting up) is A leading B, which is the
 * clockwise turn of the Linux kernel's rotary-encoder documentation
 * (Documentation/input/devices/rotary-encoder.rst, "Events / state machine", events a–d):
 * a) A rises with B low, b) B rises with A high, c) A falls with B high, d) B falls with A low.
 * As (A, B) level pairs: 00 → 10 → 11 → 01 → 00. Each step changes exactly one channel (a
 * 2-bit Gray code), so every edge of either channel is one count (×4 decoding). A change of
 * both channels at once cannot tell forward from backward: it is counted as an error, never as
 * a count.
 */

/** A line level, as the GPIO transport reports it. */
export type QuadratureLevel = 0 | 1;

/** The (A, B) levels of one position of the code wheel. */
export interface QuadratureLevels {
  a: QuadratureLevel;
  b: QuadratureLevel;
}

/** The forward sequence of (A, B) levels, one entry per count (rotary-encoder.rst, events a–d). */
export const QUADRATURE_FORWARD_SEQUENCE: readonly QuadratureLevels[] = Object.freeze([
  { a: 0, b: 0 },
  { a: 1, b: 0 },
  { a: 1, b: 1 },
  { a: 0, b: 1 },
]);

/** Marks a transition that changes both channels at once in {@link QUADRATURE_TRANSITIONS}. */
export const QUADRATURE_INVALID = 2;

/**
 * The count each transition adds, indexed `(previous << 2) | next`, where a state is
 * `(A << 1) | B`: +1 forward, −1 backward, 0 for no change, {@link QUADRATURE_INVALID} when both
 * channels changed.
 */
// prettier-ignore
export const QUADRATURE_TRANSITIONS: Readonly<Int8Array> = Int8Array.from([
  // from 00:  to 00, 01, 10, 11
  0, -1, 1, QUADRATURE_INVALID,
  // from 01:  to 00, 01, 10, 11
  1, 0, QUADRATURE_INVALID, -1,
  // from 10:  to 00, 01, 10, 11
  -1, QUADRATURE_INVALID, 0, 1,
  // from 11:  to 00, 01, 10, 11
  QUADRATURE_INVALID, 1, -1, 0,
]);

/** The (A, B) levels at a position (counts from a position where both are low); any integer, negative too. */
export function quadratureLevelsAt(position: number): QuadratureLevels {
  const index = ((position % 4) + 4) % 4;
  return QUADRATURE_FORWARD_SEQUENCE[index] as QuadratureLevels;
}

/** What a {@link QuadratureDecoder} has counted. */
export interface QuadratureCounters {
  /** Transitions counted (forward and backward). */
  steps: number;
  /** Level pairs that changed both channels at once: direction unknown, not counted. */
  invalidTransitions: number;
  /**
   * Edge reports whose level equals the level already known for that channel: at least one edge
   * of that channel was missed (events coalesced), and the count may be off.
   */
  repeatedLevels: number;
  /** Levels that were neither 0 nor 1 (dropped). */
  badLevels: number;
}

const UNKNOWN = -1;

/**
 * Counts the position of one encoder from its channel levels. It is fed either whole level pairs
 * ({@link QuadratureDecoder.levels}) or single-channel edge reports, as GPIO edge interrupts
 * deliver them ({@link QuadratureDecoder.edgeA}, {@link QuadratureDecoder.edgeB}: the level of
 * that channel after the edge). Until both levels are known it only records them. Nothing here
 * throws: bad input is counted and dropped. The per-edge work is one table lookup.
 */
export class QuadratureDecoder {
  private a = UNKNOWN;
  private b = UNKNOWN;
  private count = 0;
  private readonly stats: QuadratureCounters = { steps: 0, invalidTransitions: 0, repeatedLevels: 0, badLevels: 0 };

  /** Net signed count since construction (forward positive). */
  position(): number {
    return this.count;
  }

  /** Whether both channel levels are known, so that the next change is counted. */
  synced(): boolean {
    return this.a !== UNKNOWN && this.b !== UNKNOWN;
  }

  /** Both levels at once (a poll of both lines). A change of both is an invalid transition. */
  levels(a: number, b: number): void {
    if ((a !== 0 && a !== 1) || (b !== 0 && b !== 1)) {
      this.stats.badLevels++;
      return;
    }
    const previousA = this.a;
    const previousB = this.b;
    this.a = a;
    this.b = b;
    if (previousA === UNKNOWN || previousB === UNKNOWN) return;
    this.apply((previousA << 3) | (previousB << 2) | (a << 1) | b);
  }

  /** Channel A changed; `level` is its level after the edge. */
  edgeA(level: number): void {
    if (level !== 0 && level !== 1) {
      this.stats.badLevels++;
      return;
    }
    const previous = this.a;
    this.a = level;
    const b = this.b;
    if (previous === UNKNOWN || b === UNKNOWN) return;
    if (previous === level) {
      this.stats.repeatedLevels++;
      return;
    }
    this.apply((previous << 3) | (b << 2) | (level << 1) | b);
  }

  /** Channel B changed; `level` is its level after the edge. */
  edgeB(level: number): void {
    if (level !== 0 && level !== 1) {
      this.stats.badLevels++;
      return;
    }
    const previous = this.b;
    this.b = level;
    const a = this.a;
    if (previous === UNKNOWN || a === UNKNOWN) return;
    if (previous === level) {
      this.stats.repeatedLevels++;
      return;
    }
    this.apply((a << 3) | (previous << 2) | (a << 1) | level);
  }

  /**
   * A level of channel A read at start-up. It is taken only while A is unknown: an edge reported
   * after the read was requested is newer than the read.
   */
  seedA(level: number): void {
    if (this.a === UNKNOWN && (level === 0 || level === 1)) this.a = level;
  }

  /** As {@link QuadratureDecoder.seedA}, for channel B. */
  seedB(level: number): void {
    if (this.b === UNKNOWN && (level === 0 || level === 1)) this.b = level;
  }

  /** Forgets both levels (the lines were reopened) and keeps the position. */
  unsync(): void {
    this.a = UNKNOWN;
    this.b = UNKNOWN;
  }

  /** A copy of the counters. */
  counters(): QuadratureCounters {
    return { ...this.stats };
  }

  private apply(transition: number): void {
    const delta = QUADRATURE_TRANSITIONS[transition] as number;
    if (delta === QUADRATURE_INVALID) {
      this.stats.invalidTransitions++;
      return;
    }
    if (delta !== 0) {
      this.count += delta;
      this.stats.steps++;
    }
  }
}
