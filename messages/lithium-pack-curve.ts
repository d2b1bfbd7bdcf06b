/**
 * The open-circuit (resting) voltage of a 3S lithium-polymer pack against its state of charge: the
 * usual per-cell table for LiPo cells at room temperature (4.20 V full, a long flat middle around
 * 3.8 V, a knee below 10 % and 3.30 V empty), times three cells in series. Between the rows the
 * voltage is linear. The simulator's battery follows it, and the robot's battery estimator reads
 * its state of charge off it, so the two share this one definition (a real robot with another pack
 * would carry that pack's table instead).
 */

/** Rows `[stateOfCharge 0..1, open-circuit volts]`, state of charge rising, voltage strictly rising. */
export const LIPO_3S_OPEN_CIRCUIT_CURVE: ReadonlyArray<readonly [number, number]> = Object.freeze(
  (
    [
      [0.0, 3.3],
      [0.05, 3.61],
      [0.1, 3.69],
      [0.15, 3.71],
      [0.2, 3.73],
      [0.25, 3.75],
      [0.3, 3.77],
      [0.35, 3.79],
      [0.4, 3.8],
      [0.45, 3.82],
      [0.5, 3.84],
      [0.55, 3.85],
      [0.6, 3.87],
      [0.65, 3.91],
      [0.7, 3.95],
      [0.75, 3.98],
      [0.8, 4.02],
      [0.85, 4.08],
      [0.9, 4.11],
      [0.95, 4.15],
      [1.0, 4.2],
    ] as const
  ).map(([soc, cellV]) => Object.freeze([soc, Math.round(cellV * 3 * 1000) / 1000] as const)),
);

/** Open-circuit voltage of the full pack, volts (12.6). */
export const LIPO_3S_FULL_V = 12.6;
/** Open-circuit voltage of the empty pack, volts (9.9). */
export const LIPO_3S_EMPTY_V = 9.9;

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}

/** The two rows around `key` (state of charge when `column` is 0, volts when 1); the end rows beyond the table. */
function rowsAround(key: number, column: 0 | 1): { from: readonly [number, number]; to: readonly [number, number] } {
  const curve = LIPO_3S_OPEN_CIRCUIT_CURVE;
  let from = curve[0] ?? [0, LIPO_3S_EMPTY_V];
  for (const row of curve.slice(1)) {
    if (key <= row[column]) return { from, to: row };
    from = row;
  }
  return { from, to: from };
}

/** The pack's open-circuit voltage at `stateOfCharge` (clamped to 0..1), volts. */
export function openCircuitVoltsAt(stateOfCharge: number): number {
  const soc = clamp01(stateOfCharge);
  const { from, to } = rowsAround(soc, 0);
  if (to[0] === from[0]) return to[1];
  return from[1] + ((to[1] - from[1]) * (soc - from[0])) / (to[0] - from[0]);
}

/** The state of charge (0..1) whose open-circuit voltage is `volts`: 0 at or below empty, 1 at or above full. */
export function stateOfChargeAtVolts(volts: number): number {
  if (!(volts > LIPO_3S_EMPTY_V)) return 0;
  if (volts >= LIPO_3S_FULL_V) return 1;
  const { from, to } = rowsAround(volts, 1);
  return from[0] + ((to[0] - from[0]) * (volts - from[1])) / (to[1] - from[1]);
}

/** The curve's slope at `stateOfCharge` (clamped to 0..1), volts per unit of state of charge: how much a volt tells. */
export function curveSlopeVPerSoc(stateOfCharge: number): number {
  const { from, to } = rowsAround(Math.max(1e-9, clamp01(stateOfCharge)), 0);
  return to[0] === from[0] ? 0 : (to[1] - from[1]) / (to[0] - from[0]);
}
