/**
 * What the cortex's energy model is set up with, from the `cortex.battery*`, `cortex.consumption*`
 * and `cortex.return*` parameters (see `cortex-settings.ts` for the mapping, `config/params.ts`
 * for units, ranges and defaults).
 */
export interface EnergySettings {
  /** Energy of the full battery, watt-hours. */
  batteryCapacityWh: number;
  /** First guess of the resistance between the cells and the voltage monitor, ohms. */
  batteryInternalOhms: number;
  /** Energy per metre driven taken until the robot has learned its own, watt-hours per metre. */
  consumptionPriorWhPerM: number;
  /** The path back's energy is multiplied by this for the return rule (at least 1). */
  returnReserveFactor: number;
  /** Energy kept in hand on top of that, watt-hours. */
  returnReserveFloorWh: number;
}
