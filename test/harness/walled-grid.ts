import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';

/**
 * A square occupancy grid with its origin at (0, 0), walled round (its outermost cells occupied),
 * free inside except where `occupied(x, y)` (cell column and row) says.
 */
export function walledGrid(
  sideCells: number,
  resolutionM: number,
  occupied: (x: number, y: number) => boolean = () => false,
): OccupancyGridMessage {
  const cells = new Int8Array(sideCells * sideCells);
  for (let y = 0; y < sideCells; y++) {
    for (let x = 0; x < sideCells; x++) {
      const edge = x === 0 || y === 0 || x === sideCells - 1 || y === sideCells - 1;
      if (edge || occupied(x, y)) cells[y * sideCells + x] = 100;
    }
  }
  return {
    resolutionM,
    widthCells: sideCells,
    heightCells: sideCells,
    origin: { xM: 0, yM: 0, yawRad: 0 },
    cells,
    version: 1,
  };
}
