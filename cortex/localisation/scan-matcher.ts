import type { Pose2D } from '../../messages/geometry.js';
import type { OccupancyGrid } from '../world-model/occupancy-grid.js';

/** Gauss–Newton iterations at most per match. */
const MAX_ITERATIONS = 12;
/** Damping added to the normal equations' diagonal (keeps a step sane where the field is flat). */
const DAMPING = 1e-3;
/** Steps smaller than this end the iterations: metres, radians. */
const CONVERGED_M = 1e-4;
const CONVERGED_RAD = 1e-4;
/** The largest correction one iteration may make: metres, radians. */
const MAX_STEP_M = 0.05;
const MAX_STEP_RAD = 0.05;

/** Points in the robot frame at one instant (de-skewed), to be matched. */
export interface RobotFramePoints {
  count: number;
  xM: Float32Array;
  yM: Float32Array;
}

/** The outcome of a match: the pose, its score (mean field value at the points, 0..1) and how many points fell on the map. */
export interface MatchResult {
  pose: Pose2D;
  score: number;
  /** Share of the points within reach of a mapped obstacle (field above 0.3). */
  inlierShare: number;
}

/**
 * Scan-to-map matching on a likelihood field (Hector-SLAM style): Gauss–Newton on the field's
 * bilinear interpolation, minimising Σ (1 − F(T·p))² over the pose T, from the predicted pose.
 * Its basin is about the field's reach (a few cells), which is why the pose is corrected at
 * every revolution, while odometry has drifted by millimetres only. No allocation per point.
 */
export class ScanMatcher {
  constructor(
    private readonly grid: OccupancyGrid,
    private readonly field: Float32Array,
  ) {}

  match(points: RobotFramePoints, predicted: Pose2D): MatchResult {
    let x = predicted.xM;
    let y = predicted.yM;
    let yaw = predicted.yawRad;
    for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      const step = this.gaussNewtonStep(points, x, y, yaw);
      if (!step) break;
      x += step[0];
      y += step[1];
      yaw += step[2];
      if (Math.hypot(step[0], step[1]) < CONVERGED_M && Math.abs(step[2]) < CONVERGED_RAD) break;
    }
    const { score, inlierShare } = this.score(points, x, y, yaw);
    return { pose: { xM: x, yM: y, yawRad: Math.atan2(Math.sin(yaw), Math.cos(yaw)) }, score, inlierShare };
  }

  /** Mean field value at the points placed by the pose, and the share above 0.3. */
  score(points: RobotFramePoints, x: number, y: number, yaw: number): { score: number; inlierShare: number } {
    const c = Math.cos(yaw);
    const s = Math.sin(yaw);
    let sum = 0;
    let inliers = 0;
    for (let i = 0; i < points.count; i++) {
      const px = points.xM[i] ?? 0;
      const py = points.yM[i] ?? 0;
      const value = this.sample(x + c * px - s * py, y + s * px + c * py, null);
      sum += value;
      if (value > 0.3) inliers++;
    }
    return points.count === 0
      ? { score: 0, inlierShare: 0 }
      : { score: sum / points.count, inlierShare: inliers / points.count };
  }

  private readonly gradient = new Float64Array(2);

  private gaussNewtonStep(
    points: RobotFramePoints,
    x: number,
    y: number,
    yaw: number,
  ): [number, number, number] | null {
    const c = Math.cos(yaw);
    const s = Math.sin(yaw);
    let h00 = 0, h01 = 0, h02 = 0, h11 = 0, h12 = 0, h22 = 0; // prettier-ignore
    let b0 = 0, b1 = 0, b2 = 0; // prettier-ignore
    const g = this.gradient;
    for (let i = 0; i < points.count; i++) {
      const px = points.xM[i] ?? 0;
      const py = points.yM[i] ?? 0;
      const value = this.sample(x + c * px - s * py, y + s * px + c * py, g);
      const gx = g[0] ?? 0;
      const gy = g[1] ?? 0;
      if (gx === 0 && gy === 0) continue;
      const r = 1 - value;
      const j2 = gx * (-s * px - c * py) + gy * (c * px - s * py);
      h00 += gx * gx;
      h01 += gx * gy;
      h02 += gx * j2;
      h11 += gy * gy;
      h12 += gy * j2;
      h22 += j2 * j2;
      b0 += gx * r;
      b1 += gy * r;
      b2 += j2 * r;
    }
    const scale = Math.max(h00, h11, h22, 1e-9);
    h00 += DAMPING * scale;
    h11 += DAMPING * scale;
    h22 += DAMPING * scale;
    const det = h00 * (h11 * h22 - h12 * h12) - h01 * (h01 * h22 - h12 * h02) + h02 * (h01 * h12 - h11 * h02);
    if (!(Math.abs(det) > 1e-12)) return null;
    const dx = (b0 * (h11 * h22 - h12 * h12) - h01 * (b1 * h22 - h12 * b2) + h02 * (b1 * h12 - h11 * b2)) / det;
    const dy = (h00 * (b1 * h22 - h12 * b2) - b0 * (h01 * h22 - h12 * h02) + h02 * (h01 * b2 - b1 * h02)) / det;
    const dr = (h00 * (h11 * b2 - b1 * h12) - h01 * (h01 * b2 - b1 * h02) + b0 * (h01 * h12 - h11 * h02)) / det;
    const k = Math.min(
      1,
      MAX_STEP_M / Math.max(1e-12, Math.hypot(dx, dy)),
      MAX_STEP_RAD / Math.max(1e-12, Math.abs(dr)),
    );
    return [dx * k, dy * k, dr * k];
  }

  /** The field at a world point, bilinear between cell centres; with `gradient`, its world gradient (per metre) too. */
  private sample(xM: number, yM: number, gradient: Float64Array | null): number {
    const grid = this.grid;
    const u = grid.gridX(xM, yM) - 0.5;
    const v = grid.gridY(xM, yM) - 0.5;
    const i = Math.floor(u);
    const j = Math.floor(v);
    const w = grid.widthCells;
    if (i < 0 || j < 0 || i + 1 >= w || j + 1 >= grid.heightCells) {
      if (gradient) gradient.fill(0);
      return 0;
    }
    const fx = u - i;
    const fy = v - j;
    const k = j * w + i;
    const f = this.field;
    const f00 = f[k] ?? 0;
    const f10 = f[k + 1] ?? 0;
    const f01 = f[k + w] ?? 0;
    const f11 = f[k + w + 1] ?? 0;
    if (gradient) {
      const du = ((1 - fy) * (f10 - f00) + fy * (f11 - f01)) / grid.resolutionM;
      const dv = ((1 - fx) * (f01 - f00) + fx * (f11 - f10)) / grid.resolutionM;
      const yaw = grid.origin.yawRad;
      const c = Math.cos(yaw);
      const s = Math.sin(yaw);
      gradient[0] = c * du - s * dv;
      gradient[1] = s * du + c * dv;
    }
    return (1 - fy) * ((1 - fx) * f00 + fx * f10) + fy * ((1 - fx) * f01 + fx * f11);
  }
}
