/**
 * The wall clock: calendar time, which a person, NTP or a dead RTC battery may set anywhere at any
 * moment. Only what is shown to people or kept as a calendar stamp (a ledger row's `wall_ms`) reads
 * it; ages, timeouts and staleness are measured on the monotonic {@link Clock} (`clock.ts`), which
 * a jump of the wall clock does not move.
 */
export interface WallClock {
  /** Milliseconds since the Unix epoch, as the system believes it now. */
  nowMs(): number;
}

/** The system's own wall clock. */
export const SYSTEM_WALL_CLOCK: WallClock = { nowMs: Date.now };

/** Bytes of the cell a {@link SteppedWallClock} shares between threads: one 64-bit offset, milliseconds. */
export const WALL_CLOCK_STEP_BYTES = 8;

/**
 * The system's wall clock stepped by an offset that another thread sets (the simulator's clock-jump
 * fault), shared through a `SharedArrayBuffer` of {@link WALL_CLOCK_STEP_BYTES}: each read sees the
 * offset as it stands, with no message to wait for.
 */
export class SteppedWallClock implements WallClock {
  private readonly offsetMs: BigInt64Array;

  constructor(
    cell: SharedArrayBuffer,
    private readonly base: WallClock = SYSTEM_WALL_CLOCK,
  ) {
    this.offsetMs = new BigInt64Array(cell, 0, 1);
  }

  nowMs(): number {
    return this.base.nowMs() + Number(Atomics.load(this.offsetMs, 0));
  }

  /** Steps the clock to `offsetMs` from the system's (0: back in step), seen by every thread holding the cell. */
  static setOffset(cell: SharedArrayBuffer, offsetMs: number): void {
    Atomics.store(new BigInt64Array(cell, 0, 1), 0, BigInt(Math.round(offsetMs)));
  }
}
