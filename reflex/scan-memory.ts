import type { Pose2D } from '../messages/geometry.js';
import type { LidarPoints } from '../messages/lidar-points.js';

const BIN_COUNT = 720; // 0.5° bins: more than one LD06 turn's 450 points, so a turn is kept whole

/** What the arbiter learns about obstacles along the direction of travel. */
export interface PathObstacle {
  /** Free distance between the footprint's leading edge and the obstacle, metres. */
  freeDistanceM: number;
  /** Where the obstacle point is now, robot frame, metres. */
  xM: number;
  yM: number;
}

/**
 * The latest lidar point in each bearing bin, with its age. Updated per packet, so the reflex
 * reacts as soon as a packet shows something rather than when a turn completes. Points are kept
 * in a short-horizon odometry frame (the motion the reflex itself commanded), so a point seen
 * 100 ms ago is where it is now relative to the robot, not where it was when it was measured.
 */
export class ScanMemory {
  private readonly xM = new Float64Array(BIN_COUNT);
  private readonly yM = new Float64Array(BIN_COUNT);
  private readonly stampUs = new Float64Array(BIN_COUNT).fill(-Infinity);

  /** Stores a packet's robot-frame points, the robot being at `odom` when they were measured. */
  update(points: LidarPoints, odom: Pose2D): void {
    const c = Math.cos(odom.yawRad);
    const s = Math.sin(odom.yawRad);
    for (let i = 0; i < points.count; i++) {
      const x = points.xM[i] ?? 0;
      const y = points.yM[i] ?? 0;
      const bin = Math.floor(((Math.atan2(y, x) + Math.PI) / (2 * Math.PI)) * BIN_COUNT) % BIN_COUNT;
      this.xM[bin] = odom.xM + x * c - y * s;
      this.yM[bin] = odom.yM + x * s + y * c;
      this.stampUs[bin] = points.stampUs;
    }
  }

  /**
   * The nearest point inside the corridor the footprint sweeps when driving straight
   * (`direction` +1 forward, -1 reverse), seen from `odom`, ignoring points older than `maxAgeUs`.
   */
  nearestInPath(
    direction: 1 | -1,
    halfLengthM: number,
    halfWidthM: number,
    odom: Pose2D,
    nowUs: number,
    maxAgeUs: number,
  ): PathObstacle | null {
    let best: PathObstacle | null = null;
    this.forEachFresh(odom, nowUs, maxAgeUs, (x, y) => {
      const ahead = x * direction;
      if (ahead < halfLengthM * 0.5 || Math.abs(y) > halfWidthM) return;
      const free = Math.max(0, ahead - halfLengthM);
      if (!best || free < best.freeDistanceM) best = { freeDistanceM: free, xM: x, yM: y };
    });
    return best;
  }

  /**
   * The nearest point inside the circle of radius `radiusM` that the footprint sweeps turning in
   * place (points inside the footprint itself are ignored). Its `freeDistanceM` is its distance to
   * the footprint's outline.
   */
  nearestInTurnSweep(
    radiusM: number,
    halfLengthM: number,
    halfWidthM: number,
    odom: Pose2D,
    nowUs: number,
    maxAgeUs: number,
  ): PathObstacle | null {
    let best: PathObstacle | null = null;
    this.forEachFresh(odom, nowUs, maxAgeUs, (x, y) => {
      if (Math.hypot(x, y) > radiusM) return;
      const dx = Math.max(0, Math.abs(x) - halfLengthM);
      const dy = Math.max(0, Math.abs(y) - halfWidthM);
      if (dx === 0 && dy === 0) return;
      const free = Math.hypot(dx, dy);
      if (!best || free < best.freeDistanceM) best = { freeDistanceM: free, xM: x, yM: y };
    });
    return best;
  }

  /** Distance from the robot origin to the nearest fresh point, metres, or null. */
  nearestM(odom: Pose2D, nowUs: number, maxAgeUs: number): number | null {
    let best = Infinity;
    this.forEachFresh(odom, nowUs, maxAgeUs, (x, y) => {
      best = Math.min(best, Math.hypot(x, y));
    });
    return Number.isFinite(best) ? best : null;
  }

  /** Calls `visit` with each fresh point in the robot frame at `odom`. */
  private forEachFresh(odom: Pose2D, nowUs: number, maxAgeUs: number, visit: (xM: number, yM: number) => void): void {
    const c = Math.cos(odom.yawRad);
    const s = Math.sin(odom.yawRad);
    for (let bin = 0; bin < BIN_COUNT; bin++) {
      if (nowUs - (this.stampUs[bin] ?? -Infinity) > maxAgeUs) continue;
      const dx = (this.xM[bin] ?? 0) - odom.xM;
      const dy = (this.yM[bin] ?? 0) - odom.yM;
      visit(dx * c + dy * s, -dx * s + dy * c);
    }
  }
}
