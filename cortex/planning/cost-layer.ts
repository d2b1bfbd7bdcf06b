import type { OccupancyGrid } from '../world-model/occupancy-grid.js';

/** Cost of a cell the footprint cannot be in (an obstacle within the robot's radius). */
export const LETHAL_COST = 254;

/**
 * The inflated cost layer the planner searches: `Uint8Array` over the grid's cells, 0 on open
 * ground, {@link LETHAL_COST} wherever the robot's centre would put its footprint (the circle of
 * `robotRadiusM` around it) on an occupied cell, and falling linearly from 253 to 1 out to
 * `inflationRadiusM` beyond that, so paths keep off walls where there is room. Unknown cells are
 * open ground (the robot explores). Rebuilt by stamping a precomputed kernel at every occupied cell.
 */
export class CostLayer {
  readonly costs: Uint8Array;
  /** The grid version the costs were built from. */
  builtFrom = -1;
  private readonly offsetsX: Int32Array;
  private readonly offsetsY: Int32Array;
  private readonly values: Uint8Array;

  constructor(
    private readonly grid: OccupancyGrid,
    robotRadiusM: number,
    inflationRadiusM: number,
  ) {
    this.costs = new Uint8Array(grid.size);
    const res = grid.resolutionM;
    const reach = Math.ceil((robotRadiusM + inflationRadiusM) / res);
    const xs: number[] = [];
    const ys: number[] = [];
    const vs: number[] = [];
    for (let dy = -reach; dy <= reach; dy++) {
      for (let dx = -reach; dx <= reach; dx++) {
        const d = Math.hypot(dx, dy) * res;
        let value: number;
        if (d <= robotRadiusM) value = LETHAL_COST;
        else if (inflationRadiusM > 0 && d <= robotRadiusM + inflationRadiusM)
          value = Math.max(1, Math.round(253 * (1 - (d - robotRadiusM) / inflationRadiusM)));
        else continue;
        xs.push(dx);
        ys.push(dy);
        vs.push(value);
      }
    }
    this.offsetsX = Int32Array.from(xs);
    this.offsetsY = Int32Array.from(ys);
    this.values = Uint8Array.from(vs);
  }

  /** Brings the costs up to date with the grid (nothing to do when it has not changed). */
  update(): void {
    if (this.builtFrom === this.grid.version) return;
    this.builtFrom = this.grid.version;
    const { costs, grid } = this;
    const w = grid.widthCells;
    const h = grid.heightCells;
    costs.fill(0);
    const n = this.values.length;
    for (let i = 0; i < grid.size; i++) {
      if (!grid.isOccupied(i)) continue;
      const cx = i % w;
      const cy = (i - cx) / w;
      for (let k = 0; k < n; k++) {
        const x = cx + (this.offsetsX[k] as number);
        const y = cy + (this.offsetsY[k] as number);
        if (x < 0 || y < 0 || x >= w || y >= h) continue;
        const j = y * w + x;
        const v = this.values[k] as number;
        if (v > (costs[j] as number)) costs[j] = v;
      }
    }
  }
}
