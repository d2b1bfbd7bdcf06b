import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../time/virtual-clock.js';
import type { RuntimeStatus } from '../../messages/runtime-status.js';
import { StatusStore } from './status-store.js';

/** A snapshot as the main thread publishes it for a simulated robot standing still. */
function sampleStatus(robotId = 'r1'): RuntimeStatus {
  return {
    robotId,
    board: 'sim',
    mode: 'sim',
    clockS: 1.5,
    uptimeS: 1.5,
    pose: { xM: 0, yM: 0, yawRad: 0 },
    speed: { vMps: 0, wRadps: 0 },
    mission: { kind: 'none', state: 'idle' },
    nearestObstacleM: null,
    reflex: { state: 'clear', rule: '', reason: '', lastTrip: null, trips: 0 },
    loop: { rateHz: 100, ticks: 150, lastDurationUs: 80, maxDurationUs: 400, latenessP99Us: 900, deadlineMisses: 0 },
    priority: { nice: 0, raised: false, source: 'default' },
    devices: [],
  };
}

describe('StatusStore', () => {
  it('has nothing before the first snapshot', () => {
    const store = new StatusStore(new VirtualClock());
    expect(store.latest()).toBeNull();
  });

  it('ages a snapshot on its own clock and marks it stale only beyond 2 s', () => {
    const clock = new VirtualClock(5_000_000);
    const store = new StatusStore(clock);
    store.setStatus(sampleStatus());
    expect(store.latest()).toMatchObject({ ageMs: 0, stale: false });
    clock.advanceBy(2_000_000);
    expect(store.latest()).toMatchObject({ ageMs: 2_000, stale: false });
    clock.advanceBy(1_000);
    expect(store.latest()).toMatchObject({ ageMs: 2_001, stale: true });
  });

  it('restarts the age with each new snapshot and keeps the newest', () => {
    const clock = new VirtualClock();
    const store = new StatusStore(clock, { staleAfterMs: 100 });
    store.setStatus(sampleStatus('old'));
    clock.advanceBy(150_000);
    expect(store.latest()?.stale).toBe(true);
    store.setStatus(sampleStatus('new'));
    expect(store.latest()).toMatchObject({ ageMs: 0, stale: false, status: { robotId: 'new' } });
  });

  it('refuses a non-positive stale threshold', () => {
    expect(() => new StatusStore(new VirtualClock(), { staleAfterMs: 0 })).toThrow(/staleAfterMs must be > 0/);
  });

  it('is ready only when the main thread said so and a snapshot arrived', () => {
    const store = new StatusStore(new VirtualClock());
    expect(store.readiness()).toEqual({ ready: false, reason: 'the runtime is starting' });
    store.setReady(false, 'lidar starting');
    expect(store.readiness()).toEqual({ ready: false, reason: 'lidar starting' });
    store.setReady(true, '');
    expect(store.readiness()).toEqual({ ready: false, reason: 'no runtime status received yet' });
    store.setStatus(sampleStatus());
    expect(store.readiness()).toEqual({ ready: true, reason: '' });
    store.setReady(false, 'shutting down');
    expect(store.readiness()).toEqual({ ready: false, reason: 'shutting down' });
  });
});
