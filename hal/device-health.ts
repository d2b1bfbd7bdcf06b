import { ListenerList } from './listener-list.js';
import type { Unsubscribe } from './listener-list.js';

/**
 * Device health, as the reflex and the debug port see it. `failed` devices are retried by the HAL
 * and come back to `ok` by themselves when the cause clears.
 */
export type HealthState = 'starting' | 'ok' | 'degraded' | 'failed' | 'stopped';

export interface DeviceHealth {
  state: HealthState;
  /** Why the device is not ok, in plain words (empty when ok). */
  reason: string;
  /** Clock time of the last change, microseconds. */
  sinceUs: number;
}

/** Keeps one device's health and tells listeners about changes (and only about changes). */
export class HealthTracker {
  private current: DeviceHealth;
  private readonly listeners = new ListenerList<(health: DeviceHealth, previous: DeviceHealth) => void>();

  constructor(nowUs: number) {
    this.current = { state: 'starting', reason: '', sinceUs: nowUs };
  }

  get(): DeviceHealth {
    return this.current;
  }

  set(state: HealthState, reason: string, nowUs: number): void {
    if (state === this.current.state && reason === this.current.reason) return;
    const previous = this.current;
    this.current = { state, reason, sinceUs: nowUs };
    for (const listener of this.listeners) listener(this.current, previous);
  }

  onChange(listener: (health: DeviceHealth, previous: DeviceHealth) => void): Unsubscribe {
    return this.listeners.add(listener);
  }
}
