import type { AppliedDrive, DriveCommand } from '../messages/drive.js';
import type { Pose2D } from '../messages/geometry.js';
import type { LidarPoints } from '../messages/lidar-points.js';
import { ObstacleMemory } from './obstacle-memory.js';
import type { ReflexInputs, ReflexSettings } from './reflex-types.js';
import { SectorCoverage } from './sector-coverage.js';
import type { StoppingModel } from './stopping-distance.js';
import { SweptPathChecker, type CheckedArea, type MotionClearance } from './swept-path.js';

/** Most remembered obstacle points the swept-area check looks at in one evaluation. */
const SWEPT_POINTS_CAPACITY = 8192;

/** The obstacle inputs of the arbiter, as the reflex loop gathers them. */
export type ObstacleInputs = Pick<ReflexInputs, 'motion' | 'appliedMotion' | 'turnInPlace' | 'blindSector'>;

/** The robot's shape and drive, as the obstacle checks see them. */
export interface ObstacleViewOptions {
  /** The rules' settings; the footprint is grown by their `sideMarginM` on each side. */
  settings: ReflexSettings;
  footprint: { lengthM: number; widthM: number };
  wheelBaseM: number;
}

/**
 * What the reflex knows about obstacles, and the swept-area checks it makes of them: the remembered
 * returns ({@link ObstacleMemory}), which parts of the lidar's view are current ({@link SectorCoverage}),
 * and the check of a motion's swept area ({@link SweptPathChecker}) under the stopping model.
 */
export class ObstacleView {
  /** The stopping model the checks use now (its deceleration may be lowered to what braking achieves). */
  readonly model: StoppingModel;
  private readonly memory: ObstacleMemory;
  private readonly swept: SweptPathChecker;
  private readonly coverage = new SectorCoverage();
  /** Radius around the robot within which obstacles can matter to any allowed motion, metres. */
  private reachM: number;
  /** The reach at start: the obstacle memory keeps returns this far out (and half a metre more), so no retune may exceed it. */
  private readonly startReachM: number;
  /** The command the latest evaluation checked (its time; null: there was none), kept to draw its area on request. */
  private checkedAtUs: number | null = null;
  private checkedVMps = 0;
  private checkedWRadps = 0;

  constructor(private readonly o: ObstacleViewOptions) {
    const s = o.settings;
    this.model = stoppingModelOf(s);
    this.swept = new SweptPathChecker({
      halfLengthM: o.footprint.lengthM / 2,
      halfWidthM: o.footprint.widthM / 2,
      sideMarginM: s.sideMarginM,
      wheelBaseM: o.wheelBaseM,
      capacity: SWEPT_POINTS_CAPACITY,
    });
    this.reachM = this.swept.reachM(this.model, s.maxTurnRateRadps);
    this.startReachM = this.reachM;
    this.memory = new ObstacleMemory({ keepRadiusM: this.reachM + 0.5, seeThroughM: s.seeThroughM });
  }

  /** Why `next` cannot be taken: it would widen the reach beyond the start's (null: it can). */
  retuneProblem(next: ReflexSettings): string | null {
    const reachM = this.swept.reachM(stoppingModelOf(next), next.maxTurnRateRadps);
    if (reachM <= this.startReachM) return null;
    return (
      `the obstacle checks would have to watch ${reachM.toFixed(2)} m around the robot, more than the ` +
      `${this.startReachM.toFixed(2)} m they watch since start (speed limit, turn rate, stop margin or slow zone ` +
      `above their start values): such values take effect at the next start`
    );
  }

  /** The settings changed in place: the stopping model and the reach follow them. */
  retuned(): void {
    const s = this.o.settings;
    Object.assign(this.model, stoppingModelOf(s));
    this.reachM = this.swept.reachM(this.model, s.maxTurnRateRadps);
  }

  /** One lidar packet, measured with the robot at `odom` (odometry frame): remembered, and its arc marked as seen. */
  addLidarPoints(points: LidarPoints, odom: Pose2D): void {
    this.memory.update(points, odom);
    this.coverage.record(points);
  }

