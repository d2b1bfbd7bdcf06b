import createDebug from 'debug';
import type { CortexStatus } from '../messages/cortex-comms-protocol.js';
import type { DriveCommand } from '../messages/drive.js';
import type { Pose2D } from '../messages/geometry.js';
import type { Mission, MissionAssignment, MissionState } from '../messages/mission.js';
import type { OdometrySample } from '../messages/odometry.js';
import type { Cancel, Clock } from '../time/clock.js';
import type { CortexSettings, CortexTuning } from './cortex-thread-protocol.js';
import { seekGoal } from './goal-seeker.js';
import { PoseEstimate } from './pose-estimate.js';
import type { WheelTravel } from './localisation/wheel-odometry.js';
import type { LidarPoints } from '../messages/lidar-points.js';
import type { OccupancyGridMessage } from '../messages/occupancy-grid.js';
import type { LocalisationResult } from './localisation/localiser.js';
import { WorldModel } from './world-model/world-model.js';
import { Navigator } from './planning/navigator.js';

const log = createDebug('spinal:cortex:mission');

/** What the executor puts out at every step: the drive command, then its status. */
export type ExecutorOutput = { t: 'drive'; command: DriveCommand } | { t: 'status'; status: CortexStatus };

/**
 * Turns the current mission into drive commands at the cortex rate: `goto` through the goal
 * seeker on the pose estimate (the odometry of record placed in the world at the mission's start
 * pose), `drive` as a scripted body motion for its duration.
 */
export class MissionExecutor {
  /** The world model (map and localisation), once {@link useWorldModel} asked for one and a mission placed the robot. */
  world: WorldModel | null = null;
  /** Plans and follows paths over the world model's map (without one, the goal seeker drives straight). */
  navigator: Navigator | null = null;
  private worldModelPrior: OccupancyGridMessage | null | undefined = undefined;
  private assignment: MissionAssignment | null = null;
  /** Where the robot was placed in the world (by its first mission, or by {@link placeAt}). */
  private placedAt: Pose2D | null = null;
  private readonly pose: PoseEstimate;
  private state: MissionState = 'idle';
  private startedUs = 0;
  private goalDistanceM: number | null = null;
  private cancel: Cancel | null = null;

  /** Its own copy, shared with the world model and the navigator: a retune changes it for all of them at once. */
  private readonly settings: CortexSettings;

  constructor(
    private readonly clock: Clock,
    settings: CortexSettings,
    private readonly send: (output: ExecutorOutput) => void,
    odometry: OdometrySample = { stampUs: clock.nowUs(), pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0, wRadps: 0 },
  ) {
    this.settings = { ...settings };
    this.pose = new PoseEstimate(odometry, settings.wheelBaseM);
  }

  /** Where the main thread's odometry of record lies in the world, once a mission placed the robot (null before). */
  get frame(): Pose2D | null {
    return this.pose.mainFrame(this.clock.nowUs());
  }

  /** Keep a world model from the first mission on: on `prior` (a map given up front), or built as the robot goes (null). */
  useWorldModel(prior: OccupancyGridMessage | null): void {
    this.worldModelPrior = prior;
  }

  /** One lidar revolution for the world model (ignored without one). */
  revolution(scan: LidarPoints): LocalisationResult | null {
    return this.world?.revolution(scan) ?? null;
  }

  start(assignment: MissionAssignment | null): void {
    if (assignment) this.assign(assignment);
    this.cancel = this.clock.every(1e6 / this.settings.rateHz, () => this.step());
    this.step();
  }

  /**
   * New values of the retunable settings (a config update), in force from the next step: the
   * planner and the follower share these settings and read them at every step.
   */
  retune(tuning: CortexTuning): void {
    Object.assign(this.settings, tuning);
    log('retuned: %o', tuning);
  }

  /** The executor's clock now, microseconds. */
  nowUs(): number {
    return this.clock.nowUs();
  }

