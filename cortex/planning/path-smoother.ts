/**
 * Shortens a grid path by cutting corners where the straight line between two of its cells
 * crosses no cell costlier than the costliest cell of the stretch it replaces (and none at or
 * above `blockedFrom`): the smoothed path never runs closer to an obstacle than the planned one
 * did, so it never cuts through inflated cells. Returns the kept cells, start and goal included.
 */
export function smoothPath(cells: Int32Array, widthCells: number, costs: Uint8Array, blockedFrom: number): Int32Array {
  if (cells.length <= 2) return cells.slice();
  const kept: number[] = [cells[0] as number];
  let anchor = 0;
  while (anchor < cells.length - 1) {
    let best = anchor + 1;
    let stretchMax = costs[cells[anchor] as number] as number;
    for (let j = anchor + 1; j < cells.length; j++) {
      stretchMax = Math.max(stretchMax, costs[cells[j] as number] as number);
      if (
        lineWithin(
          cells[anchor] as number,
          cells[j] as number,
          widthCells,
          costs,
          Math.min(stretchMax, blockedFrom - 1),
        )
      )
        best = j;
    }
    kept.push(cells[best] as number);
    anchor = best;
  }
  return Int32Array.from(kept);
}

/** Whether every cell the segment between two cells' centres touches costs at most `limit` (supercover walk). */
export function lineWithin(from: number, to: number, widthCells: number, costs: Uint8Array, limit: number): boolean {
  let x = from % widthCells;
  let y = (from - x) / widthCells;
  const x1 = to % widthCells;
  const y1 = (to - x1) / widthCells;
  const dx = Math.abs(x1 - x);
  const dy = Math.abs(y1 - y);
  const sx = x1 > x ? 1 : -1;
  const sy = y1 > y ? 1 : -1;
  let error = dx - dy;
  const steps = dx + dy;
  for (let n = 0; n <= steps; n++) {
    if ((costs[y * widthCells + x] as number) > limit) return false;
    const e2 = 2 * error;
    if (e2 > -dy && e2 < dx) {
      // The line passes a corner exactly: both cells beside it must be within the limit too.
      if ((costs[y * widthCells + x + sx] as number) > limit || (costs[(y + sy) * widthCells + x] as number) > limit)
        return false;
      error += -dy + dx;
      x += sx;
      y += sy;
      n++;
    } else if (e2 > -dy) {
      error -= dy;
      x += sx;
    } else {
      error += dx;
      y += sy;
    }
  }
  return true;
}
