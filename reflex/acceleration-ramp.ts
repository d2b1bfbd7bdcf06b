import type { OutputStage } from './reflex-types.js';

/**
 * The reflex's output stage after the arbiter: speed-ups (the speed-up after a reversal included)
 * are ramped at the braking deceleration, so the robot never gathers speed faster than it can shed
 * it; slow-downs and stops pass at once. Pure: the decided and the previous forward speed, and the
 * time since the previous output, in; the forward speed to apply out.
 */
export function rampedSpeedMps(decidedMps: number, previousMps: number, dtS: number, rateMps2: number): number {
  const base = Math.sign(decidedMps) === Math.sign(previousMps) ? Math.abs(previousMps) : 0;
  if (Math.abs(decidedMps) <= base) return decidedMps;
  return Math.sign(decidedMps) * Math.min(Math.abs(decidedMps), base + rateMps2 * Math.max(0, dtS));
}

export const ACCELERATION_RAMP: OutputStage = {
  id: 'acceleration-ramp',
  what: 'every speed-up of the forward speed (including the speed-up after a reversal) is ramped at reflex.brakingDecelMps2, so the robot never gathers speed faster than it can shed it; slow-downs, stops and the turn rate pass at once',
  params: ['reflex.brakingDecelMps2'],
};
