import type { Point2D } from '../../messages/geometry.js';
import { LETHAL_COST } from '../planning/cost-layer.js';
import type { OccupancyGrid } from '../world-model/occupancy-grid.js';
import type { PathBlockEvidence } from './violation.js';

/** Where the map (as the plan saw it) says the robot may go. */
export interface FreeSpaceView {
  isFree(xM: number, yM: number): boolean;
}

/** Points in the world frame, metres (a revolution placed at the localised pose, e.g. `LocalisationResult.world`). */
export interface WorldPoints {
  count: number;
  xM: ArrayLike<number>;
  yM: ArrayLike<number>;
}

/** What one revolution says about the path ahead: returns on it where the map is free (`evidence` null: none). */
export interface PathContradiction {
  points: number;
  evidence: PathBlockEvidence | null;
}

/**
 * The planner's view of free space: a cell is free when its cost in the layer the path was planned
 * on (`Navigator.costs.costs`) is below lethal. Unknown ground is free there too (the planner
 * drives into it), so a return in it contradicts the plan as much as one on mapped free ground;
 * a return on a wall the plan knew of falls in a lethal cell and does not.
 */
export function plannedFreeSpace(grid: OccupancyGrid, costs: Uint8Array): FreeSpaceView {
  return {
    isFree(xM, yM) {
      const index = grid.indexAt(xM, yM);
      return index >= 0 && (costs[index] ?? LETHAL_COST) < LETHAL_COST;
    },
  };
}

/** One straight piece of the path ahead, with the distance along the path at its start. */
export interface PathPiece {
  ax: number;
  ay: number;
  bx: number;
  by: number;
  lengthM: number;
  startM: number;
}

/**
 * The path ahead of `robot`: from the point of `path` nearest to it, `lookaheadM` along the path
 * (shorter where the path ends). Empty when the path has fewer than two points.
 */
export function pathAhead(path: readonly Point2D[], robot: Point2D, lookaheadM: number): PathPiece[] {
  if (path.length < 2) return [];
  let best = 0;
  let bestT = 0;
  let bestD = Infinity;
  for (let i = 0; i < path.length - 1; i++) {
    const a = path[i]!;
    const b = path[i + 1]!;
    const t = projection(robot.xM, robot.yM, a.xM, a.yM, b.xM, b.yM);
    const d = Math.hypot(robot.xM - (a.xM + t * (b.xM - a.xM)), robot.yM - (a.yM + t * (b.yM - a.yM)));
    if (d < bestD) {
      bestD = d;
      best = i;
      bestT = t;
    }
  }
  const pieces: PathPiece[] = [];
  let along = 0;
  for (let i = best; i < path.length - 1 && along < lookaheadM; i++) {
    const a = path[i]!;
    const b = path[i + 1]!;
    const t0 = i === best ? bestT : 0;
    const ax = a.xM + t0 * (b.xM - a.xM);
    const ay = a.yM + t0 * (b.yM - a.yM);
    const full = Math.hypot(b.xM - ax, b.yM - ay);
    const lengthM = Math.min(full, lookaheadM - along);
    const f = full > 0 ? lengthM / full : 0;
    pieces.push({ ax, ay, bx: ax + f * (b.xM - ax), by: ay + f * (b.yM - ay), lengthM, startM: along });
    along += lengthM;
  }
  return pieces.filter((piece) => piece.lengthM > 0);
}

/**
 * Counts the returns of one revolution that contradict the map on the planned path: within
 * `corridorHalfWidthM` of the path ahead (`lookaheadM` of it from the robot), not behind its start
 * nor beyond its end, in space `map` says is free (a new obstacle, a closed door). A point's place
 * along the path is where the path first comes within the corridor of it; the evidence is the point
 * the robot would meet first. Null when there is no path ahead to judge.
 */
export function findPathContradiction(
  path: readonly Point2D[],
  robot: Point2D,
  scan: WorldPoints,
  map: FreeSpaceView,
  options: { lookaheadM: number; corridorHalfWidthM: number },
): PathContradiction | null {
  const pieces = pathAhead(path, robot, options.lookaheadM);
  if (pieces.length === 0) return null;
  const r = options.corridorHalfWidthM;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of pieces) {
    minX = Math.min(minX, p.ax, p.bx);
    minY = Math.min(minY, p.ay, p.by);
    maxX = Math.max(maxX, p.ax, p.bx);
    maxY = Math.max(maxY, p.ay, p.by);
  }
  const lookedM = pieces.reduce((sum, p) => sum + p.lengthM, 0);
  const lastIndex = pieces.length - 1;
  let points = 0;
  let evidence: PathBlockEvidence | null = null;
  for (let i = 0; i < scan.count; i++) {
    const x = scan.xM[i] ?? NaN;
    const y = scan.yM[i] ?? NaN;
    if (!(x >= minX - r && x <= maxX + r && y >= minY - r && y <= maxY + r)) continue;
    // The first piece, in path order, whose corridor holds the point: where the robot would meet it.
    let offPath = Infinity;
    let along = 0;
    for (let k = 0; k <= lastIndex; k++) {
      const p = pieces[k]!;
      const raw = rawProjection(x, y, p.ax, p.ay, p.bx, p.by);
      if ((k === 0 && raw < 0) || (k === lastIndex && raw > 1)) continue;
      const t = Math.max(0, Math.min(1, raw));
      const off = Math.hypot(x - (p.ax + t * (p.bx - p.ax)), y - (p.ay + t * (p.by - p.ay)));
      if (off <= r) {
        offPath = off;
        along = p.startM + t * p.lengthM;
        break;
      }
    }
    if (offPath > r || !map.isFree(x, y)) continue;
    points++;
    if (!evidence || along < evidence.alongPathM) {
      evidence = { points: 0, nearest: { xM: x, yM: y }, alongPathM: along, offPathM: offPath, lookaheadM: lookedM };
    }
  }
  if (evidence) evidence.points = points;
  return { points, evidence };
}

function rawProjection(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const abx = bx - ax;
  const aby = by - ay;
  const len2 = abx * abx + aby * aby;
  return len2 > 0 ? ((px - ax) * abx + (py - ay) * aby) / len2 : 0;
}

function projection(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  return Math.max(0, Math.min(1, rawProjection(px, py, ax, ay, bx, by)));
}
