import { IndexedMinHeap } from './indexed-min-heap.js';

const SQRT2 = Math.SQRT2;
/** Octile heuristic inflation that breaks ties towards the goal (bounds the cost excess at 0.01 %). */
const TIE_BREAK = 1 + 1e-4;
const DX = [1, -1, 0, 0, 1, 1, -1, -1];
const DY = [0, 0, 1, -1, 1, -1, 1, -1];

/** The octile distance for offsets `dx`, `dy` (cells), inflated by the tie-break. */
function octile(dx: number, dy: number): number {
  return (dx + dy + (SQRT2 - 2) * Math.min(dx, dy)) * TIE_BREAK;
}

/** What a plan searches: a cost per cell, row-major; cells at or above `blockedFrom` cannot be entered. */
export interface CostGrid {
  widthCells: number;
  heightCells: number;
  costs: Uint8Array;
  blockedFrom: number;
  /** Extra cost per unit of cell cost (0: every free cell costs its step length alone). */
  costWeight: number;
}

/** A plan's cells (start first) and its cost in cell lengths; null when the goal cannot be reached. */
export interface GridPlan {
  cells: Int32Array;
  cost: number;
  expanded: number;
}

/**
 * Grid A*: 8-connected, octile heuristic, no corner cutting (a diagonal step needs both cells it
 * passes between to be open). Step cost is its length × (1 + costWeight × cost / 254). Every
 * buffer (g values, parents, the heap, the visit stamps) is allocated once for the largest grid
 * and reused from plan to plan; a generation stamp replaces clearing, so the hot loop allocates
 * nothing.
 */
export class GridAStar {
  private capacity = 0;
  private g = new Float64Array(0);
  private parent = new Int32Array(0);
  private seen = new Uint32Array(0);
  private closed = new Uint32Array(0);
  private heap = new IndexedMinHeap(0);
  private generation = 0;

  plan(grid: CostGrid, start: number, goal: number): GridPlan | null {
    const w = grid.widthCells;
    const h = grid.heightCells;
    const size = w * h;
    this.reserve(size);
    if (start < 0 || goal < 0 || start >= size || goal >= size) return null;
    const { costs, blockedFrom } = grid;
    if ((costs[goal] as number) >= blockedFrom) return null;
    const weight = grid.costWeight / 254;
    const gen = ++this.generation;
    const { g, parent, seen, closed, heap } = this;
    heap.clear();
    const gx = goal % w;
    const gy = (goal - gx) / w;
    g[start] = 0;
    parent[start] = -1;
    seen[start] = gen;
    const sx = start % w;
    heap.push(start, octile(Math.abs(sx - gx), Math.abs((start - sx) / w - gy)));
    let expanded = 0;
    while (heap.size > 0) {
      const node = heap.pop();
      if (node === goal) return { cells: this.trace(goal), cost: g[goal] as number, expanded };
      closed[node] = gen;
      expanded++;
      const x = node % w;
      const y = (node - x) / w;
      const gNode = g[node] as number;
      for (let k = 0; k < 8; k++) {
        const nx = x + (DX[k] as number);
        const ny = y + (DY[k] as number);
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const next = ny * w + nx;
        const cost = costs[next] as number;
        if (cost >= blockedFrom || closed[next] === gen) continue;
        let step = 1;
        if (k >= 4) {
          if ((costs[y * w + nx] as number) >= blockedFrom || (costs[ny * w + x] as number) >= blockedFrom) continue;
          step = SQRT2;
        }
        const candidate = gNode + step * (1 + weight * cost);
        if (seen[next] === gen && candidate >= (g[next] as number)) continue;
        g[next] = candidate;
        parent[next] = node;
        seen[next] = gen;
        const hx = nx > gx ? nx - gx : gx - nx;
        const hy = ny > gy ? ny - gy : gy - ny;
        heap.pushOrDecrease(next, candidate + (hx < hy ? SQRT2 * hx + hy - hx : SQRT2 * hy + hx - hy) * TIE_BREAK);
      }
    }
    return null;
  }

  private trace(goal: number): Int32Array {
    let n = 0;
    for (let c = goal; c !== -1; c = this.parent[c] as number) n++;
    const cells = new Int32Array(n);
    for (let c = goal, i = n - 1; c !== -1; c = this.parent[c] as number, i--) cells[i] = c;
    return cells;
  }

  private reserve(size: number): void {
    if (size <= this.capacity) return;
    this.capacity = size;
    this.g = new Float64Array(size);
    this.parent = new Int32Array(size);
    this.seen = new Uint32Array(size);
    this.closed = new Uint32Array(size);
    this.heap = new IndexedMinHeap(size);
    this.generation = 0;
  }
}