  stop(): void {
    this.cancel?.();
  }

  /** A mission, with the pose the robot is at now: the pose estimate is placed there. */
  assign(assignment: MissionAssignment): void {
    this.placeAt(assignment.initialPose);
    this.assignment = assignment;
    this.state = 'active';
    this.startedUs = this.clock.nowUs();
    log('mission %s started', assignment.mission.kind);
  }

  /**
   * The robot is at `pose` in the world, with no mission yet (a robot on `spinal run`: where it was
   * kept, or the origin): the pose estimate, and the world model when one was asked for, start there.
   */
  placeAt(pose: Pose2D): void {
    this.placedAt = pose;
    this.pose.place(pose, this.clock.nowUs());
    if (this.worldModelPrior !== undefined && !this.world) {
      this.world = new WorldModel(this.settings, this.pose, this.worldModelPrior, pose);
      this.navigator = new Navigator(this.world, this.settings);
    }
  }

  /**
   * A new mission (from the supervisor) from where the robot is now: its pose estimate stays.
   * Returns why it is refused, or null: a robot that no mission has placed in the world yet has no
   * pose to start from.
   */
  follow(mission: Mission): string | null {
    if (!this.placedAt) return 'the robot has no world pose yet: no mission has placed it';
    this.assignment = { mission, initialPose: this.placedAt };
    this.state = 'active';
    this.startedUs = this.clock.nowUs();
    this.goalDistanceM = null;
    log('mission %s started (from the supervisor)', mission.kind);
    return null;
  }

  /** The odometry of record moved on (the applied motion changed). */
  odometry(sample: OdometrySample): void {
    this.pose.odometryChanged(sample);
  }

  /** The wheel encoders' travel (the pose estimate rests on it from the first reading on). */
  wheels(reading: WheelTravel): void {
    this.pose.wheels(reading);
  }

  /** The IMU's yaw rates. */
  gyro(stampsUs: readonly number[], zRadps: readonly number[]): void {
    this.pose.gyro(stampsUs, zRadps);
  }

  status(): CortexStatus {
    return {
      pose: this.pose.poseAt(this.clock.nowUs()),
      missionKind: this.assignment?.mission.kind ?? 'none',
      missionState: this.state,
      goalDistanceM: this.goalDistanceM,
    };
  }

  private step(): void {
    const nowUs = this.clock.nowUs();
    this.pose.advance(nowUs);
    const motion = this.plan(nowUs);
    this.send({ t: 'drive', command: { source: 'cortex', vMps: motion.vMps, wRadps: motion.wRadps, stampUs: nowUs } });
    this.send({ t: 'status', status: this.status() });
  }

  private plan(nowUs: number): { vMps: number; wRadps: number } {
    const mission = this.assignment?.mission;
    const pose = this.pose.poseAt(nowUs);
    if (!mission || this.state !== 'active' || !pose) return { vMps: 0, wRadps: 0 };
    if (mission.kind === 'drive') {
      if (nowUs - this.startedUs >= mission.durationS * 1e6) {
        this.state = 'succeeded';
        return { vMps: 0, wRadps: 0 };
      }
      return { vMps: mission.vMps, wRadps: mission.wRadps };
    }
    const toleranceM = Math.min(this.settings.goalToleranceM, mission.toleranceM / 2);
    const seek = this.navigator
      ? this.navigator.step(nowUs, pose, mission.goal, toleranceM)
      : seekGoal(pose, mission.goal, {
          cruiseSpeedMps: this.settings.cruiseSpeedMps,
          headingGain: this.settings.headingGain,
          maxTurnRateRadps: this.settings.maxTurnRateRadps,
          toleranceM,
        });
    this.goalDistanceM = seek.distanceM;
    if (seek.reached) {
      this.state = 'succeeded';
      log('goal reached (%s m from it by the pose estimate)', seek.distanceM.toFixed(3));
    }
    return seek;
  }
}
