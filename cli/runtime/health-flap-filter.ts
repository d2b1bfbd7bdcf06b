import type { RuntimeEventBody } from '../../messages/runtime-event.js';
import { US_PER_S } from '../../time/clock.js';

type HealthChange = Extract<RuntimeEventBody, { kind: 'device-health' }>;
type Flapping = Extract<RuntimeEventBody, { kind: 'device-flapping' }>;

/** When a device counts as flapping: `changes` health changes within `windowUs`. */
export interface FlapSettings {
  windowUs: number;
  changes: number;
}

interface DeviceFlaps {
  /** Times of the changes within the window, oldest first. */
  recent: number[];
  /** Set while flapping: when it started and the changes counted since. */
  flapping: { sinceUs: number; transitions: number } | null;
  lastChangeUs: number;
  state: string;
  reason: string;
}

/**
 * Coalesces a device's flapping health (a failing IMU flipping ok/degraded ten times a second):
 * each change passes as it is until `changes` of them fall within the window; then one
 * `device-flapping` start (the count and the rate), nothing per change, and one `device-flapping`
 * end once the device has kept its state for a whole window. Pure: the caller passes the clock's
 * time and calls {@link settle} (e.g. on a timer) to end what has gone quiet.
 */
export class HealthFlapFilter {
  private readonly devices = new Map<string, DeviceFlaps>();

  constructor(private readonly settings: FlapSettings) {}

  /** What to record for `change` at `nowUs`: the change itself, a flapping start, or nothing. */
  change(nowUs: number, change: HealthChange): RuntimeEventBody[] {
    const device = this.devices.get(change.device) ?? {
      recent: [],
      flapping: null,
      lastChangeUs: nowUs,
      state: change.to,
      reason: change.reason,
    };
    this.devices.set(change.device, device);
    device.recent.push(nowUs);
    while (device.recent.length > 0 && device.recent[0]! <= nowUs - this.settings.windowUs) device.recent.shift();
    device.lastChangeUs = nowUs;
    device.state = change.to;
    device.reason = change.reason;
    if (device.flapping) {
      device.flapping.transitions += 1;
      return [];
    }
    if (device.recent.length < this.settings.changes) return [change];
    device.flapping = { sinceUs: nowUs, transitions: device.recent.length };
    const spanS = Math.max((nowUs - device.recent[0]!) / US_PER_S, 1e-6);
    return [this.flapEvent(change.device, device, 'start', device.recent.length / spanS)];
  }

  /** The flapping ends of devices that kept their state for a whole window by `nowUs`. */
  settle(nowUs: number): RuntimeEventBody[] {
    const ended: RuntimeEventBody[] = [];
    for (const [name, device] of this.devices) {
      if (!device.flapping || nowUs - device.lastChangeUs < this.settings.windowUs) continue;
      const spanS = Math.max((device.lastChangeUs - device.flapping.sinceUs) / US_PER_S, 1e-6);
      ended.push(this.flapEvent(name, device, 'end', device.flapping.transitions / spanS));
      device.flapping = null;
      device.recent = [];
    }
    return ended;
  }

  private flapEvent(name: string, device: DeviceFlaps, phase: Flapping['phase'], ratePerS: number): Flapping {
    const transitions = device.flapping?.transitions ?? 0;
    return {
      kind: 'device-flapping',
      device: name,
      phase,
      transitions,
      ratePerS,
      state: device.state,
      reason: device.reason,
    };
  }
}
