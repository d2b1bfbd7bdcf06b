import type { Point2D, Pose2D } from '../../messages/geometry.js';
import type { PeerState, PeerView, RightOfWayClaim, RobotPriority } from '../../messages/peer.js';
import type { ClaimingRobot } from './claim-conflict.js';
import { claimStretch } from './claim-stretch.js';
import { pointDistance, pointSegmentDistance } from './polyline-distance.js';

/** The most points of a peer's claim or path preview that are read; the rest is dropped. */
const MAX_PATH_POINTS = 500;

/** A peer that can be negotiated with: heard from lately, its state known. */
export interface KnownPeer extends ClaimingRobot {
  vMps: number;
}

/**
 * A peer whose right of way cannot be known (stale, offline, or a claim without a state): where it
 * was last and the way it last claimed or planned. The robot does not drive into it.
 */
export interface UnknownPeer {
  id: string;
  position: Point2D;
  radiusM: number;
  /** Its last claimed (or planned) stretch, a polyline starting at `position`. */
  way: Point2D[];
  why: string;
}

/** The robot itself as {@link fleetPicture} is given it. */
export interface PictureSelf extends RobotPriority {
  pose: Pose2D;
  footprintRadiusM: number;
  path: readonly Point2D[];
}

export interface FleetPictureLimits {
  claimAheadM: number;
  staleForgetMs: number;
  staleNearM: number;
}

/** What one robot knows of the fleet at one step, checked: itself, the peers it can negotiate with, the unknown ones. */
export interface FleetPicture {
  self: ClaimingRobot;
  /** Sorted by id. */
  known: KnownPeer[];
  /** Sorted by id. */
  unknown: UnknownPeer[];
  /** Peer views (or parts of them) that were malformed and left out. */
  dropped: number;
}

function finite(...values: unknown[]): boolean {
  return values.every((v) => typeof v === 'number' && Number.isFinite(v));
}

function finitePoints(points: unknown): Point2D[] | null {
  if (!Array.isArray(points)) return null;
  const out: Point2D[] = [];
  for (const p of points.slice(0, MAX_PATH_POINTS) as unknown[]) {
    if (typeof p !== 'object' || p === null) return null;
    const { xM, yM } = p as Record<string, unknown>;
    if (!finite(xM, yM)) return null;
    out.push({ xM: xM as number, yM: yM as number });
  }
  return out;
}

function checkedState(state: PeerState | null): PeerState | null {
  if (state === null || typeof state !== 'object') return null;
  const { pose } = state;
  if (typeof pose !== 'object' || pose === null || !finite(pose.xM, pose.yM, pose.yawRad)) return null;
  if (!finite(state.footprintRadiusM, state.vMps) || state.footprintRadiusM < 0) return null;
  const pathPreview = finitePoints(state.pathPreview);
  if (pathPreview === null) return null;
  return { ...state, pathPreview };
}

function checkedClaim(claim: RightOfWayClaim | null, id: string): RightOfWayClaim | null {
  if (claim === null || typeof claim !== 'object' || claim.robotId !== id) return null;
  if (!finite(claim.fromUs, claim.untilUs)) return null;
  const path = finitePoints(claim.path);
  return path === null ? null : { ...claim, path };
}

/**
 * The claimed stretch as a polyline from where the peer stands now: its claim joined at the claim's
 * segment nearest to it (a claim made a moment ago from a little further back loses what lies behind).
 */
export function claimFrom(position: Point2D, path: readonly Point2D[]): Point2D[] {
  if (path.length < 2) return [position];
  let nearest = 0;
  let best = Infinity;
  for (let i = 1; i < path.length; i++) {
    const d = pointSegmentDistance(position, path[i - 1] as Point2D, path[i] as Point2D);
    if (d < best - 1e-12) {
      best = d;
      nearest = i - 1;
    }
  }
  const stretch = [position];
  for (const p of path.slice(nearest + 1)) {
    if (pointDistance(stretch[stretch.length - 1] as Point2D, p) > 1e-9) stretch.push(p);
  }
  return stretch;
}

function priorityOf(state: PeerState, id: string): RobotPriority {
  return {
    robotId: id,
    safetyStopped: state.safetyStopped === true,
    carryingPayload: state.carryingPayload === true,
    missionPriority: finite(state.missionPriority) ? state.missionPriority : 0,
  };
}

/** The robot itself, its peers as known or unknown, the malformed views counted and left out. */
export function fleetPicture(
  nowUs: number,
  self: PictureSelf,
  peers: readonly PeerView[],
  limits: FleetPictureLimits,
): FleetPicture {
  const position = { xM: self.pose.xM, yM: self.pose.yM };
  const selfRobot: ClaimingRobot = {
    robotId: self.robotId,
    safetyStopped: self.safetyStopped,
    carryingPayload: self.carryingPayload,
    missionPriority: finite(self.missionPriority) ? self.missionPriority : 0,
    position,
    radiusM: self.footprintRadiusM,
    claim: claimStretch(position, self.path, limits.claimAheadM),
    preview: claimStretch(position, self.path, Infinity),
  };
  const known: KnownPeer[] = [];
  const unknown: UnknownPeer[] = [];
  const seen = new Set<string>([self.robotId]);
  let dropped = 0;
  for (const view of Array.isArray(peers) ? peers : []) {
    if (typeof view !== 'object' || view === null || typeof view.id !== 'string' || seen.has(view.id)) {
      dropped++;
      continue;
    }
    seen.add(view.id);
    const state = checkedState(view.state);
    const claim = checkedClaim(view.claim, view.id);
    if (view.state !== null && state === null) dropped++;
    if (view.claim !== null && claim === null) dropped++;
    const ageMs = finite(view.ageMs) ? view.ageMs : Infinity;
    const heard = view.online === true && view.stale !== true;
    if (heard && state !== null) {
      const at = { xM: state.pose.xM, yM: state.pose.yM };
      const claimValid = claim !== null && claim.fromUs <= nowUs && nowUs <= claim.untilUs;
      known.push({
        ...priorityOf(state, view.id),
        position: at,
        radiusM: state.footprintRadiusM,
        claim: claimValid ? claimFrom(at, claim.path) : claimStretch(at, state.pathPreview, limits.claimAheadM),
        preview: claimStretch(at, state.pathPreview, Infinity),
        vMps: state.vMps,
      });
      continue;
    }
    const at = state !== null ? { xM: state.pose.xM, yM: state.pose.yM } : claim?.path[0];
    if (at === undefined) continue;
    const radiusM = state !== null ? state.footprintRadiusM : self.footprintRadiusM;
    const gapM = pointDistance(at, position) - radiusM - self.footprintRadiusM;
    if (ageMs > limits.staleForgetMs && gapM > limits.staleNearM) continue;
    const way =
      claim !== null && claim.path.length > 0
        ? claimFrom(at, claim.path)
        : claimStretch(at, state?.pathPreview ?? [], limits.claimAheadM);
    const why = state === null ? 'its state is unknown' : view.online !== true ? 'it is offline' : 'it is stale';
    unknown.push({ id: view.id, position: at, radiusM, way, why });
  }
  known.sort((a, b) => (a.robotId < b.robotId ? -1 : a.robotId > b.robotId ? 1 : 0));
  unknown.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { self: selfRobot, known, unknown, dropped };
}
