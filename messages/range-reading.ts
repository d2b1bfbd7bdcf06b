/** Why a range reading is not a distance. */
export type RangeStatus = 'ok' | 'weak-signal' | 'saturated' | 'out-of-range';

/** One reading of a single-beam range sensor (a TFmini-S, say). */
export interface RangeReading {
  /** Distance, metres; NaN unless `status` is `ok`. */
  distanceM: number;
  /** Signal strength as the sensor reports it (device units). */
  strength: number;
  status: RangeStatus;
  /** Clock time the reading arrived, microseconds. */
  stampUs: number;
}
