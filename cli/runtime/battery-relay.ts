import type { BatteryDevice } from '../../hal/battery/api.js';
import type { CortexLink } from './cortex-link.js';

/** Readings closer together than this go to the cortex only once (10 Hz at most), microseconds. */
export const BATTERY_RELAY_PERIOD_US = 100_000;

/**
 * Sends the cortex the battery monitor's readings for its energy model, off the reflex's path: each
 * reading at least {@link BATTERY_RELAY_PERIOD_US} after the last one sent (by the readings' own
 * stamps), so a fast monitor does not flood the thread. The energy count spans the gaps, since it
 * integrates over the time between the readings it gets.
 */
export function relayBattery(battery: BatteryDevice | null, cortex: Pick<CortexLink, 'battery'>): void {
  let lastSentUs = -Infinity;
  battery?.onReading((reading) => {
    if (reading.stampUs - lastSentUs < BATTERY_RELAY_PERIOD_US) return;
    lastSentUs = reading.stampUs;
    cortex.battery(reading);
  });
}
