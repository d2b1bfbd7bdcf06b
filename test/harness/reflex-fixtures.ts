import { expect } from 'vitest';
import type { DriveCommand } from '../../messages/drive.js';
import type { Point2D } from '../../messages/geometry.js';
import { ReflexArbiter, type ReflexInputs, type ReflexSettings } from '../../reflex/arbiter.js';
import type { PathObstacle } from '../../reflex/scan-memory.js';

/** Clock time at which the reflex tests start their arbiters: 10 s, in microseconds. */
export const T0 = 10_000_000;

/**
 * The parameter defaults (config/params.ts `reflex.*`) in the arbiter's units: dead-man 500 ms,
 * lidar stale 300 ms, braking 1.0 m/s², reaction 50 ms, stop margin 0.1 m, slow zone 0.5 m,
 * 0.5 m/s and 2 rad/s limits, clear hold 300 ms. Every optional setting is left to the rules'
 * own defaults (most of them off) unless `overrides` set it.
 */
export function reflexSettings(overrides: Partial<ReflexSettings> = {}): ReflexSettings {
  return {
    deadmanTimeoutUs: 500_000,
    lidarStaleTimeoutUs: 300_000,
    brakingDecelMps2: 1.0,
    reactionLatencyS: 0.05,
    stopMarginM: 0.1,
    slowZoneM: 0.5,
    maxSpeedMps: 0.5,
    maxTurnRateRadps: 2.0,
    clearHoldUs: 300_000,
    ...overrides,
  };
}

/** A 4 m × 3 m room with a corner at the origin, world frame (a geofence). */
export const ROOM_FENCE: readonly Point2D[] = [
  { xM: 0, yM: 0 },
  { xM: 4, yM: 0 },
  { xM: 4, yM: 3 },
  { xM: 0, yM: 3 },
];

/** A drive command of `vMps` m/s and `wRadps` rad/s stamped `stampUs`, from the planner unless `source` says otherwise. */
export function command(
  vMps: number,
  wRadps: number,
  stampUs: number,
  source: DriveCommand['source'] = 'cortex',
): DriveCommand {
  return { source, vMps, wRadps, stampUs };
}

/**
 * Everything healthy and fresh at `nowUs`, driving `vMps`/`wRadps` (default 0.3 m/s, 0 rad/s) at
 * that speed already, nothing in the way: neither ahead, behind, nor in the turning circle.
 */
export function inputsAt(nowUs: number, vMps = 0.3, wRadps = 0, overrides: Partial<ReflexInputs> = {}): ReflexInputs {
  return {
    command: command(vMps, wRadps, nowUs),
    appliedVMps: vMps,
    lidarLastDataUs: nowUs,
    lidarHealthy: true,
    lidarHealthReason: '',
    pathAhead: null,
    pathBehind: null,
    turnSweep: null,
    ...overrides,
  };
}

/**
 * An arbiter that has come out of its start-up hold: it saw fresh data and a fresh standstill
 * command at {@link T0} (plus `startInputs`, e.g. switches read released), and holds nothing.
 */
export function runningArbiter(
  settings: ReflexSettings = reflexSettings(),
  startInputs: Partial<ReflexInputs> = {},
): ReflexArbiter {
  const arbiter = new ReflexArbiter(settings);
  const first = arbiter.update(T0, inputsAt(T0, 0, 0, startInputs));
  expect(first.action).toBe('none');
  expect(arbiter.holding()).toEqual([]);
  return arbiter;
}

/** An obstacle `freeM` metres from the footprint's outline, at a lidar return `(xM, yM)` in the robot frame. */
export function obstacle(freeM: number, xM: number, yM: number): PathObstacle {
  return { freeDistanceM: freeM, xM, yM };
}
