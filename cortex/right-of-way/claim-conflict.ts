import type { Point2D } from '../../messages/geometry.js';
import type { RobotPriority } from '../../messages/peer.js';
import { pointDistance, pointPolylineDistance, polylineDistance } from './polyline-distance.js';

/** A robot as the right-of-way sees it: where its footprint is and the stretch it claims. */
export interface ClaimingRobot extends RobotPriority {
  position: Point2D;
  /** Radius of the circle that holds its footprint, metres. */
  radiusM: number;
  /** The claimed stretch, a polyline starting at `position` (just `position` when it claims only where it stands). */
  claim: Point2D[];
  /** Its planned path beyond the claim, starting at `position` (passing places keep off it). */
  preview: Point2D[];
}

/** True when the robot claims more than where it stands. */
export function claimsAhead(robot: ClaimingRobot): boolean {
  return robot.claim.length > 1;
}

/**
 * Two claims conflict when the footprints swept along them could touch: the claimed polylines come
 * closer than the two radii plus `marginM`.
 */
export function claimsConflict(a: ClaimingRobot, b: ClaimingRobot, marginM: number): boolean {
  return polylineDistance(a.claim, b.claim) < a.radiusM + b.radiusM + marginM;
}

/**
 * True when `body`'s footprint, where it stands now, lies in the way `claimer` has claimed ahead of
 * itself: the claimer could not drive its claim without touching it. A footprint beside or behind the
 * claimer's start is not in its way; for a claimer that claims only where it stands, any footprint
 * that touches it is.
 */
export function bodyInClaimAhead(claimer: ClaimingRobot, body: ClaimingRobot, marginM: number): boolean {
  const reach = claimer.radiusM + body.radiusM + marginM;
  if (pointPolylineDistance(body.position, claimer.claim) >= reach) return false;
  if (!claimsAhead(claimer)) return true;
  const start = claimer.claim[0] as Point2D;
  if (pointDistance(body.position, start) >= reach) return true;
  // Near the start: in the way only when it lies ahead, or still touches the stretch past the start.
  const next = claimer.claim[1] as Point2D;
  const dx = next.xM - start.xM;
  const dy = next.yM - start.yM;
  const ahead = (body.position.xM - start.xM) * dx + (body.position.yM - start.yM) * dy > 0;
  if (ahead) return true;
  // Behind the start: in the way only where the stretch comes back to it.
  return pointPolylineDistance(body.position, claimer.claim.slice(2)) < reach;
}
