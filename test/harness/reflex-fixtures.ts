import { expect } from 'vitest';
import type { DriveCommand } from '../../messages/drive.js';
import type { Point2D } from '../../messages/geometry.js';
import { ReflexArbiter, type ReflexInputs, type ReflexSettings } from '../../reflex/arbiter.js';
import { ObstacleView } from '../../reflex/obstacle-view.js';
import { reflexSettingsFromParams } from '../../reflex/reflex-settings.js';
import { paramsWith, type ParamOverrides } from './test-params.js';

/** Clock time at which the reflex tests start their arbiters: 10 s, in microseconds. */
export const T0 = 10_000_000;

/**
 * The reflex's settings as users run them: every `reflex.*` parameter at its default
 * (config/params.ts), but for the `overrides`, set by parameter name; with `geofence` (world frame),
 * or none. Built by the runtime's own {@link reflexSettingsFromParams}.
 */
export function reflexSettings(
  overrides: ParamOverrides = {},
  geofence: readonly Point2D[] | null = null,
): ReflexSettings {
  return reflexSettingsFromParams(paramsWith(overrides), geofence);
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

/** The robot the reflex tests drive: a 0.40 m × 0.30 m footprint centred on the axle, 0.25 m wheel base. */
export const TEST_ROBOT = { footprint: { lengthM: 0.4, widthM: 0.3 }, wheelBaseM: 0.25 } as const;

/** Input overrides, plus obstacle points (robot frame, metres) that the swept-area checks are made against. */
export type InputOverrides = Partial<ReflexInputs> & {
  points?: ReadonlyArray<ReadonlyArray<number>>;
  /** Settings of the swept-area checks when not the defaults. */
  sweepSettings?: ReflexSettings;
};

/**
 * The obstacle inputs the reflex loop would gather for `command` and the applied motion with
 * `points` in view (the whole view measured just now), through the loop's own {@link ObstacleView}.
 */
export function obstacleInputs(
  points: ReadonlyArray<ReadonlyArray<number>>,
  nowUs: number,
  cmd: DriveCommand | null,
  applied: { vMps: number; wRadps: number },
  settings: ReflexSettings = reflexSettings(),
): Pick<ReflexInputs, 'motion' | 'appliedMotion' | 'turnInPlace' | 'blindSector'> {
  const view = new ObstacleView({ settings, ...TEST_ROBOT });
  const origin = { xM: 0, yM: 0, yawRad: 0 };
  view.addLidarPoints(
    {
      deviceId: 'lidar',
      stampUs: nowUs,
      count: points.length,
      xM: Float32Array.from(points.map((p) => p[0] ?? 0)),
      yM: Float32Array.from(points.map((p) => p[1] ?? 0)),
      rangeM: Float32Array.from(points.map((p) => Math.hypot(p[0] ?? 0, p[1] ?? 0))),
      intensity: new Uint8Array(points.length).fill(200),
      originXM: 0,
      originYM: 0,
      sweepFirstRad: Math.PI,
      sweepLastRad: -Math.PI,
    },
    origin,
  );
  return view.inputs(cmd, { ...applied, stampUs: nowUs }, origin, nowUs);
}

/**
 * Everything healthy and fresh at `nowUs`, driving `vMps`/`wRadps` (default 0.3 m/s, 0 rad/s) at
 * that speed already; nothing in the way unless `overrides.points` puts obstacles in view.
 */
export function inputsAt(nowUs: number, vMps = 0.3, wRadps = 0, overrides: InputOverrides = {}): ReflexInputs {
  const { points = [], sweepSettings, ...rest } = overrides;
  const base: ReflexInputs = {
    command: command(vMps, wRadps, nowUs),
    appliedVMps: vMps,
    appliedWRadps: wRadps,
    lidarLastDataUs: nowUs,
    lidarHealthy: true,
    lidarHealthReason: '',
    ...rest,
  };
  const applied = { vMps: base.appliedVMps, wRadps: base.appliedWRadps ?? 0 };
  return { ...obstacleInputs(points, nowUs, base.command, applied, sweepSettings), ...base };
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

/** A lidar return at `(xM, yM)`, robot frame, metres. */
export function obstacle(xM: number, yM: number): readonly [number, number] {
  return [xM, yM];
}
