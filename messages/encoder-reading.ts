/** Wheel travel as counted by an encoder (quadrature on GPIO, or a motor controller's counters). */
export interface EncoderReading {
  /** Signed count since start, per channel (e.g. `left`, `right`, or `M1`, `M2`). */
  counts: Record<string, number>;
  /** Signed wheel travel since start, metres, per channel. */
  travelM: Record<string, number>;
  /** Clock time of the reading, microseconds. */
  stampUs: number;
}
