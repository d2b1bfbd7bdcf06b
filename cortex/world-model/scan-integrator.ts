import { LOG_ODDS_HIT, LOG_ODDS_MISS, type OccupancyGrid } from './occupancy-grid.js';

/**
 * Casts one beam through the grid from (x0, y0) to (x1, y1), world metres: every cell the beam
 * crosses before its end loses {@link LOG_ODDS_MISS}, the end cell gains {@link LOG_ODDS_HIT}
 * when `hit` (a return there; a beam cut short at the mapping range only clears). Amanatides–Woo
 * traversal, no allocation.
 */
export function castBeam(grid: OccupancyGrid, x0: number, y0: number, x1: number, y1: number, hit: boolean): void {
  const gx0 = grid.gridX(x0, y0);
  const gy0 = grid.gridY(x0, y0);
  const gx1 = grid.gridX(x1, y1);
  const gy1 = grid.gridY(x1, y1);
  const w = grid.widthCells;
  const h = grid.heightCells;
  let cx = Math.floor(gx0);
  let cy = Math.floor(gy0);
  const ex = Math.floor(gx1);
  const ey = Math.floor(gy1);
  const dx = gx1 - gx0;
  const dy = gy1 - gy0;
  const stepX = dx > 0 ? 1 : -1;
  const stepY = dy > 0 ? 1 : -1;
  const tDeltaX = dx !== 0 ? Math.abs(1 / dx) : Infinity;
  const tDeltaY = dy !== 0 ? Math.abs(1 / dy) : Infinity;
  let tMaxX = dx !== 0 ? (dx > 0 ? cx + 1 - gx0 : gx0 - cx) * tDeltaX : Infinity;
  let tMaxY = dy !== 0 ? (dy > 0 ? cy + 1 - gy0 : gy0 - cy) * tDeltaY : Infinity;
  const maxSteps = Math.abs(ex - cx) + Math.abs(ey - cy);
  for (let n = 0; n < maxSteps; n++) {
    if (cx >= 0 && cy >= 0 && cx < w && cy < h) grid.update(cy * w + cx, LOG_ODDS_MISS);
    if (tMaxX < tMaxY) {
      tMaxX += tDeltaX;
      cx += stepX;
    } else {
      tMaxY += tDeltaY;
      cy += stepY;
    }
  }
  if (hit && ex >= 0 && ey >= 0 && ex < w && ey < h) grid.update(ey * w + ex, LOG_ODDS_HIT);
}

/** Points of one revolution, placed in the world: sensor origin and each return's world position. */
export interface WorldScan {
  originXM: number;
  originYM: number;
  count: number;
  xM: Float32Array;
  yM: Float32Array;
}

/**
 * Free space along a beam stops this far short of its return, in cells: a noisy return slightly
 * beyond a surface, or a beam grazing it, must not clear the surface's own cells (that would
 * wear walls seen at a shallow angle away and shift the map).
 */
const FREE_MARGIN_CELLS = 1.5;

/** A body that moves (a peer robot, where the mesh says it is): a return on it is not a wall. */
export interface MovingDisc {
  xM: number;
  yM: number;
  radiusM: number;
}

function onMovingBody(x: number, y: number, bodies: readonly MovingDisc[]): boolean {
  for (const body of bodies) {
    if ((x - body.xM) ** 2 + (y - body.yM) ** 2 <= body.radiusM ** 2) return true;
  }
  return false;
}

/**
 * Integrates one revolution into the grid: free space along each beam up to a cell and a half
 * short of its return, occupied at the return. Returns farther than `maxRangeM` only clear the
 * cells up to that range. A return on one of `moving` (a peer's body) clears the way to it but
 * marks nothing: the map keeps what stays, the mesh says where the peers are.
 */
export function integrateScan(
  grid: OccupancyGrid,
  scan: WorldScan,
  maxRangeM: number,
  moving: readonly MovingDisc[] = [],
): void {
  const ox = scan.originXM;
  const oy = scan.originYM;
  const margin = FREE_MARGIN_CELLS * grid.resolutionM;
  for (let i = 0; i < scan.count; i++) {
    const x = scan.xM[i] ?? ox;
    const y = scan.yM[i] ?? oy;
    const range = Math.hypot(x - ox, y - oy);
    if (range <= maxRangeM) {
      const free = Math.max(0, range - margin) / Math.max(range, 1e-9);
      castBeam(grid, ox, oy, ox + (x - ox) * free, oy + (y - oy) * free, false);
      if (moving.length > 0 && onMovingBody(x, y, moving)) continue;
      const cell = grid.indexAt(x, y);
      if (cell >= 0) grid.update(cell, LOG_ODDS_HIT);
    } else {
      castBeam(grid, ox, oy, ox + ((x - ox) * maxRangeM) / range, oy + ((y - oy) * maxRangeM) / range, false);
    }
  }
}
