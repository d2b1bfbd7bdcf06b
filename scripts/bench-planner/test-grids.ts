/**
 * Grids for the planner benchmark and its tests: random obstacles and mazes, 0 open and 254
 * blocked, from a seeded generator so every run searches the same maps.
 */

export const BLOCKED = 254;

/** A `size` x `size` grid with a share `density` of cells blocked at random. */
export function randomObstacleGrid(size: number, density: number, random: () => number): Uint8Array {
  const costs = new Uint8Array(size * size);
  for (let i = 0; i < costs.length; i++) if (random() < density) costs[i] = BLOCKED;
  return costs;
}

/** A perfect maze (randomised depth-first carving) with one-cell corridors and walls, plus a few walls knocked out so there are loops. */
export function mazeGrid(size: number, random: () => number): Uint8Array {
  const costs = new Uint8Array(size * size).fill(BLOCKED);
  const cells = Math.floor((size - 1) / 2);
  const visited = new Uint8Array(cells * cells);
  const stack: number[] = [0];
  visited[0] = 1;
  costs[size + 1] = 0;
  const dirs = [
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1],
  ] as const;
  while (stack.length > 0) {
    const cell = stack[stack.length - 1]!;
    const cx = cell % cells;
    const cy = (cell - cx) / cells;
    const options = dirs.filter(([dx, dy]) => {
      const nx = cx + dx;
      const ny = cy + dy;
      return nx >= 0 && ny >= 0 && nx < cells && ny < cells && visited[ny * cells + nx] === 0;
    });
    if (options.length === 0) {
      stack.pop();
      continue;
    }
    const [dx, dy] = options[Math.floor(random() * options.length)]!;
    const nx = cx + dx;
    const ny = cy + dy;
    visited[ny * cells + nx] = 1;
    costs[(2 * cy + 1 + dy) * size + 2 * cx + 1 + dx] = 0;
    costs[(2 * ny + 1) * size + 2 * nx + 1] = 0;
    stack.push(ny * cells + nx);
  }
  for (let k = 0; k < (size * size) / 200; k++) {
    const x = 1 + Math.floor(random() * (size - 2));
    const y = 1 + Math.floor(random() * (size - 2));
    costs[y * size + x] = 0;
  }
  return costs;
}

/** A random open cell of the grid. */
export function randomOpenCell(costs: Uint8Array, random: () => number): number {
  for (;;) {
    const i = Math.floor(random() * costs.length);
    if (costs[i] === 0) return i;
  }
}
