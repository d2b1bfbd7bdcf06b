import type { LidarPoints } from '../../messages/lidar-points.js';

/** Rotation period assumed while a lidar does not report its speed, microseconds (10 turns a second). */
const DEFAULT_TURN_US = 100_000;
/** Most points one revolution holds (an A1's express scan makes about 730 a turn, an LD06 about 450). */
const MAX_POINTS = 4_096;

/**
 * Gathers a lidar's packets into whole revolutions, for the debug port's `GET /api/v1/scan`: a
 * revolution closes when its packets span one rotation period (from the speed the lidar reports,
 * 100 ms while it reports none), and is then returned as one {@link LidarPoints} message whose
 * arrays the caller may transfer to another thread. Drivers mark no turn boundary, so a revolution
 * starts wherever the previous one ended: the seam wanders, the coverage is a whole turn. Pure;
 * the cost per packet is a copy of its points.
 */
export class RevolutionCollector {
  private readonly x = new Float32Array(MAX_POINTS);
  private readonly y = new Float32Array(MAX_POINTS);
  private readonly range = new Float32Array(MAX_POINTS);
  private readonly intensity = new Uint8Array(MAX_POINTS);
  private count = 0;
  private firstStampUs: number | undefined;

  /** Adds one packet; returns the revolution it completes, if it does. */
  push(points: LidarPoints, speedDegPerS: number): LidarPoints | undefined {
    if (this.firstStampUs === undefined) this.firstStampUs = points.stampUs;
    const room = Math.min(points.count, MAX_POINTS - this.count);
    this.x.set(points.xM.subarray(0, room), this.count);
    this.y.set(points.yM.subarray(0, room), this.count);
    this.range.set(points.rangeM.subarray(0, room), this.count);
    this.intensity.set(points.intensity.subarray(0, room), this.count);
    this.count += room;
    const turnUs = speedDegPerS > 0 ? (360 / speedDegPerS) * 1e6 : DEFAULT_TURN_US;
    if (points.stampUs - this.firstStampUs < turnUs) return undefined;
    const count = this.count;
    this.count = 0;
    this.firstStampUs = undefined;
    return {
      deviceId: points.deviceId,
      stampUs: points.stampUs,
      count,
      xM: this.x.slice(0, count),
      yM: this.y.slice(0, count),
      rangeM: this.range.slice(0, count),
      intensity: this.intensity.slice(0, count),
      ...(points.originXM === undefined ? {} : { originXM: points.originXM, originYM: points.originYM ?? 0 }),
    };
  }
}
