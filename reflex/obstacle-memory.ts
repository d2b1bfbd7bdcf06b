import type { Pose2D } from '../messages/geometry.js';
import type { LidarPoints } from '../messages/lidar-points.js';

/** Points stored per grid cell. */
const SLOTS_PER_CELL = 4;
/** Finest cell edge, metres; larger reaches use coarser cells so the grid stays at most {@link MAX_GRID} cells wide. */
const MIN_CELL_M = 0.025;
const MAX_GRID = 512;
/** A new return this close to a stored one refreshes it instead of taking another slot, metres. */
const SAME_POINT_M = 0.01;
/**
 * A beam proves a stored point gone only when it passes within this fraction of one beam step of it
 * (at the point's distance) and measures beyond it. Below one half, a neighbouring beam, one step
 * away, can never erase an obstacle one beam wide.
 */
const CLEARING_BEAM_FRACTION = 0.4;

/** Tuning of an {@link ObstacleMemory}. */
export interface ObstacleMemoryOptions {
  /** Returns farther than this from the robot are not kept, metres (the reflex's reach). */
  keepRadiusM: number;
  /** A stored point counts as seen-through only when a later beam measures at least this much beyond it, metres. */
  seeThroughM: number;
}

/**
 * Every obstacle return the reflex has seen recently, kept until a later beam shows its place free
 * or it ages out. Points live in the short-horizon odometry frame (the motion the reflex itself
 * commanded), so a point seen 200 ms ago is where it is now relative to the robot.
 *
 * Storage is a grid of cells that wraps around (a torus) in that frame, a few slots per cell, with a
 * dense list of the occupied slots: insertion, clearing and iteration cost nothing per point that is
 * not there, and nothing is allocated after construction. Unlike binning by bearing, a return never
 * replaces an older one elsewhere: a new return only refreshes a stored point within 1 cm of it, or
 * the oldest point of its own small cell, so a pole one beam wide survives every neighbouring beam.
 * Free space is ray-traced from the sensor's own origin: a beam that passes through a stored point
 * (within {@link CLEARING_BEAM_FRACTION} of a beam step) and returns from beyond it erases it.
 */
export class ObstacleMemory {
  private readonly cellM: number;
  private readonly grid: number;
  private readonly mask: number;
  private readonly xM: Float64Array;
  private readonly yM: Float64Array;
  private readonly stampUs: Float64Array;
  /**
   * Position of each slot in {@link active} plus one, 0 when the slot is empty: zero as allocated, so
   * its memory is touched only where slots fill (1 MB for the largest reach, none at rest).
   */
  private readonly activeAt: Int32Array;
  private readonly active: Int32Array;
  private activeCount = 0;
  /** Occupied slots per grid cell, so that a beam crosses empty cells at the cost of one read each. */
  private readonly cellCount: Uint8Array;
  private readonly keepRadiusM: number;
  private readonly seeThroughM: number;

  constructor(options: ObstacleMemoryOptions) {
    if (!(options.keepRadiusM > 0))
      throw new RangeError(`ObstacleMemory: keepRadiusM must be > 0, got ${options.keepRadiusM}`);
    this.keepRadiusM = options.keepRadiusM;
    this.seeThroughM = Math.max(0, options.seeThroughM);
    // The wrapped grid spans more than twice the kept radius, so two live points never share a cell by wrapping.
    const spanM = 2 * this.keepRadiusM + 1;
    let grid = 16;
    while (grid < MAX_GRID && grid * MIN_CELL_M < spanM) grid *= 2;
    this.grid = grid;
    this.mask = grid - 1;
    this.cellM = Math.max(MIN_CELL_M, spanM / grid);
    const slots = grid * grid * SLOTS_PER_CELL;
    this.xM = new Float64Array(slots);
    this.yM = new Float64Array(slots);
    this.stampUs = new Float64Array(slots);
    this.activeAt = new Int32Array(slots);
    this.active = new Int32Array(slots);
    this.cellCount = new Uint8Array(grid * grid);
  }

  /** Points held now (fresh or not yet aged out). */
  get size(): number {
    return this.activeCount;
  }

