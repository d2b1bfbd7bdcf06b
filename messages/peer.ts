import type { Point2D, Pose2D } from './geometry.js';

/**
 * What robots of one fleet tell each other over the mesh (comms/proto/spinal/v1/mesh.proto on the
 * wire), as the rest of spinal sees it once decoded and checked. Times are microseconds of the
 * receiving robot's own clock: the comms thread converts a peer's times on arrival (a claim's
 * window keeps its length and starts when it arrived), so no two robots need synchronised clocks.
 */

/** Where a peer stands in the right-of-way order; compared by {@link comparePriority} in cortex/right-of-way. */
export interface RobotPriority {
  robotId: string;
  /** Stopped by its reflex: it cannot move out of anyone's way, so everyone yields to it. */
  safetyStopped: boolean;
  carryingPayload: boolean;
  /** The running mission's priority, 0..100 (0 without one). */
  missionPriority: number;
}

/** A peer's last state (`.../state`, 10 Hz). */
export interface PeerState extends RobotPriority {
  /** When the peer sent it, on the receiver's clock. */
  atUs: number;
  pose: Pose2D;
  vMps: number;
  wRadps: number;
  /** The next stretch of its planned path, nearest first (world frame). */
  pathPreview: Point2D[];
  /** Radius of the circle around its centre that holds its footprint, metres. */
  footprintRadiusM: number;
}

/** The stretch of path a robot claims for a time window (`.../claims`). */
export interface RightOfWayClaim {
  robotId: string;
  /** Increases with every claim the robot makes; an older or repeated one is dropped. */
  claimSeq: number;
  /** The claimed path, nearest first (world frame). Empty: the robot claims only where it stands. */
  path: Point2D[];
  fromUs: number;
  untilUs: number;
}

export type HazardKind = 'blocked-aisle' | 'obstacle';

/** Something peers should plan around until it expires (`.../hazards`, QoS 1). */
export interface Hazard {
  /** Who saw it. */
  robotId: string;
  kind: HazardKind;
  position: Point2D;
  radiusM: number;
  detectedAtUs: number;
  /** It no longer holds after this time (receiver's clock). */
  expiresAtUs: number;
}

/** One peer as the robot knows it. */
export interface PeerView {
  id: string;
  online: boolean;
  bootId: string;
  state: PeerState | null;
  claim: RightOfWayClaim | null;
  /** Time since anything was heard from it, milliseconds. */
  ageMs: number;
  /** Not heard from for longer than `mesh.peerStaleMs`: its state and claim are not relied on. */
  stale: boolean;
}

/** What the robot itself puts on the mesh, from the cortex (the comms thread adds the id and the times). */
export interface OwnMeshState {
  pose: Pose2D;
  vMps: number;
  wRadps: number;
  pathPreview: Point2D[];
  footprintRadiusM: number;
  missionPriority: number;
  carryingPayload: boolean;
  safetyStopped: boolean;
}

/** A hazard the robot itself saw, from the cortex (the comms thread times it and gives it `mesh.hazardTtlMs`). */
export interface OwnHazard {
  kind: HazardKind;
  position: Point2D;
  radiusM: number;
}

/** The robot's own claim, from the cortex: a path and how long it holds from now, milliseconds. */
export interface OwnClaim {
  path: Point2D[];
  forMs: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isPath(value: unknown): value is Point2D[] {
  return (
    Array.isArray(value) && value.every((p: unknown) => isRecord(p) && isFiniteNumber(p.xM) && isFiniteNumber(p.yM))
  );
}

function isPose(value: unknown): value is Pose2D {
  return isRecord(value) && isFiniteNumber(value.xM) && isFiniteNumber(value.yM) && isFiniteNumber(value.yawRad);
}

function isPriority(value: Record<string, unknown>): boolean {
  return (
    typeof value.robotId === 'string' &&
    typeof value.safetyStopped === 'boolean' &&
    typeof value.carryingPayload === 'boolean' &&
    isFiniteNumber(value.missionPriority)
  );
}

function isPeerState(value: unknown): value is PeerState {
  return (
    isRecord(value) &&
    isPriority(value) &&
    isFiniteNumber(value.atUs) &&
    isPose(value.pose) &&
    isFiniteNumber(value.vMps) &&
    isFiniteNumber(value.wRadps) &&
    isPath(value.pathPreview) &&
    isFiniteNumber(value.footprintRadiusM)
  );
}

function isClaim(value: unknown): value is RightOfWayClaim {
  return (
    isRecord(value) &&
    typeof value.robotId === 'string' &&
    isFiniteNumber(value.claimSeq) &&
    isPath(value.path) &&
    isFiniteNumber(value.fromUs) &&
    isFiniteNumber(value.untilUs)
  );
}

/** True when `value` is a well-formed {@link PeerView} (what crosses from the comms thread to the cortex). */
export function isPeerView(value: unknown): value is PeerView {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.online === 'boolean' &&
    typeof value.bootId === 'string' &&
    (value.state === null || isPeerState(value.state)) &&
    (value.claim === null || isClaim(value.claim)) &&
    isFiniteNumber(value.ageMs) &&
    typeof value.stale === 'boolean'
  );
}

/** True when `value` is a well-formed {@link Hazard}. */
export function isHazard(value: unknown): value is Hazard {
  return (
    isRecord(value) &&
    typeof value.robotId === 'string' &&
    (value.kind === 'blocked-aisle' || value.kind === 'obstacle') &&
    isRecord(value.position) &&
    isFiniteNumber(value.position.xM) &&
    isFiniteNumber(value.position.yM) &&
    isFiniteNumber(value.radiusM) &&
    isFiniteNumber(value.detectedAtUs) &&
    isFiniteNumber(value.expiresAtUs)
  );
}

/** True when `value` is a well-formed {@link OwnMeshState}. */
export function isOwnMeshState(value: unknown): value is OwnMeshState {
  return (
    isRecord(value) &&
    isPose(value.pose) &&
    isFiniteNumber(value.vMps) &&
    isFiniteNumber(value.wRadps) &&
    isPath(value.pathPreview) &&
    isFiniteNumber(value.footprintRadiusM) &&
    isFiniteNumber(value.missionPriority) &&
    typeof value.carryingPayload === 'boolean' &&
    typeof value.safetyStopped === 'boolean'
  );
}

/** True when `value` is a well-formed {@link OwnHazard}. */
export function isOwnHazard(value: unknown): value is OwnHazard {
  return (
    isRecord(value) &&
    (value.kind === 'blocked-aisle' || value.kind === 'obstacle') &&
    isRecord(value.position) &&
    isFiniteNumber(value.position.xM) &&
    isFiniteNumber(value.position.yM) &&
    isFiniteNumber(value.radiusM)
  );
}

/** True when `value` is a well-formed {@link OwnClaim}. */
export function isOwnClaim(value: unknown): value is OwnClaim {
  return isRecord(value) && isPath(value.path) && isFiniteNumber(value.forMs);
}

/** How the reflex's reason for a swarm hold begins (`holding for <peer>: <why>`): a stop for a peer is not a safety stop. */
export const SWARM_HOLD_REASON_PREFIX = 'holding for ';
