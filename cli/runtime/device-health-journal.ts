import createDebug from 'debug';
import type { ParamValues } from '../../config/params.js';
import type { Device } from '../../hal/device-api.js';
import { sanitizeExternalText } from '../../messages/external-text.js';
import { US_PER_MS, type Cancel, type Clock } from '../../time/clock.js';
import type { EventJournal } from './event-journal.js';
import { HealthFlapFilter } from './health-flap-filter.js';

const log = createDebug('spinal:runtime');

/** How often a flapping device is checked for having settled, microseconds of the robot's clock. */
const FLAP_SETTLE_PERIOD_US = 500_000;

/**
 * Writes every device's health changes into the journal, a flapping device's coalesced (one event
 * when it starts flapping, one when it settles: `ledger.flapWindowMs`, `ledger.flapChanges`), and
 * calls `changed` on each. Returns what stops the settle timer.
 */
export function journalDeviceHealth(
  devices: readonly Device[],
  journal: EventJournal,
  clock: Clock,
  params: ParamValues,
  changed: () => void,
): Cancel {
  const flaps = new HealthFlapFilter({
    windowUs: params['ledger.flapWindowMs'] * US_PER_MS,
    changes: params['ledger.flapChanges'],
  });
  for (const device of devices) {
    device.onHealthChange((health, previous) => {
      if (health.state === previous.state) return;
      changed();
      log('%s: %s -> %s %s', device.id, previous.state, health.state, sanitizeExternalText(health.reason));
      const change = {
        kind: 'device-health' as const,
        device: device.id,
        from: previous.state,
        to: health.state,
        reason: health.reason,
      };
      for (const body of flaps.change(clock.nowUs(), change)) journal.record(body);
    });
  }
  return clock.every(FLAP_SETTLE_PERIOD_US, () => {
    for (const body of flaps.settle(clock.nowUs())) journal.record(body);
  });
}