  /**
   * Takes in one packet's robot-frame returns, measured with the robot at `odom`: first clears what
   * its beams see through (when the packet says where its beams start and how far apart they are),
   * then stores its returns.
   */
  update(points: LidarPoints, odom: Pose2D): void {
    const c = Math.cos(odom.yawRad);
    const s = Math.sin(odom.yawRad);
    const { originXM, originYM, beamStepRad } = points;
    const robotX = odom.xM;
    const robotY = odom.yM;
    if (originXM !== undefined && originYM !== undefined && beamStepRad !== undefined && beamStepRad > 0) {
      const sx = robotX + originXM * c - originYM * s;
      const sy = robotY + originXM * s + originYM * c;
      for (let i = 0; i < points.count; i++) {
        const x = points.xM[i] ?? 0;
        const y = points.yM[i] ?? 0;
        this.clearBeam(sx, sy, robotX + x * c - y * s, robotY + x * s + y * c, beamStepRad, points.stampUs);
      }
    }
    for (let i = 0; i < points.count; i++) {
      const x = points.xM[i] ?? 0;
      const y = points.yM[i] ?? 0;
      if (x * x + y * y > this.keepRadiusM * this.keepRadiusM) continue;
      this.insert(robotX + x * c - y * s, robotY + x * s + y * c, points.stampUs);
    }
  }

  /**
   * Writes the points measured within `maxAgeUs` of `nowUs` and within `radiusM` of the robot into
   * `outX`/`outY`, robot frame at `odom`; drops the older ones for good. Returns how many were written
   * (at most the buffers' length).
   */
  collect(
    odom: Pose2D,
    nowUs: number,
    maxAgeUs: number,
    radiusM: number,
    outX: Float64Array,
    outY: Float64Array,
  ): number {
    const c = Math.cos(odom.yawRad);
    const s = Math.sin(odom.yawRad);
    const r2 = radiusM * radiusM;
    let n = 0;
    for (let i = 0; i < this.activeCount;) {
      const slot = this.active[i]!;
      if (nowUs - this.stampUs[slot]! > maxAgeUs) {
        this.remove(slot);
        continue; // the last active slot moved into position i
      }
      i++;
      const dx = this.xM[slot]! - odom.xM;
      const dy = this.yM[slot]! - odom.yM;
      if (dx * dx + dy * dy > r2 || n >= outX.length) continue;
      outX[n] = dx * c + dy * s;
      outY[n] = -dx * s + dy * c;
      n++;
    }
    return n;
  }

  /** Distance from the robot origin at `odom` to the nearest point measured within `maxAgeUs`, metres, or null. */
  nearestM(odom: Pose2D, nowUs: number, maxAgeUs: number): number | null {
    let best = Infinity;
    for (let i = 0; i < this.activeCount; i++) {
      const slot = this.active[i]!;
      if (nowUs - this.stampUs[slot]! > maxAgeUs) continue;
      best = Math.min(best, Math.hypot(this.xM[slot]! - odom.xM, this.yM[slot]! - odom.yM));
    }
    return Number.isFinite(best) ? best : null;
  }

  private cellOf(x: number, y: number): number {
    const ix = Math.floor(x / this.cellM) & this.mask;
    const iy = Math.floor(y / this.cellM) & this.mask;
    return (iy * this.grid + ix) * SLOTS_PER_CELL;
  }

  private insert(x: number, y: number, stampUs: number): void {
    const base = this.cellOf(x, y);
    let target = -1;
    let oldest = Infinity;
    for (let k = 0; k < SLOTS_PER_CELL; k++) {
      const slot = base + k;
      if (this.activeAt[slot] === 0) {
        if (oldest > -Infinity) {
          target = slot;
          oldest = -Infinity;
        }
        continue;
      }
      if (Math.abs(this.xM[slot]! - x) < SAME_POINT_M && Math.abs(this.yM[slot]! - y) < SAME_POINT_M) {
        target = slot;
        break;
      }
      // An empty slot first, then a point from the other side of the wrapped grid, then the cell's oldest.
      const stamp = this.sameCell(slot, x, y) ? this.stampUs[slot]! : -Infinity;
      if (stamp < oldest) {
        oldest = stamp;
        target = slot;
      }
    }
    this.xM[target] = x;
    this.yM[target] = y;
    this.stampUs[target] = stampUs;
    if (this.activeAt[target] === 0) {
      this.activeAt[target] = this.activeCount + 1;
      this.active[this.activeCount++] = target;
      this.cellCount[(target / SLOTS_PER_CELL) | 0]!++;
    }
  }

