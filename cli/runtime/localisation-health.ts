import type { RuntimeEventBody } from '../../messages/runtime-event.js';

/** The localisation's state as a health state: a lost pose degrades the robot, odometry only is how it was built. */
const LOCALISATION_HEALTH = { ok: 'ok', lost: 'degraded', off: 'ok' } as const;

/**
 * The localisation as one more device in the event log: `localisation` goes `ok` → `degraded` when
 * the cortex reports the pose lost, and back when the scans match again. Starts `ok`.
 */
export class LocalisationHealth {
  private current: string = LOCALISATION_HEALTH.ok;

  /** The event for the cortex's report of `state` (with its last match quality), or null when the health is unchanged. */
  report(state: keyof typeof LOCALISATION_HEALTH, quality: number | null): RuntimeEventBody | null {
    const to = LOCALISATION_HEALTH[state];
    if (to === this.current) return null;
    const shown = quality === null ? 'none' : quality.toFixed(2);
    const body: RuntimeEventBody = {
      kind: 'device-health',
      device: 'localisation',
      from: this.current,
      to,
      reason:
        state === 'lost' ? `pose lost: the scans do not match the map (quality ${shown})` : `localisation ${state}`,
    };
    this.current = to;
    return body;
  }
}
