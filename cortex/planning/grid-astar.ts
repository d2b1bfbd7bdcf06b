import { LazyMinHeap } from './lazy-min-heap.js';

/**
 * The search counts in integer units of 2^-20 cell: a step's cost is its length × (1 + weight ×
 * cell cost) rounded to a whole unit, so sums are exact in a double and equal f values are truly
 * equal (ties are then broken on purpose, never by rounding). The rounding is below 1e-6 of a
 * step; the plan's reported cost is recomputed in plain floating point along its cells.
 */
const UNIT = 2 ** 20;
/** Octile heuristic weights in those units: never above the cheapest straight and diagonal step, so the heuristic is consistent. */
const STRAIGHT = UNIT;
const DIAGONAL = Math.round(Math.SQRT2 * UNIT);
/** Neighbour order: east, west, south, north, then the diagonals south-east, north-east, south-west, north-west. */
const DX = Int32Array.of(1, -1, 0, 0, 1, 1, -1, -1);
const DY = Int32Array.of(0, 0, 1, -1, 1, -1, 1, -1);
/** Largest generation before the stamps are cleared and counting starts again (stamps are 2 × generation + 1 at most). */
const MAX_GENERATION = 0x3fff_ffff;

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

/** Where a search stands: still going (call {@link GridAStar.advance} again), or over. */
export type SearchState = 'searching' | 'found' | 'unreachable';

/**
 * Grid A*: 8-connected, octile heuristic, no corner cutting (a diagonal step needs both cells it
 * passes between to be open). Step cost is its length × (1 + costWeight × cost / 254). Optimal
 * (to the rounding above): the heuristic is consistent and each cell is expanded once.
 *
 * A search can run in slices: {@link begin} sets it up, each {@link advance} expands at most a
 * given number of cells and returns, and the next call carries on where the last stopped, so a
 * long plan spreads over several calls and gives the same path as one uninterrupted
 * {@link plan}. The grid must not change while a search is under way.
 *
 * Every buffer (g values, parents, the open list, the visit stamps) is allocated for the largest
 * grid seen and reused from plan to plan; a generation stamp replaces clearing, so the hot loop
 * allocates nothing. The open list is a binary heap of (key, cell) entries without decrease-key:
 * a cell whose g improves is pushed again and the stale entry is skipped when it comes out. The
 * key is f plus h scaled below half a unit, so equal f goes to the smaller h (the larger g, the
 * cell nearer the goal). A successor with the same f as
 * the cell being expanded (a step straight towards the goal) is as good as the best in the heap,
 * so it goes on a stack and is expanded next without a round through the heap.
 */
export class GridAStar {
  private capacity = 0;
  private g = new Float64Array(0);
  private parent = new Int32Array(0);
  /** 2 × generation: g and parent are this search's; 2 × generation + 1: expanded (closed). */
  private stamp = new Uint32Array(0);
  private stack = new Int32Array(0);
  private readonly heap = new LazyMinHeap();
  /** Step costs in units for the search under way: straight ones by cell cost, then diagonal ones. */
  private readonly stepUnits = new Float64Array(512);
  /** h × this is below 1/2 on the grid, so f + h × this orders by f and then by h without mixing f values. */
  private tieScale = 0;
  private generation = 0;
  // The search under way.
  private grid: CostGrid | null = null;
  private goal = -1;
  private stackSize = 0;
  /** f of the cells being expanded now (it never falls: the heuristic is consistent). */
  private level = 0;
  private expanded = 0;
  private state: SearchState = 'unreachable';

  /** Plans from `start` to `goal` in one go. */
  plan(grid: CostGrid, start: number, goal: number): GridPlan | null {
    this.begin(grid, start, goal);
    this.advance(Infinity);
    return this.result();
  }

  /** Sets up a search from `start` to `goal` (dropping any under way); {@link advance} runs it. */
  begin(grid: CostGrid, start: number, goal: number): SearchState {
    const w = grid.widthCells;
    const size = w * grid.heightCells;
    this.reserve(size);
    this.grid = grid;
    this.goal = goal;
    this.stackSize = 0;
    this.expanded = 0;
    this.heap.clear();
    const outside = start < 0 || goal < 0 || start >= size || goal >= size;
    this.state = outside || (grid.costs[goal] as number) >= grid.blockedFrom ? 'unreachable' : 'searching';
    if (this.state !== 'searching') return this.state;
    if (++this.generation > MAX_GENERATION) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    const weight = grid.costWeight / 254;
    for (let c = 0; c < 256; c++) {
      this.stepUnits[c] = Math.round(UNIT * (1 + weight * c));
      this.stepUnits[256 + c] = Math.round(Math.SQRT2 * UNIT * (1 + weight * c));
    }
    this.tieScale = 0.5 / (octileUnits(0, 0, w, grid.heightCells) + 1);
    this.g[start] = 0;
    this.parent[start] = -1;
    this.stamp[start] = 2 * this.generation;
    const sx = start % w;
    this.level = octileUnits(sx, (start - sx) / w, goal % w, Math.floor(goal / w));
    this.stack[this.stackSize++] = start;
    return this.state;
  }

