import createDebug from 'debug';
import { composePose, type Pose2D } from '../../messages/geometry.js';
import type { LidarPoints } from '../../messages/lidar-points.js';
import type { PoseEstimate } from '../pose-estimate.js';
import type { OccupancyGrid } from '../world-model/occupancy-grid.js';
import type { WorldScan } from '../world-model/scan-integrator.js';
import { ScanMatcher } from './scan-matcher.js';

const log = createDebug('spinal:cortex:localiser');

/** Points a revolution needs on mapped ground before its match is trusted. */
const MIN_POINTS_ON_MAP = 40;
/** A match whose inlier share (of the points on mapped ground) is below this is a poor one. */
const MIN_INLIER_SHARE = 0.5;
/** Poor matches in a row that make the pose lost. */
const POOR_MATCHES_LOST = 10;
/** The largest correction one revolution may make; a larger one is a false match: metres, radians. */
const MAX_CORRECTION_M = 0.3;
const MAX_CORRECTION_RAD = 0.3;
/** Knots per revolution at which the motion during the turn is evaluated (points between are interpolated). */
const DESKEW_KNOTS = 8;

/** Localisation state: `ok` (the scans confirm the pose), `lost` (they have not for a while), `off` (odometry only). */
export type LocalisationState = 'ok' | 'lost' | 'off';

/** What one revolution did to the pose. */
export interface LocalisationResult {
  /** The world pose at the revolution's stamp after the match (or as predicted, when not matched). */
  pose: Pose2D;
  /** Quality of the match, 0..1 (inlier share of the points on mapped ground); null when not matched. */
  quality: number | null;
  /** Whether the pose was corrected by this revolution. */
  corrected: boolean;
  state: LocalisationState;
  /** The revolution's points in the world, at the pose above (to integrate into the map). */
  world: WorldScan;
}

/**
 * Localisation by scan matching: each revolution is de-skewed with the odometry of record (its
 * points were measured over a whole turn of motion), matched against the likelihood field of the
 * map (prior, or being built), and, when the match is good, the pose estimate's odometry frame is
 * moved so that the robot was where the match says. A run of poor matches makes the pose `lost`
 * until a good one comes back.
 */
export class Localiser {
  state: LocalisationState;
  quality: number | null = null;
  private poorInARow = 0;
  private readonly matcher: ScanMatcher;
  private readonly robotX = new Float32Array(4096);
  private readonly robotY = new Float32Array(4096);
  private readonly worldX = new Float32Array(4096);
  private readonly worldY = new Float32Array(4096);

  constructor(
    private readonly grid: OccupancyGrid,
    field: Float32Array,
    private readonly estimate: PoseEstimate,
    private readonly enabled: boolean,
  ) {
    this.matcher = new ScanMatcher(grid, field);
    this.state = enabled ? 'ok' : 'off';
  }

  /** One revolution lasting `turnUs`, stamped at its end. Null before the robot is placed in the world. */
  revolution(scan: LidarPoints, turnUs: number): LocalisationResult | null {
    const predicted = this.estimate.poseAt(scan.stampUs);
    if (!predicted) return null;
    const count = Math.min(scan.count, this.robotX.length);
    this.deskew(scan, count, turnUs);
    const points = { count, xM: this.robotX, yM: this.robotY };
    let pose = predicted;
    let corrected = false;
    let quality: number | null = null;
    if (this.enabled) {
      const onMap = this.pointsOnMap(points, predicted);
      if (onMap >= MIN_POINTS_ON_MAP) {
        const match = this.matcher.match(points, predicted);
        quality = Math.min(1, (match.inlierShare * count) / onMap);
        const jumpM = Math.hypot(match.pose.xM - predicted.xM, match.pose.yM - predicted.yM);
        const turnRad = Math.abs(
          Math.atan2(Math.sin(match.pose.yawRad - predicted.yawRad), Math.cos(match.pose.yawRad - predicted.yawRad)),
        );
        if (quality >= MIN_INLIER_SHARE && jumpM <= MAX_CORRECTION_M && turnRad <= MAX_CORRECTION_RAD) {
          pose = match.pose;
          corrected = true;
          this.estimate.place(pose, scan.stampUs);
        }
        this.note(corrected);
      }
    }
    this.quality = quality;
    return { pose, quality, corrected, state: this.state, world: this.placeInWorld(scan, count, pose) };
  }

  private note(good: boolean): void {
    this.poorInARow = good ? 0 : this.poorInARow + 1;
    const next: LocalisationState = this.poorInARow >= POOR_MATCHES_LOST ? 'lost' : 'ok';
    if (next !== this.state) log('localisation %s -> %s', this.state, next);
    this.state = next;
  }

  /** How many points land on cells the map has observed, placed by `pose`. */
  private pointsOnMap(points: { count: number; xM: Float32Array; yM: Float32Array }, pose: Pose2D): number {
    const c = Math.cos(pose.yawRad);
    const s = Math.sin(pose.yawRad);
    let n = 0;
    for (let i = 0; i < points.count; i++) {
      const px = points.xM[i] ?? 0;
      const py = points.yM[i] ?? 0;
      const index = this.grid.indexAt(pose.xM + c * px - s * py, pose.yM + s * px + c * py);
      if (index >= 0 && this.grid.logOdds[index] !== 0) n++;
    }
    return n;
  }

  /**
   * The points as seen from the robot at the revolution's stamp: point i was measured at about
   * `stamp − turn × (1 − (i + 1) / count)` (packets arrive in time order), from where the odometry
   * says the robot was then.
   */
  private deskew(scan: LidarPoints, count: number, turnUs: number): void {
    const knots: Pose2D[] = [];
    for (let k = 0; k <= DESKEW_KNOTS; k++) {
      knots.push(this.estimate.history.relative(scan.stampUs, scan.stampUs - turnUs * (1 - k / DESKEW_KNOTS)));
    }
    for (let i = 0; i < count; i++) {
      const at = ((i + 1) / count) * DESKEW_KNOTS;
      const k = Math.min(DESKEW_KNOTS - 1, Math.floor(at));
      const f = at - k;
      const a = knots[k]!;
      const b = knots[k + 1]!;
      const yaw = a.yawRad + f * (b.yawRad - a.yawRad);
      const px = scan.xM[i] ?? 0;
      const py = scan.yM[i] ?? 0;
      const c = Math.cos(yaw);
      const s = Math.sin(yaw);
      this.robotX[i] = a.xM + f * (b.xM - a.xM) + c * px - s * py;
      this.robotY[i] = a.yM + f * (b.yM - a.yM) + s * px + c * py;
    }
  }

  private placeInWorld(scan: LidarPoints, count: number, pose: Pose2D): WorldScan {
    const c = Math.cos(pose.yawRad);
    const s = Math.sin(pose.yawRad);
    for (let i = 0; i < count; i++) {
      const px = this.robotX[i] ?? 0;
      const py = this.robotY[i] ?? 0;
      this.worldX[i] = pose.xM + c * px - s * py;
      this.worldY[i] = pose.yM + s * px + c * py;
    }
    const origin = composePose(pose, { xM: scan.originXM ?? 0, yM: scan.originYM ?? 0, yawRad: 0 });
    return { originXM: origin.xM, originYM: origin.yM, count, xM: this.worldX, yM: this.worldY };
  }
}
