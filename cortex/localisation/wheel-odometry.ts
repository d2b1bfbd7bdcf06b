import { composePose, integrateArc, type Pose2D } from '../../messages/geometry.js';
import type { OdometrySample } from '../../messages/odometry.js';
import type { GyroYaw } from './gyro-yaw.js';
import { OdometryHistory } from './odometry-history.js';

/** Encoder readings further apart than this are not trusted for the motion between them; the commanded motion bridges the gap, microseconds. */
const STALE_US = 500_000;
/** Wheel travel faster than this between two readings is a counter jump (a reopened port), not motion, m/s. */
const MAX_PLAUSIBLE_MPS = 5;
/**
 * Gyrodometry: the wheels' turn is used unless the gyro disagrees by more than this turn rate,
 * which only a wheel that slips or a push can explain; then the gyro's turn is used (rad/s). Below
 * it, the gyro's bias and drift never reach the pose.
 */
const SLIP_TURN_RATE_RADPS = 0.05;

/** Wheel travel since start, metres, forward positive, at `stampUs`. */
export interface WheelTravel {
  stampUs: number;
  leftM: number;
  rightM: number;
}

/**
 * Odometry measured by the wheel encoders, with the IMU's yaw rate where the wheels slip
 * (gyrodometry): each reading's travel of the two wheels moves the pose along an arc; the turn
 * is the wheels' (right minus left over the wheel base) unless the gyro's differs by more than a
 * slip could not explain. A reading after a gap, or one whose travel is implausible, is bridged
 * with the commanded motion over the interval (the odometry of record the main thread sends). The
 * result is a history of samples in the same form as the odometry of record, so the pose estimate
 * and the de-skewing of scans use it alike.
 */
export class WheelOdometry {
  readonly history: OdometryHistory;
  private last: WheelTravel;
  /** Readings whose motion was taken from the commands instead (gaps, counter jumps). */
  bridged = 0;

  constructor(
    private readonly wheelBaseM: number,
    /** The commanded odometry, for gaps. */
    private readonly commanded: OdometryHistory,
    /** The IMU's yaw rate (empty without an IMU). */
    private readonly gyro: GyroYaw,
    first: WheelTravel,
  ) {
    this.last = first;
    this.history = new OdometryHistory({
      stampUs: first.stampUs,
      pose: commanded.poseAt(first.stampUs),
      vMps: 0,
      wRadps: 0,
    });
  }

  /** A new encoder reading. */
  wheels(reading: WheelTravel): void {
    const previous = this.last;
    const dtUs = reading.stampUs - previous.stampUs;
    if (!(dtUs > 0)) return;
    this.last = reading;
    const dtS = dtUs / 1e6;
    const dLeft = reading.leftM - previous.leftM;
    const dRight = reading.rightM - previous.rightM;
    const plausible =
      dtUs <= STALE_US && Math.abs(dLeft) <= MAX_PLAUSIBLE_MPS * dtS && Math.abs(dRight) <= MAX_PLAUSIBLE_MPS * dtS;
    if (!plausible) {
      this.bridge(previous.stampUs, reading.stampUs);
      return;
    }
    const forwardM = (dLeft + dRight) / 2;
    const wheelTurnRad = (dRight - dLeft) / this.wheelBaseM;
    const stationary = dLeft === 0 && dRight === 0;
    const gyroTurnRad = this.gyro.turnBetween(previous.stampUs, reading.stampUs, stationary);
    const turnRad =
      gyroTurnRad !== null && Math.abs(gyroTurnRad - wheelTurnRad) > SLIP_TURN_RATE_RADPS * dtS
        ? gyroTurnRad
        : wheelTurnRad;
    const from = this.history.poseAt(previous.stampUs);
    const vMps = forwardM / dtS;
    const wRadps = turnRad / dtS;
    this.history.add({ stampUs: reading.stampUs, pose: integrateArc(from, vMps, wRadps, dtS), vMps, wRadps });
  }

  /** The clock is at `nowUs`: when the encoders have gone quiet, the commanded motion carries the pose on. */
  advance(nowUs: number): void {
    const latest = this.history.latest();
    if (nowUs - latest.stampUs <= STALE_US) return;
    this.bridge(latest.stampUs, nowUs);
  }

  private bridge(fromUs: number, toUs: number): void {
    this.bridged++;
    const from = this.history.poseAt(fromUs);
    const moved = this.commanded.relative(fromUs, toUs);
    const command: OdometrySample = this.commanded.latest();
    const pose: Pose2D = composePose(from, moved);
    this.history.add({ stampUs: toUs, pose, vMps: command.vMps, wRadps: command.wRadps });
  }
}