  /** The state of the search begun last. */
  get searchState(): SearchState {
    return this.state;
  }

  /** Cells expanded so far by the search begun last. */
  get expandedCells(): number {
    return this.expanded;
  }

  /** Runs the search begun last for at most `maxExpansions` more cells (at least one); returns where it stands. */
  advance(maxExpansions: number): SearchState {
    const grid = this.grid;
    if (this.state !== 'searching' || grid === null) return this.state;
    const w = grid.widthCells;
    const h = grid.heightCells;
    const { costs, blockedFrom } = grid;
    const { g, parent, stamp, stack, heap, goal, stepUnits } = this;
    const open = 2 * this.generation;
    const closed = open + 1;
    const gx = goal % w;
    const gy = (goal - gx) / w;
    const tieScale = this.tieScale;
    const budgetEnd = this.expanded + Math.max(1, maxExpansions);
    let expanded = this.expanded;
    let stackSize = this.stackSize;
    let level = this.level;
    let state: SearchState = 'unreachable';
    for (;;) {
      if (expanded >= budgetEnd) {
        state = 'searching';
        break;
      }
      let node: number;
      if (stackSize > 0) node = stack[--stackSize] as number;
      else {
        if (heap.size === 0) break;
        level = Math.floor(heap.topKey());
        node = heap.pop();
      }
      if (stamp[node] === closed) continue;
      if (node === goal) {
        state = 'found';
        break;
      }
      stamp[node] = closed;
      expanded++;
      const x = node % w;
      const y = (node - x) / w;
      const gNode = g[node] as number;
      // Which of the four straight neighbours can be entered decides the diagonals (no corner cutting).
      const east = x + 1 < w && (costs[node + 1] as number) < blockedFrom;
      const west = x > 0 && (costs[node - 1] as number) < blockedFrom;
      const south = y + 1 < h && (costs[node + w] as number) < blockedFrom;
      const north = y > 0 && (costs[node - w] as number) < blockedFrom;
      for (let k = 0; k < 8; k++) {
        let next: number;
        switch (k) {
          case 0:
            if (!east) continue;
            next = node + 1;
            break;
          case 1:
            if (!west) continue;
            next = node - 1;
            break;
          case 2:
            if (!south) continue;
            next = node + w;
            break;
          case 3:
            if (!north) continue;
            next = node - w;
            break;
          case 4:
            if (!(south && east)) continue;
            next = node + w + 1;
            break;
          case 5:
            if (!(north && east)) continue;
            next = node - w + 1;
            break;
          case 6:
            if (!(south && west)) continue;
            next = node + w - 1;
            break;
          default:
            if (!(north && west)) continue;
            next = node - w - 1;
        }
        const cost = costs[next] as number;
        if (cost >= blockedFrom) continue;
        const seen = stamp[next] as number;
        if (seen === closed) continue;
        const candidate = gNode + (stepUnits[k < 4 ? cost : 256 + cost] as number);
        if (seen === open && candidate >= (g[next] as number)) continue;
        g[next] = candidate;
        parent[next] = node;
        stamp[next] = open;
        const nx = x + (DX[k] as number);
        const ny = y + (DY[k] as number);
        const hx = nx > gx ? nx - gx : gx - nx;
        const hy = ny > gy ? ny - gy : gy - ny;
        const hNext = hx < hy ? DIAGONAL * hx + STRAIGHT * (hy - hx) : DIAGONAL * hy + STRAIGHT * (hx - hy);
        const f = candidate + hNext;
        if (f <= level) stack[stackSize++] = next;
        else heap.push(f + hNext * tieScale, next);
      }
    }
    this.expanded = expanded;
    this.stackSize = stackSize;
    this.level = level;
    this.state = state;
    return state;
  }

  /** The plan the search found (null while it is under way or when the goal cannot be reached). */
  result(): GridPlan | null {
    const grid = this.grid;
    if (this.state !== 'found' || grid === null) return null;
    const cells = this.trace(this.goal);
    const weight = grid.costWeight / 254;
    const w = grid.widthCells;
    let cost = 0;
    for (let i = 1; i < cells.length; i++) {
      const from = cells[i - 1] as number;
      const to = cells[i] as number;
      const step = from % w === to % w || Math.floor(from / w) === Math.floor(to / w) ? 1 : Math.SQRT2;
      cost += step * (1 + weight * (grid.costs[to] as number));
    }
    return { cells, cost, expanded: this.expanded };
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
    this.stamp = new Uint32Array(size);
    this.stack = new Int32Array(size);
    this.heap.reserve(size);
    this.generation = 0;
  }
}

/** The octile distance between two cells, in search units. */
function octileUnits(x: number, y: number, gx: number, gy: number): number {
  const hx = Math.abs(x - gx);
  const hy = Math.abs(y - gy);
  return hx < hy ? DIAGONAL * hx + STRAIGHT * (hy - hx) : DIAGONAL * hy + STRAIGHT * (hx - hy);
}
