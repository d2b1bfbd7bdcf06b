/**
 * What one H-bridge output is told and what it then does, for every bridge codec, driver and
 * simulator model: pure definitions with no I/O, so the codecs can share them.
 */

/** Duty cycle of one motor: -1 (full reverse) .. 1 (full forward). */
export type Duty = number;

/** Throws a RangeError unless -1 <= duty <= 1. */
export function checkDuty(duty: number): void {
  if (!Number.isFinite(duty) || duty < -1 || duty > 1) {
    throw new RangeError(`duty must be a number in -1..1, got ${duty}`);
  }
}

/** What a bridge does with its motor: power it at a duty, short its windings (brake), or let go (coast). */
export type BridgeMode = 'drive' | 'brake' | 'coast';

/** What one H-bridge is told: drive at a duty (-1..1), brake, or coast. */
export type BridgeCommand = { mode: 'drive'; duty: Duty } | { mode: 'brake' } | { mode: 'coast' };

/** A bridge's state as its inputs show it; `duty` is 0 unless `mode` is `drive`. */
export interface BridgeOutputState {
  /** Signed duty, -1 (full reverse) .. 1 (full forward). */
  duty: Duty;
  mode: BridgeMode;
}
