import type { ParamValues } from '../../config/params.js';

/**
 * What the consistency checker and its reactions are tuned by, in their own units: one field per
 * `consistency.*` parameter (built by {@link consistencySettingsFromParams}, the only place that
 * maps them), plus the robot's radius (the width of the path corridor).
 */
export interface ConsistencySettings {
  /** Trailing window the given and the measured motion are compared over, microseconds. */
  motionWindowUs: number;
  /** Mean forward speed over the window below which a missing movement is not judged, m/s. */
  wedgedMinSpeedMps: number;
  /** Mean turn rate over the window below which a missing turn in place is not judged, rad/s. */
  wedgedMinTurnRateRadps: number;
  /** Share of the given motion under which the robot is wedged, 0..1. */
  wedgedRatio: number;
  /** Share of the given motion from which a wedge clears, 0..1 (above `wedgedRatio`). */
  wedgedClearRatio: number;
  /** Distance moved that the given motion does not explain, that makes the robot pushed, metres. */
  pushedDistanceM: number;
  /** Turn that the given motion does not explain, that makes the robot pushed, radians. */
  pushedTurnRad: number;
  /** How long a clearing condition must hold before a violation clears, microseconds. */
  clearHoldUs: number;
  /** Length of the path ahead checked against each revolution, metres. */
  pathLookaheadM: number;
  /** Half width of the corridor around the path ahead: the robot's radius plus the margin, metres. */
  pathCorridorHalfWidthM: number;
  /** Returns on the path ahead that make a revolution contradict the map. */
  pathBlockedMinPoints: number;
  /** How long revolutions must keep contradicting the map before path-blocked is raised, microseconds. */
  pathBlockedRaiseUs: number;
  /** How long the localisation must stay lost before localisation-lost is raised, microseconds. */
  lostRaiseUs: number;
  /** A reaction that has not cleared its violation within this failed, microseconds. */
  reactionTimeoutUs: number;
  /** Clear this long, a violation's reactions start again from the first row, microseconds. */
  attemptResetUs: number;
  /** Reversing speed of the back-off reaction, m/s (positive). */
  exploreSpeedMps: number;
  /** Turn rate of the rotate-in-place reaction, rad/s (positive). */
  exploreTurnRateRadps: number;
  /** Free distance behind the robot needed beyond the back-off's length, metres. */
  backOffRearMarginM: number;
}

/** The checker's settings from resolved parameters and the robot's radius (metres, `CortexSettings.robotRadiusM`). */
export function consistencySettingsFromParams(params: ParamValues, robotRadiusM: number): ConsistencySettings {
  return {
    motionWindowUs: params['consistency.motionWindowMs'] * 1e3,
    wedgedMinSpeedMps: params['consistency.wedgedMinSpeedMps'],
    wedgedMinTurnRateRadps: params['consistency.wedgedMinTurnRateRadps'],
    wedgedRatio: params['consistency.wedgedRatio'],
    wedgedClearRatio: Math.max(params['consistency.wedgedRatio'], params['consistency.wedgedClearRatio']),
    pushedDistanceM: params['consistency.pushedDistanceM'],
    pushedTurnRad: (params['consistency.pushedTurnDeg'] * Math.PI) / 180,
    clearHoldUs: params['consistency.clearHoldMs'] * 1e3,
    pathLookaheadM: params['consistency.pathLookaheadM'],
    pathCorridorHalfWidthM: robotRadiusM + params['consistency.pathMarginM'],
    pathBlockedMinPoints: params['consistency.pathBlockedMinPoints'],
    pathBlockedRaiseUs: params['consistency.pathBlockedRaiseMs'] * 1e3,
    lostRaiseUs: params['consistency.lostRaiseMs'] * 1e3,
    reactionTimeoutUs: params['consistency.reactionTimeoutMs'] * 1e3,
    attemptResetUs: params['consistency.attemptResetMs'] * 1e3,
    exploreSpeedMps: params['consistency.exploreSpeedMps'],
    exploreTurnRateRadps: params['consistency.exploreTurnRateRadps'],
    backOffRearMarginM: params['consistency.backOffRearMarginM'],
  };
}
