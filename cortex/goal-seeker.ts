import type { Point2D, Pose2D } from '../messages/geometry.js';

export interface GoalSeekerSettings {
  cruiseSpeedMps: number;
  /** Turn rate per radian of heading error, 1/s. */
  headingGain: number;
  maxTurnRateRadps: number;
  toleranceM: number;
}

/** Heading errors above this turn in place before driving. */
const TURN_IN_PLACE_RAD = Math.PI / 3;
/** Within this distance of the goal the speed ramps down, metres. */
const ARRIVAL_RADIUS_M = 0.6;

/**
 * The minimal local planner: turn towards the goal and drive a straight line to it, slowing on
 * arrival. Pure: pose and goal in, body motion out.
 */
export function seekGoal(
  pose: Pose2D,
  goal: Point2D,
  s: GoalSeekerSettings,
): { vMps: number; wRadps: number; distanceM: number; reached: boolean } {
  const dx = goal.xM - pose.xM;
  const dy = goal.yM - pose.yM;
  const distanceM = Math.hypot(dx, dy);
  if (distanceM <= s.toleranceM) return { vMps: 0, wRadps: 0, distanceM, reached: true };
  const error = Math.atan2(Math.sin(Math.atan2(dy, dx) - pose.yawRad), Math.cos(Math.atan2(dy, dx) - pose.yawRad));
  const wRadps = Math.max(-s.maxTurnRateRadps, Math.min(s.maxTurnRateRadps, s.headingGain * error));
  const arrival = Math.min(1, Math.max(0.15, distanceM / ARRIVAL_RADIUS_M));
  const vMps = Math.abs(error) > TURN_IN_PLACE_RAD ? 0 : s.cruiseSpeedMps * Math.cos(error) * arrival;
  return { vMps, wRadps, distanceM, reached: false };
}
