import type { OccupancyGrid } from '../world-model/occupancy-grid.js';

/** Cost of a cell the footprint cannot be in (an obstacle within the robot's radius). */
export const LETHAL_COST = 254;

/**
 * The cost of a cell `beyondM` beyond the robot's radius from the nearest occupied cell: falling
 * linearly from 253 next to the lethal disc to 1 at `inflationRadiusM`, 0 farther out.
 */
export function inflatedCost(beyondM: number, inflationRadiusM: number): number {
  if (beyondM <= 0) return LETHAL_COST - 1;
  if (inflationRadiusM <= 0 || beyondM > inflationRadiusM) return 0;
  return Math.max(1, Math.round(253 * (1 - beyondM / inflationRadiusM)));
}

/** Side of the square tiles the cost layer is rebuilt in, cells. */
export const COST_TILE_CELLS = 32;

/**
 * The inflated cost layer the planner searches: `Uint8Array` over the grid's cells, 0 on open
 * ground, {@link LETHAL_COST} wherever the robot's centre would put its footprint (the circle of
 * `robotRadiusM` around it) on an occupied cell, and falling linearly from 253 to 1 out to
 * `inflationRadiusM` beyond that, so paths keep off walls where there is room. Unknown cells are
 * open ground (the robot explores).
 *
 * The costs are kept in tiles of {@link COST_TILE_CELLS} cells: a cell that changes between free
 * and occupied ({@link changed}) marks the tiles within the kernel's reach of it, and
 * {@link update} rebuilds only those (clear the tile, stamp the precomputed kernel of every
 * occupied cell within reach, clipped to the tile), at most a budget of tiles per call, so neither
 * the first build of a large map nor a busy revolution holds the cortex's cycle. Once every marked
 * tile is rebuilt the costs are exactly those a build from scratch gives.
 */
export class CostLayer {
  readonly costs: Uint8Array;
  /** The grid version the costs were last brought up to date with (-1: never built). */
  builtFrom = -1;
  private readonly offsetsX: Int32Array;
  private readonly offsetsY: Int32Array;
  private readonly values: Uint8Array;
  /** The kernel's reach, cells. */
  private readonly reach: number;
  private readonly tilesX: number;
  private readonly tilesY: number;
  /** 1 for a tile whose costs are out of date. */
  private readonly dirty: Uint8Array;
  /** The out-of-date tiles in the order they were marked: a ring of `pending` entries from `head` (each tile at most once). */
  private readonly queue: Int32Array;
  private head = 0;
  private pending = 0;

  constructor(
    private readonly grid: OccupancyGrid,
    robotRadiusM: number,
    inflationRadiusM: number,
  ) {
    this.costs = new Uint8Array(grid.size);
    const res = grid.resolutionM;
    const reach = Math.ceil((robotRadiusM + inflationRadiusM) / res);
    this.reach = reach;
    const xs: number[] = [];
    const ys: number[] = [];
    const vs: number[] = [];
    for (let dy = -reach; dy <= reach; dy++) {
      for (let dx = -reach; dx <= reach; dx++) {
        const d = Math.hypot(dx, dy) * res;
        let value: number;
        if (d <= robotRadiusM) value = LETHAL_COST;
        else if (inflationRadiusM > 0 && d <= robotRadiusM + inflationRadiusM)
          value = inflatedCost(d - robotRadiusM, inflationRadiusM);
        else continue;
        xs.push(dx);
        ys.push(dy);
        vs.push(value);
      }
    }
    this.offsetsX = Int32Array.from(xs);
    this.offsetsY = Int32Array.from(ys);
    this.values = Uint8Array.from(vs);
    this.tilesX = Math.ceil(grid.widthCells / COST_TILE_CELLS);
    this.tilesY = Math.ceil(grid.heightCells / COST_TILE_CELLS);
    this.dirty = new Uint8Array(this.tilesX * this.tilesY);
    this.queue = new Int32Array(this.tilesX * this.tilesY);
    // The costs start at zero, right wherever no occupied cell is within reach: only the tiles around occupied cells (a prior map's) need building.
    for (let i = 0; i < grid.size; i++) if (grid.isOccupied(i)) this.changed(i);
  }

  /** Tiles still to rebuild before the costs match the grid. */
  get tilesPending(): number {
    return this.pending;
  }

  /** Cell `index` changed between free and occupied: the tiles within the kernel's reach of it are out of date. */
  changed(index: number): void {
    const w = this.grid.widthCells;
    const cx = index % w;
    const cy = (index - cx) / w;
    const tx0 = Math.max(0, Math.floor((cx - this.reach) / COST_TILE_CELLS));
    const tx1 = Math.min(this.tilesX - 1, Math.floor((cx + this.reach) / COST_TILE_CELLS));
    const ty0 = Math.max(0, Math.floor((cy - this.reach) / COST_TILE_CELLS));
    const ty1 = Math.min(this.tilesY - 1, Math.floor((cy + this.reach) / COST_TILE_CELLS));
    for (let ty = ty0; ty <= ty1; ty++) for (let tx = tx0; tx <= tx1; tx++) this.markTile(ty * this.tilesX + tx);
  }

  /**
   * Rebuilds at most `maxTiles` out-of-date tiles (all of them by default); true when none is left,
   * the costs then matching the grid's occupied cells.
   */
  update(maxTiles = Infinity): boolean {
    for (let budget = maxTiles; this.pending > 0 && budget > 0; budget--) {
      const tile = this.queue[this.head] as number;
      this.head = (this.head + 1) % this.queue.length;
      this.pending--;
      this.dirty[tile] = 0;
      this.rebuildTile(tile);
    }
    if (this.pending > 0) return false;
    this.builtFrom = this.grid.version;
    return true;
  }

  private markTile(tile: number): void {
    if (this.dirty[tile] === 1) return;
    this.dirty[tile] = 1;
    this.queue[(this.head + this.pending) % this.queue.length] = tile;
    this.pending++;
  }

  private rebuildTile(tile: number): void {
    const { costs, grid, reach } = this;
    const w = grid.widthCells;
    const h = grid.heightCells;
    const tx = tile % this.tilesX;
    const ty = (tile - tx) / this.tilesX;
    const x0 = tx * COST_TILE_CELLS;
    const y0 = ty * COST_TILE_CELLS;
    const x1 = Math.min(w, x0 + COST_TILE_CELLS);
    const y1 = Math.min(h, y0 + COST_TILE_CELLS);
    for (let y = y0; y < y1; y++) costs.fill(0, y * w + x0, y * w + x1);
    const ox0 = Math.max(0, x0 - reach);
    const ox1 = Math.min(w, x1 + reach);
    const oy0 = Math.max(0, y0 - reach);
    const oy1 = Math.min(h, y1 + reach);
    const n = this.values.length;
    for (let cy = oy0; cy < oy1; cy++) {
      for (let cx = ox0; cx < ox1; cx++) {
        if (!grid.isOccupied(cy * w + cx)) continue;
        for (let k = 0; k < n; k++) {
          const x = cx + (this.offsetsX[k] as number);
          const y = cy + (this.offsetsY[k] as number);
          if (x < x0 || y < y0 || x >= x1 || y >= y1) continue;
          const j = y * w + x;
          const v = this.values[k] as number;
          if (v > (costs[j] as number)) costs[j] = v;
        }
      }
    }
  }
}
