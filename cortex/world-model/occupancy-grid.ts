import type { Pose2D } from '../../messages/geometry.js';
import { CELL_UNKNOWN, type OccupancyGridMessage } from '../../messages/occupancy-grid.js';

/** Log-odds added by a return in a cell, and by a beam passing through it. */
export const LOG_ODDS_HIT = 0.85;
export const LOG_ODDS_MISS = -0.4;
/** Bounds of a cell's log-odds: a cell never becomes so certain that it cannot be cleared. */
export const LOG_ODDS_MIN = -2;
export const LOG_ODDS_MAX = 3.5;
/** Above this log-odds a cell counts as occupied (probability about 0.62). */
export const LOG_ODDS_OCCUPIED = 0.5;

/**
 * The world model's log-odds occupancy grid over typed arrays: a `Float32Array` of log-odds per
 * cell (0: never observed), placed in the world at `origin` (the lower-left corner of cell 0,
 * turned by its yaw). Updates go through {@link update}, which reports each cell that changes
 * between free and occupied to the listener (the match field and the cost layer follow it).
 */
export class OccupancyGrid {
  readonly logOdds: Float32Array;
  readonly size: number;
  /** Grows with every change of a cell's occupied state. */
  version = 0;
  private readonly cos: number;
  private readonly sin: number;
  private occupiedListener: (index: number, occupied: boolean) => void = () => undefined;

  constructor(
    readonly widthCells: number,
    readonly heightCells: number,
    readonly resolutionM: number,
    readonly origin: Pose2D,
  ) {
    if (!(widthCells > 0 && heightCells > 0 && resolutionM > 0)) throw new RangeError('OccupancyGrid: bad size');
    this.size = widthCells * heightCells;
    this.logOdds = new Float32Array(this.size);
    this.cos = Math.cos(origin.yawRad);
    this.sin = Math.sin(origin.yawRad);
  }

  /** A grid `sizeM` on a side centred on `centre` (x, y), axis-aligned. */
  static centredOn(centre: { xM: number; yM: number }, sizeM: number, resolutionM: number): OccupancyGrid {
    const cells = Math.ceil(sizeM / resolutionM);
    const half = (cells * resolutionM) / 2;
    return new OccupancyGrid(cells, cells, resolutionM, { xM: centre.xM - half, yM: centre.yM - half, yawRad: 0 });
  }

  /** A grid holding `message`'s cells (unknown stays 0, free and occupied become strong log-odds). */
  static fromMessage(message: OccupancyGridMessage): OccupancyGrid {
    const grid = new OccupancyGrid(message.widthCells, message.heightCells, message.resolutionM, message.origin);
    for (let i = 0; i < grid.size; i++) {
      const value = message.cells[i] ?? CELL_UNKNOWN;
      if (value === CELL_UNKNOWN) continue;
      const p = Math.min(0.99, Math.max(0.01, value / 100));
      grid.logOdds[i] = Math.max(LOG_ODDS_MIN, Math.min(LOG_ODDS_MAX, Math.log(p / (1 - p))));
    }
    grid.version = 1;
    return grid;
  }

  onOccupiedChange(listener: (index: number, occupied: boolean) => void): void {
    this.occupiedListener = listener;
  }

  /** Grid coordinates (cells, continuous) of a world point. */
  gridX(xM: number, yM: number): number {
    return (this.cos * (xM - this.origin.xM) + this.sin * (yM - this.origin.yM)) / this.resolutionM;
  }

  gridY(xM: number, yM: number): number {
    return (-this.sin * (xM - this.origin.xM) + this.cos * (yM - this.origin.yM)) / this.resolutionM;
  }

  /** World x, y of the centre of cell (cx, cy). */
  cellCentre(cx: number, cy: number): { xM: number; yM: number } {
    const gx = (cx + 0.5) * this.resolutionM;
    const gy = (cy + 0.5) * this.resolutionM;
    return { xM: this.origin.xM + this.cos * gx - this.sin * gy, yM: this.origin.yM + this.sin * gx + this.cos * gy };
  }

  /** The cell index holding the world point, or -1 outside the grid. */
  indexAt(xM: number, yM: number): number {
    const cx = Math.floor(this.gridX(xM, yM));
    const cy = Math.floor(this.gridY(xM, yM));
    return cx < 0 || cy < 0 || cx >= this.widthCells || cy >= this.heightCells ? -1 : cy * this.widthCells + cx;
  }

  isOccupied(index: number): boolean {
    return (this.logOdds[index] ?? 0) > LOG_ODDS_OCCUPIED;
  }

  /** Adds `delta` log-odds to a cell (clamped), telling the listener when it changes between free and occupied. */
  update(index: number, delta: number): void {
    const before = this.logOdds[index] ?? 0;
    const after = Math.max(LOG_ODDS_MIN, Math.min(LOG_ODDS_MAX, before + delta));
    this.logOdds[index] = after;
    const was = before > LOG_ODDS_OCCUPIED;
    const is = after > LOG_ODDS_OCCUPIED;
    if (was !== is) {
      this.version++;
      this.occupiedListener(index, is);
    }
  }

  /** True when cell `index` has been seen free: observed, and more often passed through than hit. */
  isKnownFree(index: number): boolean {
    return (this.logOdds[index] ?? 0) < 0;
  }

  /** The grid as a message: -1 never observed, else the occupancy in percent. */
  toMessage(): OccupancyGridMessage {
    const cells = new Int8Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const l = this.logOdds[i] ?? 0;
      cells[i] = l === 0 ? CELL_UNKNOWN : Math.round(100 - 100 / (1 + Math.exp(l)));
    }
    return {
      resolutionM: this.resolutionM,
      widthCells: this.widthCells,
      heightCells: this.heightCells,
      origin: { ...this.origin },
      cells,
      version: this.version,
    };
  }
}
