/** One battery measurement (an INA219 on the supply, or a motor controller's own reading). */
export interface BatteryReading {
  /** Bus (battery) voltage, volts. */
  voltageV: number;
  /** Current drawn, amperes (positive: discharging); NaN when the device cannot measure it. */
  currentA: number;
  /** Power, watts; NaN when unknown. */
  powerW: number;
  /** Clock time of the reading, microseconds. */
  stampUs: number;
}
