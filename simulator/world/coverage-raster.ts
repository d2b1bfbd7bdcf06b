import type { Point2D } from '../../messages/geometry.js';
import { boundsOf, convexHull, type Polygon } from './geometry.js';

/**
 * How much of an area a robot's footprint has swept, as the simulator's ground truth measures it:
 * the area rasterised into square cells, a cell counting as in the area when its centre is inside
 * the polygon (even-odd), and as covered once its centre has been inside a swept shape.
 */

/** Default cell edge, metres. */
export const DEFAULT_COVERAGE_CELL_M = 0.02;
/** Default most cells a raster holds (one byte each): a 40 m x 40 m area at 2 cm. */
export const DEFAULT_COVERAGE_MAX_CELLS = 4_000_000;

/** A cell's state (a cell outside the area stays 0). */
const UNCOVERED = 1;
const COVERED = 2;

export interface CoverageRasterOptions {
  /** Cell edge, metres (default {@link DEFAULT_COVERAGE_CELL_M}); coarser when the area would need more than `maxCells`. */
  cellM?: number;
  /** Most cells the raster may hold (default {@link DEFAULT_COVERAGE_MAX_CELLS}), so memory stays bounded however large the area. */
  maxCells?: number;
}

/**
 * x where the horizontal line y = `yM` crosses each edge of the polygon (half-open in y, so a
 * corner on the line counts once), in no particular order.
 */
function rowCrossings(polygon: Polygon, yM: number, out: number[]): number[] {
  out.length = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[j]!;
    const b = polygon[i]!;
    if (a.yM > yM !== b.yM > yM) out.push(a.xM + ((yM - a.yM) * (b.xM - a.xM)) / (b.yM - a.yM));
  }
  return out;
}

/** A coverage raster over one area. */
export class CoverageRaster {
  /** Cell edge actually used, metres. */
  readonly cellM: number;
  /** Cells whose centre is inside the area. */
  readonly areaCells: number;
  private readonly originXM: number;
  private readonly originYM: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly cells: Uint8Array;
  private covered = 0;
  private readonly crossings: number[] = [];

  constructor(area: Polygon, options: CoverageRasterOptions = {}) {
    const box = boundsOf(area);
    if (!box || area.length < 3) throw new RangeError('CoverageRaster: the area needs at least 3 corners');
    const maxCells = options.maxCells ?? DEFAULT_COVERAGE_MAX_CELLS;
    const wanted = options.cellM ?? DEFAULT_COVERAGE_CELL_M;
    if (!(wanted > 0)) throw new RangeError(`CoverageRaster: cellM must be > 0, got ${options.cellM}`);
    if (!(maxCells >= 1)) throw new RangeError(`CoverageRaster: maxCells must be >= 1, got ${options.maxCells}`);
    const widthM = box.maxXM - box.minXM;
    const heightM = box.maxYM - box.minYM;
    // The wanted cell edge, or the one at which the bounding box (rounded up to whole cells) fits in maxCells.
    let cellM = Math.max(wanted, Math.sqrt((widthM * heightM) / maxCells));
    while (Math.ceil(widthM / cellM) * Math.ceil(heightM / cellM) > maxCells) cellM *= 1.01;
    this.cellM = cellM;
    this.cols = Math.max(1, Math.ceil(widthM / cellM));
    this.rows = Math.max(1, Math.ceil(heightM / cellM));
    this.originXM = box.minXM;
    this.originYM = box.minYM;
    this.cells = new Uint8Array(this.cols * this.rows);
    let inside = 0;
    for (let row = 0; row < this.rows; row++) {
      const xs = rowCrossings(area, this.originYM + (row + 0.5) * cellM, this.crossings).sort((p, q) => p - q);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        const [from, to] = this.colRange(xs[k]!, xs[k + 1]!);
        for (let col = from; col <= to; col++) this.cells[row * this.cols + col] = UNCOVERED;
        inside += Math.max(0, to - from + 1);
      }
    }
    this.areaCells = inside;
  }

  /** The area's cells in m² (cells times a cell's area). */
  get areaM2(): number {
    return this.areaCells * this.cellM * this.cellM;
  }

  /** The covered cells in m². */
  get coveredM2(): number {
    return this.covered * this.cellM * this.cellM;
  }

  /** Share of the area's cells covered so far, percent (0..100); 0 when the area holds no cell centre. */
  get coveragePct(): number {
    return this.areaCells === 0 ? 0 : (100 * this.covered) / this.areaCells;
  }

  /**
   * Marks as covered the area's cells whose centres lie inside the convex polygon `shape`. Only
   * the rows of the shape's bounding box are visited, and in each only the cells between the two
   * places where the row's centre line crosses the shape.
   */
  markConvex(shape: Polygon): void {
    const box = boundsOf(shape);
    if (!box) return;
    const firstRow = Math.max(0, Math.ceil((box.minYM - this.originYM) / this.cellM - 0.5));
    const lastRow = Math.min(this.rows - 1, Math.floor((box.maxYM - this.originYM) / this.cellM - 0.5));
    for (let row = firstRow; row <= lastRow; row++) {
      const xs = rowCrossings(shape, this.originYM + (row + 0.5) * this.cellM, this.crossings);
      if (xs.length < 2) continue;
      const [from, to] = this.colRange(Math.min(...xs), Math.max(...xs));
      const base = row * this.cols;
      for (let col = from; col <= to; col++) {
        if (this.cells[base + col] === UNCOVERED) {
          this.cells[base + col] = COVERED;
          this.covered++;
        }
      }
    }
  }

  /** Whether the cell holding `p` is in the area and covered (false outside the raster). */
  isCovered(p: Point2D): boolean {
    const col = Math.floor((p.xM - this.originXM) / this.cellM);
    const row = Math.floor((p.yM - this.originYM) / this.cellM);
    if (col < 0 || row < 0 || col >= this.cols || row >= this.rows) return false;
    return this.cells[row * this.cols + col] === COVERED;
  }

  /** The columns whose cell centres lie within [fromXM, toXM], clamped to the raster (empty: from > to). */
  private colRange(fromXM: number, toXM: number): [number, number] {
    const from = Math.max(0, Math.ceil((fromXM - this.originXM) / this.cellM - 0.5));
    const to = Math.min(this.cols - 1, Math.floor((toXM - this.originXM) / this.cellM - 0.5));
    return [from, to];
  }
}

/**
 * A footprint's swept coverage of an area: at each update, the cells of the region the footprint
 * swept since the last update are marked, taken as the convex hull of its outline then and now.
 * For a straight move that is exactly the swept region, so however far it moved in one step it
 * leaves no gap; in a 1 ms physics step a turn moves the footprint so little that the hull's
 * excess over the true (slightly curved) swept region is far below a cell.
 */
export class SweptFootprintCoverage {
  private previous: Polygon | null = null;

  constructor(readonly raster: CoverageRaster) {}

  /** Marks what the footprint (a convex outline, world frame) swept since the last update; the first update marks the outline itself. */
  update(footprint: Polygon): void {
    this.raster.markConvex(this.previous ? convexHull([...this.previous, ...footprint]) : footprint);
    this.previous = footprint;
  }

  /** Share of the area covered so far, percent (0..100). */
  get coveragePct(): number {
    return this.raster.coveragePct;
  }
}
