import { z } from 'zod';
import type { BatteryPackSpec } from './world/battery-pack.js';

/**
 * A simulated robot's battery (`robots[i].battery` in a scenario): a 3S lithium pack of
 * `capacityWh`, starting full unless `initialWh` or `initialStateOfCharge` says otherwise (one of
 * them at most). The default pack is large (1000 Wh) so that a scenario drains its robot only when
 * it gives a capacity: no run of a few minutes moves its voltage by more than a few millivolts.
 */

/** Energy of the default pack, watt-hours. */
export const DEFAULT_SIM_BATTERY_CAPACITY_WH = 1000;

export const batterySpecSchema = z
  .object({
    /** Energy of the full pack, watt-hours. Default 1000. */
    capacityWh: z.number().finite().positive().max(100_000).default(DEFAULT_SIM_BATTERY_CAPACITY_WH),
    /** Energy in it at the start, watt-hours (0..capacityWh). Default: full. */
    initialWh: z.number().finite().min(0).optional(),
    /** Share of the capacity in it at the start, 0..1. Default 1. */
    initialStateOfCharge: z.number().finite().min(0).max(1).optional(),
    /** Internal resistance, ohms: the terminals sag by this times the current. Default 0.1. */
    internalOhms: z.number().finite().min(0).max(5).default(0.1),
    /** Current drawn by everything but the drive motors (computer, sensors), amperes. Default 0.3. */
    electronicsLoadA: z.number().finite().min(0).max(50).default(0.3),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.initialWh !== undefined && b.initialStateOfCharge !== undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'has "initialWh" and "initialStateOfCharge"; give at most one',
      });
    }
    if (b.initialWh !== undefined && b.initialWh > b.capacityWh) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['initialWh'],
        message: `${b.initialWh} Wh is more than capacityWh (${b.capacityWh} Wh)`,
      });
    }
  })
  .transform((b): BatteryPackSpec => ({
    capacityWh: b.capacityWh,
    initialWh: b.initialWh ?? (b.initialStateOfCharge ?? 1) * b.capacityWh,
    internalOhms: b.internalOhms,
    electronicsLoadA: b.electronicsLoadA,
  }));