  /** Returns of another sensor (a range sensor's beam): remembered as obstacles, no coverage. */
  addOtherPoints(points: LidarPoints, odom: Pose2D): void {
    this.memory.update(points, odom);
  }

  /** Distance from the robot origin at `odom` to the nearest remembered obstacle, metres, or null. */
  nearestM(odom: Pose2D, nowUs: number): number | null {
    return this.memory.nearestM(odom, nowUs, this.o.settings.obstacleMemoryUs);
  }

  /** Remembered obstacle points within the reach of any allowed motion, at `nowUs` with the robot at `odom`. */
  pointsInReach(odom: Pose2D, nowUs: number): number {
    const { obstacleMemoryUs } = this.o.settings;
    return this.memory.collect(odom, nowUs, obstacleMemoryUs, this.reachM, this.swept.xM, this.swept.yM);
  }

  /**
   * The area the latest {@link inputs} checked for the command in force, built now from what that
   * check used (the points' reach, the stopping model and the motion are unchanged until the next
   * evaluation). For the status, a few times a second: it allocates, the loop's checks do not.
   */
  checkedCommandArea(): CheckedCommandArea | null {
    if (this.checkedAtUs === null) return null;
    const area = this.swept.checkedArea(this.checkedVMps, this.checkedWRadps, this.model);
    return area ? { atUs: this.checkedAtUs, vMps: this.checkedVMps, wRadps: this.checkedWRadps, area } : null;
  }

  /**
   * The swept-area checks at `nowUs` with the robot at `odom`: the command in force, the motion the
   * motors have when it differs, turning in place at the command's rate, and whether the command's
   * path crosses a sector the lidar has not measured recently.
   */
  inputs(command: DriveCommand | null, applied: AppliedDrive, odom: Pose2D, nowUs: number): ObstacleInputs {
    const { settings } = this.o;
    this.swept.setCount(this.pointsInReach(odom, nowUs), this.model.stopMarginM);
    const v = command?.vMps ?? 0;
    const w = command?.wRadps ?? 0;
    const motion = command ? limiting(this.swept.clearance(v, w, this.model)) : null;
    this.checkedAtUs = command ? nowUs : null;
    this.checkedVMps = v;
    this.checkedWRadps = w;
    const { vMps: av, wRadps: aw } = applied;
    const moving = av !== 0 || aw !== 0;
    const appliedMotion = !moving
      ? null
      : av === v && aw === w
        ? motion
        : limiting(this.swept.clearance(av, aw, this.model));
    const turnW = Math.max(-settings.maxTurnRateRadps, Math.min(settings.maxTurnRateRadps, w));
    const turnInPlace = turnW !== 0 ? limiting(this.swept.clearance(0, turnW, this.model)) : null;
    // Until the lidar has looked all round once, the view is blind whatever is asked (a start-up hold, not a trip).
    const never = this.coverage.firstNeverMeasured();
    const blind =
      never >= 0
        ? never
        : command && !this.coverage.allFresh(nowUs, settings.sectorStaleUs)
          ? this.swept.firstBlindSector(v, w, this.model, this.coverage, nowUs, settings.sectorStaleUs)
          : -1;
    return {
      motion,
      appliedMotion,
      turnInPlace,
      blindSector: blind >= 0 ? this.coverage.describe(blind, nowUs) : null,
    };
  }
}

/**
 * The area the latest evaluation's check of the command in force looked at, robot frame where the
 * robot stood then: the command, the time and the check's own geometry (null: no command, or a
 * command that does not move the robot).
 */
export interface CheckedCommandArea {
  atUs: number;
  vMps: number;
  wRadps: number;
  area: CheckedArea;
}

/** The stopping model of the settings, with the assumed braking (each evaluation lowers it to what braking achieves). */
function stoppingModelOf(s: ReflexSettings): StoppingModel {
  return {
    brakingDecelMps2: s.brakingDecelMps2,
    reactionLatencyS: s.reactionLatencyS,
    stopMarginM: s.stopMarginM,
    slowZoneM: s.slowZoneM,
    maxSpeedMps: s.maxSpeedMps,
  };
}

/** A clearance that limits nothing is reported as none. */
function limiting(c: MotionClearance): MotionClearance | null {
  return c.obstacle ? c : null;
}
