import type { OccupancyGrid } from '../world-model/occupancy-grid.js';

/** How far the field reaches around an occupied cell, cells. */
const RADIUS_CELLS = 2;
/** Width of the field's bump around an occupied cell, cells. */
const SIGMA_CELLS = 1;

/**
 * The likelihood field scans are matched against: for each cell, how close it is to an occupied
 * cell, `exp(-d² / 2σ²)` of the distance to the nearest one within {@link RADIUS_CELLS} (1 on an
 * occupied cell, 0 far from any). Kept current cell by cell as the grid's cells change between
 * free and occupied, so matching never rebuilds it.
 */
export class MatchField {
  readonly values: Float32Array;
  private readonly kernel: Array<{ dx: number; dy: number; value: number }> = [];

  constructor(private readonly grid: OccupancyGrid) {
    this.values = new Float32Array(grid.size);
    for (let dy = -RADIUS_CELLS; dy <= RADIUS_CELLS; dy++) {
      for (let dx = -RADIUS_CELLS; dx <= RADIUS_CELLS; dx++) {
        const d2 = dx * dx + dy * dy;
        if (d2 <= RADIUS_CELLS * RADIUS_CELLS) {
          this.kernel.push({ dx, dy, value: Math.exp(-d2 / (2 * SIGMA_CELLS * SIGMA_CELLS)) });
        }
      }
    }
    for (let i = 0; i < grid.size; i++) if (grid.isOccupied(i)) this.changed(i, true);
  }

  /** Cell `index` became occupied (raise its neighbourhood) or free (work its neighbourhood out again). */
  changed(index: number, occupied: boolean): void {
    const w = this.grid.widthCells;
    const h = this.grid.heightCells;
    const cx = index % w;
    const cy = (index - cx) / w;
    for (const k of this.kernel) {
      const x = cx + k.dx;
      const y = cy + k.dy;
      if (x < 0 || y < 0 || x >= w || y >= h) continue;
      const j = y * w + x;
      if (occupied) {
        if (k.value > (this.values[j] ?? 0)) this.values[j] = k.value;
      } else {
        this.values[j] = this.recompute(x, y);
      }
    }
  }

  private recompute(x: number, y: number): number {
    const w = this.grid.widthCells;
    const h = this.grid.heightCells;
    let best = 0;
    for (const k of this.kernel) {
      const nx = x + k.dx;
      const ny = y + k.dy;
      if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
      if (k.value > best && this.grid.isOccupied(ny * w + nx)) best = k.value;
    }
    return best;
  }
}
