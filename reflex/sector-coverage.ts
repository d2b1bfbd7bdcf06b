import type { LidarPoints } from '../messages/lidar-points.js';
import type { BlindSector } from './reflex-types.js';

/** Sectors of the lidar's view; 5° each. */
export const SECTOR_COUNT = 72;

function sectorOf(bearingRad: number): number {
  const turns = bearingRad / (2 * Math.PI);
  const frac = turns - Math.floor(turns);
  return Math.min(SECTOR_COUNT - 1, Math.floor(frac * SECTOR_COUNT));
}

/**
 * When each sector of a lidar's view was last measured: by a packet that arrived whole and valid,
 * whether its beams found a return or not. A sector whose packets are lost (corrupted, dropped) ages,
 * however fresh the newest packet is. Sectors are robot-frame bearings around the sensor's origin.
 */
export class SectorCoverage {
  private readonly seenUs = new Float64Array(SECTOR_COUNT).fill(-Infinity);
  private complete = false;
  private originXM = 0;
  private originYM = 0;

  /**
   * Marks what one packet covered: the arc between its first and last beam (the shorter way round; a
   * whole turn when they are 2π or more apart), or, when the packet does not say, its points' bearings.
   */
  record(points: LidarPoints): void {
    if (points.originXM !== undefined && points.originYM !== undefined) {
      this.originXM = points.originXM;
      this.originYM = points.originYM;
    }
    const { sweepFirstRad: first, sweepLastRad: last } = points;
    if (first !== undefined && last !== undefined) {
      if (Math.abs(last - first) >= 2 * Math.PI) {
        this.seenUs.fill(points.stampUs);
        return;
      }
      let span = last - first;
      span -= 2 * Math.PI * Math.round(span / (2 * Math.PI));
      const from = span >= 0 ? first : first + span;
      // Every sector the packet's arc reaches into counts as measured.
      const start = sectorOf(from);
      const end = sectorOf(from + Math.abs(span));
      const sectors = (end - start + SECTOR_COUNT) % SECTOR_COUNT;
      for (let k = 0; k <= sectors; k++) this.seenUs[(start + k) % SECTOR_COUNT] = points.stampUs;
      return;
    }
    for (let i = 0; i < points.count; i++) {
      const bearing = Math.atan2((points.yM[i] ?? 0) - this.originYM, (points.xM[i] ?? 0) - this.originXM);
      this.seenUs[sectorOf(bearing)] = points.stampUs;
    }
  }

  /** The first sector never measured since start, or -1 once the whole view has been (after the first revolution). */
  firstNeverMeasured(): number {
    if (this.complete) return -1;
    const i = this.seenUs.indexOf(-Infinity);
    if (i < 0) this.complete = true;
    return i;
  }

  /** The sector holding robot-frame point (xM, yM), seen from the sensor. */
  sectorAt(xM: number, yM: number): number {
    return sectorOf(Math.atan2(yM - this.originYM, xM - this.originXM));
  }

  /** Whether every sector was measured within `maxAgeUs` of `nowUs` (then no path can cross a blind one). */
  allFresh(nowUs: number, maxAgeUs: number): boolean {
    const since = nowUs - maxAgeUs;
    for (let i = 0; i < SECTOR_COUNT; i++) if (this.seenUs[i]! < since) return false;
    return true;
  }

  /** Whether `sector` was measured within `maxAgeUs` of `nowUs`. */
  isFresh(sector: number, nowUs: number, maxAgeUs: number): boolean {
    return nowUs - (this.seenUs[sector] ?? -Infinity) <= maxAgeUs;
  }

  /** `sector` described for a trip reason. */
  describe(sector: number, nowUs: number): BlindSector {
    const seen = this.seenUs[sector] ?? -Infinity;
    const fromDeg = Math.round((sector * 360) / SECTOR_COUNT);
    const wrap = (deg: number): number => (deg > 180 ? deg - 360 : deg);
    return {
      fromDeg: wrap(fromDeg),
      toDeg: wrap(fromDeg + 360 / SECTOR_COUNT),
      ageMs: Number.isFinite(seen) ? Math.round((nowUs - seen) / 1000) : null,
    };
  }
}
