import type { ParamValues } from '../../config/params.js';

/**
 * What the right-of-way decision is tuned by. `claimAheadM` and `claimForMs` come from the
 * `mesh.claimAheadM` / `mesh.claimForMs` parameters (config/params.ts holds their units, ranges and
 * defaults); the others are this module's own, with the defaults of {@link RIGHT_OF_WAY_DEFAULTS}.
 */
export interface RightOfWaySettings {
  /** How far along its planned path a robot claims the right of way, metres. */
  claimAheadM: number;
  /** How long a published claim holds unless renewed, milliseconds. */
  claimForMs: number;
  /** Gap kept between two footprints on top of their radii when claims are compared, metres (default 0.1). */
  clearanceMarginM?: number;
  /**
   * A stale (or offline) peer stale for longer than this stops counting, unless it is near, milliseconds
   * (default 10 000). Until then, and forever while near, the robot holds where the peer's way crosses its own.
   */
  staleForgetMs?: number;
  /** A stale peer whose last footprint is this close to the robot's footprint is near and keeps counting, metres (default 4). */
  staleNearM?: number;
  /** How far from the robot a passing place is looked for, metres (default 6). */
  passingSearchRadiusM?: number;
  /** Spacing of the points tried as passing places, metres (default 0.2). */
  passingSearchStepM?: number;
  /**
   * How much further than the footprints' touching distance a passing place keeps from the ways it
   * gives way to, metres (default 0.1: a bay half a metre deep still holds a passing place): waiting there, the robot's own claim conflicts with theirs
   * only when it heads into them, and then it waits by priority instead of stepping back in.
   */
  passingSlackM?: number;
  /** A passing place this close to the robot's centre is reached, metres (default 0.15). */
  passingReachedM?: number;
  /**
   * A robot that should back off but has stood still this long in the cycle (it found no passing place)
   * is passed over, and the next lowest of the cycle backs off, milliseconds (default 3 000).
   */
  backOffPatienceMs?: number;
  /** A peer slower than this is standing still (for the aging rule), m/s (default 0.05). */
  stillMps?: number;
  /**
   * A peer that has stood still wanting to move for this long is given way to by the robots it waits
   * for (the aging rule), milliseconds (default 20 000).
   */
  agingAfterMs?: number;
  /** The longest a robot gives way under the aging rule to one peer that does not take its turn, milliseconds (default 20 000). */
  agingYieldMaxMs?: number;
}

/** {@link RightOfWaySettings} with every field present. */
export type ResolvedRightOfWaySettings = Required<RightOfWaySettings>;

/** The defaults of the settings that are not mesh parameters. */
export const RIGHT_OF_WAY_DEFAULTS: Readonly<Omit<ResolvedRightOfWaySettings, 'claimAheadM' | 'claimForMs'>> =
  Object.freeze({
    clearanceMarginM: 0.1,
    staleForgetMs: 10_000,
    staleNearM: 4,
    passingSearchRadiusM: 6,
    passingSearchStepM: 0.2,
    passingSlackM: 0.1,
    passingReachedM: 0.15,
    backOffPatienceMs: 3_000,
    stillMps: 0.05,
    agingAfterMs: 20_000,
    agingYieldMaxMs: 20_000,
  });

/** Every field filled in: the given ones where they are finite and positive, the defaults elsewhere. */
export function resolveRightOfWaySettings(settings: RightOfWaySettings): ResolvedRightOfWaySettings {
  const pick = (value: number | undefined, fallback: number): number =>
    value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
  const d = RIGHT_OF_WAY_DEFAULTS;
  return {
    claimAheadM: pick(settings.claimAheadM, 4),
    claimForMs: pick(settings.claimForMs, 2_000),
    clearanceMarginM: pick(settings.clearanceMarginM, d.clearanceMarginM),
    staleForgetMs: pick(settings.staleForgetMs, d.staleForgetMs),
    staleNearM: pick(settings.staleNearM, d.staleNearM),
    passingSearchRadiusM: pick(settings.passingSearchRadiusM, d.passingSearchRadiusM),
    passingSearchStepM: pick(settings.passingSearchStepM, d.passingSearchStepM),
    passingSlackM: pick(settings.passingSlackM, d.passingSlackM),
    passingReachedM: pick(settings.passingReachedM, d.passingReachedM),
    backOffPatienceMs: pick(settings.backOffPatienceMs, d.backOffPatienceMs),
    stillMps: pick(settings.stillMps, d.stillMps),
    agingAfterMs: pick(settings.agingAfterMs, d.agingAfterMs),
    agingYieldMaxMs: pick(settings.agingYieldMaxMs, d.agingYieldMaxMs),
  };
}

/** The settings from resolved parameters (`mesh.claimAheadM`, `mesh.claimForMs`), the rest defaulted. */
export function rightOfWaySettingsFromParams(params: ParamValues): RightOfWaySettings {
  return { claimAheadM: params['mesh.claimAheadM'], claimForMs: params['mesh.claimForMs'] };
}
