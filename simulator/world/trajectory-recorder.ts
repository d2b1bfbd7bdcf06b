import type { Pose2D } from '../../messages/geometry.js';

/** One kept point of a trajectory: where, and when (sim seconds). */
export interface TrajectoryPoint {
  simTimeS: number;
  xM: number;
  yM: number;
  yawRad: number;
}

export interface TrajectoryRecorderOptions {
  /** Distance moved before the next point is kept, metres. Default 0.1. */
  minStepM?: number;
  /** Turn made before the next point is kept, radians. Default 0.35 (20°). */
  minTurnRad?: number;
  /** Sim time after which a point is kept even standing still, seconds. Default 2. */
  maxGapS?: number;
  /** Points kept at most; when full, every other point is dropped and the steps doubled. Default 4000. */
  maxPoints?: number;
}

/**
 * A decimated trajectory in bounded memory, for the run's picture (`spinal sim --plot`): a pose is
 * kept when the robot has moved `minStepM`, turned `minTurnRad` or stood `maxGapS` since the last
 * kept one. When `maxPoints` are held, every other point is dropped (the first and the newest stay)
 * and the steps double, so a run of any length keeps at most `maxPoints` points.
 */
export class TrajectoryRecorder {
  private points: TrajectoryPoint[] = [];
  private latest: TrajectoryPoint | null = null;
  private stepM: number;
  private turnRad: number;
  private gapS: number;
  private readonly maxPoints: number;

  constructor(options: TrajectoryRecorderOptions = {}) {
    this.stepM = options.minStepM ?? 0.1;
    this.turnRad = options.minTurnRad ?? 0.35;
    this.gapS = options.maxGapS ?? 2;
    this.maxPoints = Math.max(4, options.maxPoints ?? 4_000);
  }

  /** Offers the pose at `simTimeS`; kept when it differs enough from the last kept one. Non-finite poses are ignored. */
  add(simTimeS: number, pose: Pose2D): void {
    if (!Number.isFinite(simTimeS) || !Number.isFinite(pose.xM) || !Number.isFinite(pose.yM)) return;
    const point = { simTimeS, xM: pose.xM, yM: pose.yM, yawRad: Number.isFinite(pose.yawRad) ? pose.yawRad : 0 };
    this.latest = point;
    const last = this.points.at(-1);
    if (last && !this.differs(last, point)) return;
    this.points.push(point);
    if (this.points.length >= this.maxPoints) this.thin();
  }

  /** The kept points in time order, ending with the newest pose offered. */
  samples(): TrajectoryPoint[] {
    const last = this.points.at(-1);
    return this.latest && last !== this.latest ? [...this.points, this.latest] : [...this.points];
  }

  private differs(a: TrajectoryPoint, b: TrajectoryPoint): boolean {
    const turned = Math.abs(Math.atan2(Math.sin(b.yawRad - a.yawRad), Math.cos(b.yawRad - a.yawRad)));
    return (
      Math.hypot(b.xM - a.xM, b.yM - a.yM) >= this.stepM ||
      turned >= this.turnRad ||
      b.simTimeS - a.simTimeS >= this.gapS
    );
  }

  private thin(): void {
    const newest = this.points.at(-1)!;
    const kept = this.points.filter((_, i) => i % 2 === 0);
    if (kept.at(-1) !== newest) kept.push(newest);
    this.points = kept;
    this.stepM *= 2;
    this.turnRad *= 2;
    this.gapS *= 2;
  }
}

/** The pose at `simTimeS` along a trajectory, linearly between its points (clamped to its ends); null when empty. */
export function poseAlong(points: readonly TrajectoryPoint[], simTimeS: number): TrajectoryPoint | null {
  if (points.length === 0) return null;
  const first = points[0]!;
  if (simTimeS <= first.simTimeS) return first;
  for (let i = 1; i < points.length; i += 1) {
    const b = points[i]!;
    if (simTimeS > b.simTimeS) continue;
    const a = points[i - 1]!;
    const span = b.simTimeS - a.simTimeS;
    const f = span > 0 ? (simTimeS - a.simTimeS) / span : 1;
    return {
      simTimeS,
      xM: a.xM + (b.xM - a.xM) * f,
      yM: a.yM + (b.yM - a.yM) * f,
      yawRad: f < 0.5 ? a.yawRad : b.yawRad,
    };
  }
  return points.at(-1)!;
}
