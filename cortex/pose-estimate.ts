import { composePose, frameOf, type Pose2D } from '../messages/geometry.js';
import type { OdometrySample } from '../messages/odometry.js';
import { GyroYaw } from './localisation/gyro-yaw.js';
import { OdometryHistory } from './localisation/odometry-history.js';
import { WheelOdometry, type WheelTravel } from './localisation/wheel-odometry.js';

/** A change of the main thread's frame smaller than this is not worth telling, metres and radians. */
const FRAME_EPSILON = 1e-4;

/**
 * The cortex's estimate of the robot's world pose: where an odometry frame lies in the world,
 * composed with the odometry the estimate rests on. That odometry is the odometry of record the
 * main thread sends (the applied commands) until the wheel encoders report; from their first
 * reading on it is the encoders' (with the IMU's yaw where the wheels slip, see
 * {@link WheelOdometry}), which starts where the commanded one stood, so the pose does not jump.
 * The frame is set from the pose the mission starts at, and the localiser moves it whenever a lidar
 * revolution matched against the map says where the robot really was.
 */
export class PoseEstimate {
  private frame: Pose2D | null = null;
  /** The odometry of record (the applied commands), as the main thread sends it. */
  readonly commanded: OdometryHistory;
  private readonly gyroYaw = new GyroYaw();
  private wheelOdometry: WheelOdometry | null = null;
  private mainFrameSent: Pose2D | null = null;

  constructor(
    odometry: OdometrySample,
    private readonly wheelBaseM: number,
  ) {
    this.commanded = new OdometryHistory(odometry);
  }

  /** The odometry the estimate rests on. */
  get history(): OdometryHistory {
    return this.wheelOdometry?.history ?? this.commanded;
  }

  /** Whether the wheel encoders carry the estimate (else the applied commands do). */
  get measured(): boolean {
    return this.wheelOdometry !== null;
  }

  /** The odometry of record moved on (the applied motion changed). */
  odometryChanged(sample: OdometrySample): void {
    this.commanded.add(sample);
  }

  /** The wheel encoders' travel. */
  wheels(reading: WheelTravel): void {
    if (this.wheelOdometry) this.wheelOdometry.wheels(reading);
    else this.wheelOdometry = new WheelOdometry(this.wheelBaseM, this.commanded, this.gyroYaw, reading);
  }

  /** The IMU's yaw rate samples. */
  gyro(stampsUs: readonly number[], zRadps: readonly number[]): void {
    for (let i = 0; i < stampsUs.length; i++) this.gyroYaw.add(stampsUs[i]!, zRadps[i]!);
  }

  /** The clock is at `nowUs` (at every step): encoders gone quiet hand over to the commands. */
  advance(nowUs: number): void {
    this.wheelOdometry?.advance(nowUs);
  }

  /** The robot is at world pose `pose` at `atUs`: places the odometry frame accordingly; returns it. */
  place(pose: Pose2D, atUs: number): Pose2D {
    this.frame = frameOf(pose, this.history.poseAt(atUs));
    return this.frame;
  }

  /** Where the odometry frame lies in the world (null before the robot was placed). */
  currentFrame(): Pose2D | null {
    return this.frame;
  }

  /**
   * Where the main thread's odometry of record lies in the world at `atUs`, so that the main
   * thread's pose (this composed with the commanded odometry) is the estimate's: the frame itself
   * while the estimate rests on the commands; resting on the encoders, the frame that makes the two
   * agree now, the same object until it moved by more than a tenth of a millimetre (or radian).
   */
  mainFrame(atUs: number): Pose2D | null {
    if (!this.frame || !this.wheelOdometry) return this.frame;
    const frame = frameOf(composePose(this.frame, this.history.poseAt(atUs)), this.commanded.poseAt(atUs));
    const sent = this.mainFrameSent;
    if (
      sent &&
      Math.abs(frame.xM - sent.xM) < FRAME_EPSILON &&
      Math.abs(frame.yM - sent.yM) < FRAME_EPSILON &&
      Math.abs(Math.atan2(Math.sin(frame.yawRad - sent.yawRad), Math.cos(frame.yawRad - sent.yawRad))) < FRAME_EPSILON
    ) {
      return sent;
    }
    this.mainFrameSent = frame;
    return frame;
  }

  /** The world pose at `atUs`, or null before the robot was placed. */
  poseAt(atUs: number): Pose2D | null {
    return this.frame ? composePose(this.frame, this.history.poseAt(atUs)) : null;
  }
}
