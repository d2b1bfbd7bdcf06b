import type { Pose2D } from '../../messages/geometry.js';
import type { ConsistencySettings } from './consistency-settings.js';
import type { ReactionRow } from './reaction-table.js';

/** One step of an explore motion: the body motion to ask for, and whether the motion is over. */
export interface ExploreStep {
  vMps: number;
  wRadps: number;
  done: boolean;
}

/** A small motion primitive: fed the current pose (any continuous frame) each step, it says what to ask for. */
export interface ExploreMotion {
  step(pose: Pose2D): ExploreStep;
}

/** Near its end a turn slows to this times the angle left (per second), so it ends where it should. */
const FINISH_GAIN = 2;
/** The slowest share of the explore turn rate a turn finishes at. */
const MIN_TURN_SHARE = 0.2;
/** A turn within this of its angle is done, radians. */
const TURN_TOLERANCE_RAD = 0.02;

function wrap(rad: number): number {
  return Math.atan2(Math.sin(rad), Math.cos(rad));
}

/** Turns in place by `angleRad` (counter-clockwise positive, any size) at up to `turnRateRadps`, slowing at the end. */
export class RotateInPlace implements ExploreMotion {
  private turnedRad = 0;
  private lastYaw: number | null = null;

  constructor(
    private readonly angleRad: number,
    private readonly turnRateRadps: number,
  ) {}

  step(pose: Pose2D): ExploreStep {
    if (this.lastYaw !== null) this.turnedRad += wrap(pose.yawRad - this.lastYaw);
    this.lastYaw = pose.yawRad;
    const left = this.angleRad - this.turnedRad;
    if (Math.abs(left) <= TURN_TOLERANCE_RAD || Math.sign(left) !== Math.sign(this.angleRad)) {
      return { vMps: 0, wRadps: 0, done: true };
    }
    const rate = Math.min(
      this.turnRateRadps,
      Math.max(MIN_TURN_SHARE * this.turnRateRadps, FINISH_GAIN * Math.abs(left)),
    );
    return { vMps: 0, wRadps: Math.sign(left) * rate, done: false };
  }
}

/** Reverses straight by `distanceM` at `speedMps` from where it first steps; done once that far from there. */
export class BackOff implements ExploreMotion {
  private start: Pose2D | null = null;

  constructor(
    private readonly distanceM: number,
    private readonly speedMps: number,
  ) {}

  step(pose: Pose2D): ExploreStep {
    this.start ??= pose;
    const moved = Math.hypot(pose.xM - this.start.xM, pose.yM - this.start.yM);
    if (moved >= this.distanceM) return { vMps: 0, wRadps: 0, done: true };
    return { vMps: -this.speedMps, wRadps: 0, done: false };
  }
}

/** The motion of an explore row (`explore-rotate`, `explore-back-off`), or null for a row without one. */
export function exploreMotionFor(row: ReactionRow, settings: ConsistencySettings): ExploreMotion | null {
  if (row.reaction === 'explore-rotate') {
    return new RotateInPlace(((row.rotateDeg ?? 0) * Math.PI) / 180, settings.exploreTurnRateRadps);
  }
  if (row.reaction === 'explore-back-off') return new BackOff(row.backOffM ?? 0, settings.exploreSpeedMps);
  return null;
}