  private sameCell(slot: number, x: number, y: number): boolean {
    return (
      Math.floor(this.xM[slot]! / this.cellM) === Math.floor(x / this.cellM) &&
      Math.floor(this.yM[slot]! / this.cellM) === Math.floor(y / this.cellM)
    );
  }

  private remove(slot: number): void {
    const at = this.activeAt[slot]! - 1;
    if (at < 0) return;
    const last = this.active[--this.activeCount]!;
    this.active[at] = last;
    this.activeAt[last] = at + 1;
    this.activeAt[slot] = 0;
    this.cellCount[(slot / SLOTS_PER_CELL) | 0]!--;
  }

  /**
   * Erases the stored points older than `stampUs` that the beam from (sx, sy) to its return at
   * (ex, ey) passed through: walks the grid cells along the beam up to `seeThroughM` short of the return.
   */
  private clearBeam(sx: number, sy: number, ex: number, ey: number, beamStepRad: number, stampUs: number): void {
    const dx = ex - sx;
    const dy = ey - sy;
    const range = Math.hypot(dx, dy);
    const reach = Math.min(range - this.seeThroughM, this.keepRadiusM);
    if (!(reach > 0)) return;
    const ux = dx / range;
    const uy = dy / range;
    const tolerancePerM = CLEARING_BEAM_FRACTION * beamStepRad;
    // Grid traversal (Amanatides & Woo) from the sensor to `reach` along the beam.
    const cell = this.cellM;
    let ix = Math.floor(sx / cell);
    let iy = Math.floor(sy / cell);
    const stepX = ux > 0 ? 1 : -1;
    const stepY = uy > 0 ? 1 : -1;
    const tDeltaX = ux !== 0 ? Math.abs(cell / ux) : Infinity;
    const tDeltaY = uy !== 0 ? Math.abs(cell / uy) : Infinity;
    let tMaxX = ux !== 0 ? ((ux > 0 ? ix + 1 : ix) * cell - sx) / ux : Infinity;
    let tMaxY = uy !== 0 ? ((uy > 0 ? iy + 1 : iy) * cell - sy) / uy : Infinity;
    // A point within the tolerance of the beam lies in a cell the beam crosses or in its neighbour across the beam.
    const acrossX = Math.abs(ux) < Math.abs(uy) ? 1 : 0;
    const acrossY = 1 - acrossX;
    for (let guard = 0; guard < 4 * MAX_GRID; guard++) {
      for (let side = -1; side <= 1; side++) {
        const cx = (ix + side * acrossX) & this.mask;
        const cy = (iy + side * acrossY) & this.mask;
        const cellIndex = cy * this.grid + cx;
        if (this.cellCount[cellIndex] === 0) continue;
        const base = cellIndex * SLOTS_PER_CELL;
        for (let k = 0; k < SLOTS_PER_CELL; k++) {
          const slot = base + k;
          if (this.activeAt[slot] === 0 || this.stampUs[slot]! >= stampUs) continue;
          const px = this.xM[slot]! - sx;
          const py = this.yM[slot]! - sy;
          const along = px * ux + py * uy;
          if (along <= 0 || along > reach) continue;
          if (Math.abs(px * uy - py * ux) <= tolerancePerM * along) this.remove(slot);
        }
      }
      if (Math.min(tMaxX, tMaxY) > reach) return;
      if (tMaxX < tMaxY) {
        tMaxX += tDeltaX;
        ix += stepX;
      } else {
        tMaxY += tDeltaY;
        iy += stepY;
      }
    }
  }
}
