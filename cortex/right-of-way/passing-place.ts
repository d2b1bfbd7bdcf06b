import type { Point2D } from '../../messages/geometry.js';
import { LazyMinHeap } from '../planning/lazy-min-heap.js';

/** Where and how far a passing place is looked for. */
export interface PassingPlaceSearch {
  from: Point2D;
  /** The robot's cost layer: its footprint can stand at this point. */
  passable(point: Point2D): boolean;
  /** The robot can drive through this point (no other robot's footprint there). */
  traversable(point: Point2D): boolean;
  /** This point is a passing place: off the ways the robot gives way to, clear of every footprint. */
  acceptable(point: Point2D): boolean;
  /** Farthest from `from`, metres. */
  radiusM: number;
  /** Spacing of the lattice of points tried, metres. */
  stepM: number;
  /**
   * How much further than the nearest passing place the search goes on looking for a better one,
   * metres of driving (0 by default: the nearest one). With `cost`, the least costly place found
   * within that much of the nearest is the answer: the middle of a bay rather than its near edge.
   */
  settleM?: number;
  /** How cramped a passing place is (lower is better); only compared when `settleM` is given. */
  cost?(point: Point2D): number;
}

const NEIGHBOURS: readonly (readonly [number, number, number])[] = [
  [1, 0, 1],
  [0, 1, 1],
  [-1, 0, 1],
  [0, -1, 1],
  [1, 1, Math.SQRT2],
  [-1, 1, Math.SQRT2],
  [-1, -1, Math.SQRT2],
  [1, -1, Math.SQRT2],
];

/**
 * The nearest passing place the robot can reach: a search outwards from `from` over a square
 * lattice of `stepM` spacing, through passable and traversable points only, nearest by driven
 * distance first, bounded by `radiusM`. Returns null when there is none within the bound. `from`
 * itself is never the answer (the robot is where it cannot stay); callers ask `acceptable` for it first.
 * With `settleM` and `cost`, the search goes on that much beyond the nearest place and returns the
 * least costly place it found (the nearest among equals).
 */
export function findPassingPlace(search: PassingPlaceSearch): Point2D | null {
  const step = Number.isFinite(search.stepM) && search.stepM > 0 ? search.stepM : 0.2;
  const reach = Number.isFinite(search.radiusM) && search.radiusM > 0 ? search.radiusM : 0;
  const half = Math.floor(reach / step);
  const side = 2 * half + 1;
  if (side * side > 1_000_000) return null;
  const cost = new Float64Array(side * side).fill(Infinity);
  const pointOf = (cell: number): Point2D => ({
    xM: search.from.xM + ((cell % side) - half) * step,
    yM: search.from.yM + (Math.floor(cell / side) - half) * step,
  });
  const settleM = Number.isFinite(search.settleM) && (search.settleM as number) > 0 ? (search.settleM as number) : 0;
  const placeCost = search.cost;
  let best: { point: Point2D; cost: number; untilM: number } | null = null;
  const heap = new LazyMinHeap();
  const start = half * side + half;
  cost[start] = 0;
  heap.push(0, start);
  while (heap.size > 0) {
    const key = heap.topKey();
    const cell = heap.pop();
    if (key > (cost[cell] as number)) continue;
    if (best !== null && key > best.untilM) break;
    if (cell !== start && search.acceptable(pointOf(cell))) {
      const point = pointOf(cell);
      if (settleM === 0 || placeCost === undefined) return point;
      const value = placeCost(point);
      if (best === null) best = { point, cost: value, untilM: key + settleM };
      else if (value < best.cost) best = { point, cost: value, untilM: best.untilM };
    }
    const cx = cell % side;
    const cy = Math.floor(cell / side);
    for (const [dx, dy, len] of NEIGHBOURS) {
      const nx = cx + dx;
      const ny = cy + dy;
      if (nx < 0 || ny < 0 || nx >= side || ny >= side) continue;
      if ((nx - half) ** 2 + (ny - half) ** 2 > half * half) continue;
      const next = ny * side + nx;
      const nextCost = key + len * step;
      if (nextCost >= (cost[next] as number)) continue;
      const at = pointOf(next);
      if (!search.passable(at) || !search.traversable(at)) {
        cost[next] = -Infinity;
        continue;
      }
      cost[next] = nextCost;
      heap.push(nextCost, next);
    }
  }
  return best?.point ?? null;
}
