import type { LidarPoints } from '../../messages/lidar-points.js';
import type { MountPose } from '../mount-pose.js';

const DEG_TO_RAD = Math.PI / 180;

/** Which returns are kept: those inside the range limits and at least as strong as `minIntensity`. */
export interface LidarReturnFilter {
  /** Nearest distance kept, metres. */
  minRangeM: number;
  /** Farthest distance kept, metres. */
  maxRangeM: number;
  /** Weakest return kept, 0..255 in the sensor's own scale (intensity, or quality). */
  minIntensity: number;
}

/**
 * Builds {@link LidarPoints} messages from a sensor's returns: drops the invalid ones (distance 0,
 * out of range, too weak) and places the rest in the robot frame through the mount. The sensor's
 * angles turn clockwise seen from above (LD06 and RPLIDAR alike), so a return at angle `a` lies
 * at bearing `mount.yawDeg - a` in the robot frame (counter-clockwise positive). Holds up to
 * `capacity` points between two `take()`s, in arrays reused from one message to the next.
 */
export class LidarPointsBuilder {
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  private readonly range: Float32Array;
  private readonly intensity: Uint8Array;
  private readonly mount: MountPose;
  private points = 0;
  /** Sensor angles of the first and last measurement since the last take (every one, kept or not), degrees. */
  private firstAngleDeg = NaN;
  private lastAngleDeg = NaN;
  /** Measurements seen since the last take, kept or not. */
  private measured = 0;

  constructor(
    readonly capacity: number,
    mount: MountPose,
    private readonly filter: LidarReturnFilter,
  ) {
    this.x = new Float32Array(capacity);
    this.y = new Float32Array(capacity);
    this.range = new Float32Array(capacity);
    this.intensity = new Uint8Array(capacity);
    this.mount = { ...mount };
  }

  /** Points held for the next message. */
  get count(): number {
    return this.points;
  }

  /**
   * Adds one return at `angleDeg` (the sensor's angle, degrees), `distanceMm` away, of strength
   * `intensity`. Returns false, adding nothing, when the filter drops it or `capacity` is reached.
   */
  add(angleDeg: number, distanceMm: number, intensity: number): boolean {
    if (this.measured === 0) this.firstAngleDeg = angleDeg;
    this.lastAngleDeg = angleDeg;
    this.measured++;
    const { minRangeM, maxRangeM, minIntensity } = this.filter;
    const rangeM = distanceMm / 1000;
    if (distanceMm === 0 || rangeM < minRangeM || rangeM > maxRangeM || intensity < minIntensity) return false;
    if (this.points >= this.capacity) return false;
    const bearingRad = (this.mount.yawDeg - angleDeg) * DEG_TO_RAD;
    const i = this.points++;
    this.x[i] = this.mount.xM + rangeM * Math.cos(bearingRad);
    this.y[i] = this.mount.yM + rangeM * Math.sin(bearingRad);
    this.range[i] = rangeM;
    this.intensity[i] = intensity;
    return true;
  }

  /**
   * The points added since the last take (none is fine), as one message of `deviceId` stamped `stampUs`;
   * then starts afresh. Each message is built as one literal of a fixed shape (with or without the
   * sweep), so that every reader sees the same few hidden classes on the lidar's hot path.
   */
  take(deviceId: string, stampUs: number): LidarPoints {
    const count = this.points;
    const measured = this.measured;
    this.points = 0;
    this.measured = 0;
    const xM = this.x.slice(0, count);
    const yM = this.y.slice(0, count);
    const rangeM = this.range.slice(0, count);
    const intensity = this.intensity.slice(0, count);
    if (measured < 2) return { deviceId, stampUs, count, xM, yM, rangeM, intensity };
    let spanDeg = this.lastAngleDeg - this.firstAngleDeg;
    spanDeg -= 360 * Math.round(spanDeg / 360);
    const { xM: originXM, yM: originYM, yawDeg } = this.mount;
    return {
      deviceId,
      stampUs,
      count,
      xM,
      yM,
      rangeM,
      intensity,
      originXM,
      originYM,
      sweepFirstRad: (yawDeg - this.firstAngleDeg) * DEG_TO_RAD,
      sweepLastRad: (yawDeg - this.lastAngleDeg) * DEG_TO_RAD,
      beamStepRad: (Math.abs(spanDeg) / (measured - 1)) * DEG_TO_RAD,
    };
  }

  /** Forgets the points added since the last take. */
  clear(): void {
    this.points = 0;
    this.measured = 0;
  }
}
