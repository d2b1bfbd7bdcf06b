import type { Point2D, Pose2D } from '../../messages/geometry.js';

/** Settings of the regulated pure-pursuit follower. */
export interface PursuitSettings {
  cruiseSpeedMps: number;
  lookaheadM: number;
  maxTurnRateRadps: number;
  maxAccelMps2: number;
  headingGain: number;
}

/** Heading errors to the lookahead point above this turn in place first. */
const TURN_IN_PLACE_RAD = Math.PI / 3;
/** Turning radii below this slow the robot in proportion (curvature regulation), metres. */
const MIN_RADIUS_M = 0.8;
/** Within this distance of the goal the speed ramps down (approach regulation), metres. */
const APPROACH_M = 0.6;
/**
 * Fastest turn in place, rad/s: a lidar revolution taken while turning faster is smeared by the
 * turn (and wheels slip most when a turn starts), which costs the localisation more than the
 * seconds it saves.
 */
const MAX_TURN_IN_PLACE_RADPS = 0.8;
/** Slowest forward speed the regulation leaves while moving, m/s. */
const MIN_SPEED_MPS = 0.05;

/**
 * Regulated pure pursuit (Macenski et al., 2023): steer onto the arc through the path point one
 * lookahead ahead; slow for tight curvature, near obstacles (`proximity`, 0 open .. 1 touching
 * the inflation's lethal edge) and on approach to the goal; never change speed faster than the
 * acceleration limit. Pure: pose and path in, body motion out.
 * @param path Path points, world frame, from the robot's end.
 * @param fromIndex The path segment the robot was last on (the search for the nearest point starts there).
 */
export function pursue(
  pose: Pose2D,
  path: readonly Point2D[],
  fromIndex: number,
  previousVMps: number,
  dtS: number,
  proximity: number,
  s: PursuitSettings,
): { vMps: number; wRadps: number; segment: number; remainingM: number } {
  const segment = nearestSegment(pose, path, fromIndex);
  const { point, remainingM } = lookahead(pose, path, segment, s.lookaheadM);
  const c = Math.cos(pose.yawRad);
  const sn = Math.sin(pose.yawRad);
  const dx = point.xM - pose.xM;
  const dy = point.yM - pose.yM;
  const lx = c * dx + sn * dy;
  const ly = -sn * dx + c * dy;
  const bearing = Math.atan2(ly, lx);
  const clampW = (w: number): number => Math.max(-s.maxTurnRateRadps, Math.min(s.maxTurnRateRadps, w));
  if (Math.abs(bearing) > TURN_IN_PLACE_RAD) {
    const w = clampW(s.headingGain * bearing);
    return {
      vMps: 0,
      wRadps: Math.max(-MAX_TURN_IN_PLACE_RADPS, Math.min(MAX_TURN_IN_PLACE_RADPS, w)),
      segment,
      remainingM,
    };
  }
  const d2 = Math.max(1e-6, lx * lx + ly * ly);
  const curvature = (2 * ly) / d2;
  let v = s.cruiseSpeedMps;
  const radius = Math.abs(curvature) > 1e-9 ? 1 / Math.abs(curvature) : Infinity;
  if (radius < MIN_RADIUS_M) v *= radius / MIN_RADIUS_M;
  v *= 1 - 0.6 * Math.max(0, Math.min(1, proximity));
  v *= Math.min(1, remainingM / APPROACH_M);
  v = Math.max(MIN_SPEED_MPS, v);
  v = Math.min(v, previousVMps + s.maxAccelMps2 * dtS);
  const w = clampW(v * curvature);
  // Keep on the arc when the turn rate is clipped.
  const vOnArc = Math.abs(curvature) > 1e-9 ? Math.min(v, Math.abs(w / curvature)) : v;
  return { vMps: vOnArc, wRadps: w, segment, remainingM };
}

/** The index of the path segment nearest the robot, searching forward from `fromIndex` a little way. */
function nearestSegment(pose: Pose2D, path: readonly Point2D[], fromIndex: number): number {
  let best = Math.min(fromIndex, Math.max(0, path.length - 2));
  let bestD = Infinity;
  for (let i = best; i < Math.min(path.length - 1, fromIndex + 20); i++) {
    const d = distanceToSegment(pose, path[i]!, path[i + 1]!);
    if (d < bestD - 1e-9) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

function distanceToSegment(p: Point2D, a: Point2D, b: Point2D): number {
  const abx = b.xM - a.xM;
  const aby = b.yM - a.yM;
  const len2 = abx * abx + aby * aby;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((p.xM - a.xM) * abx + (p.yM - a.yM) * aby) / len2)) : 0;
  return Math.hypot(p.xM - (a.xM + t * abx), p.yM - (a.yM + t * aby));
}

/** The point `distanceM` along the path beyond the robot's projection onto `segment`, and the path length left from the robot. */
function lookahead(
  pose: Pose2D,
  path: readonly Point2D[],
  segment: number,
  distanceM: number,
): { point: Point2D; remainingM: number } {
  const goal = path[path.length - 1]!;
  if (path.length < 2) return { point: goal, remainingM: Math.hypot(goal.xM - pose.xM, goal.yM - pose.yM) };
  const a = path[segment]!;
  const b = path[segment + 1]!;
  const abx = b.xM - a.xM;
  const aby = b.yM - a.yM;
  const len = Math.hypot(abx, aby);
  const t = len > 0 ? Math.max(0, Math.min(1, ((pose.xM - a.xM) * abx + (pose.yM - a.yM) * aby) / (len * len))) : 0;
  let remaining = (1 - t) * len;
  for (let i = segment + 1; i < path.length - 1; i++)
    remaining += Math.hypot(path[i + 1]!.xM - path[i]!.xM, path[i + 1]!.yM - path[i]!.yM);
  let left = distanceM;
  let from = { xM: a.xM + t * abx, yM: a.yM + t * aby };
  for (let i = segment + 1; i < path.length; i++) {
    const to = path[i]!;
    const step = Math.hypot(to.xM - from.xM, to.yM - from.yM);
    if (step >= left) {
      const f = step > 0 ? left / step : 0;
      return {
        point: { xM: from.xM + f * (to.xM - from.xM), yM: from.yM + f * (to.yM - from.yM) },
        remainingM: remaining,
      };
    }
    left -= step;
    from = to;
  }
  return { point: goal, remainingM: remaining };
}
