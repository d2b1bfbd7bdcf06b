import type { ReflexSettings } from './reflex-types.js';

/**
 * The settings a running reflex takes new values of (`ReflexLoop.retune`): every stage reads them at
 * each evaluation, or is told of the change. The others are fixed from start to stop, as something
 * is built from them once (the command selector's dead-man, the braking observer, the ramp, the
 * footprint's margins, the obstacle memory).
 */
export const RETUNABLE_SETTINGS = Object.freeze([
  'maxSpeedMps',
  'maxTurnRateRadps',
  'slowZoneM',
  'stopMarginM',
  'clearHoldUs',
  'batteryLowV',
  'batteryCriticalV',
  'batteryLowSpeedFactor',
  'tiltLimitDeg',
] as const satisfies ReadonlyArray<keyof ReflexSettings>);

const retunable = new Set<string>(RETUNABLE_SETTINGS);

/** The settings that differ between `current` and `next`, by name. */
export function changedSettings(current: ReflexSettings, next: ReflexSettings): Array<keyof ReflexSettings> {
  return (Object.keys(current) as Array<keyof ReflexSettings>).filter((key) => current[key] !== next[key]);
}

/** Why `next` cannot replace `current` in a running reflex (it changes a fixed setting), or null. */
export function retuneProblem(current: ReflexSettings, next: ReflexSettings): string | null {
  const fixed = changedSettings(current, next).filter((key) => !retunable.has(key));
  return fixed.length === 0 ? null : `fixed while the reflex runs: ${fixed.join(', ')}`;
}
