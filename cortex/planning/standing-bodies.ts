import type { OccupancyGrid } from '../world-model/occupancy-grid.js';
import { LETHAL_COST, inflatedCost } from './cost-layer.js';

/** A body standing on the map that is not a wall: a peer robot waiting where it is. */
export interface StandingBody {
  xM: number;
  yM: number;
  radiusM: number;
}

/**
 * The cost inside a standing body's reach: the costliest a cell can be and still be driven
 * through. The planner goes round a waiting peer where there is room and through it where there
 * is none (a one-robot corridor): whether it may then drive on is the right of way's to decide,
 * not the planner's, which would otherwise give up a mission for a robot that is about to move.
 */
const BODY_COST = LETHAL_COST - 1;

/** Moves of a body smaller than this, or changes of its radius, leave the plan around it as it is, metres. */
export const BODY_MOVED_M = 0.2;

/**
 * The cost layer with standing bodies stamped on it: a copy of `costs` in which every cell whose
 * centre lies within a body's radius plus the robot's costs {@link BODY_COST}, falling beyond
 * that as an obstacle's inflation does (the higher of the two where the layer has a cost already).
 * The bodies are never written into the map: they are not where the robot's lidar sees walls,
 * and they leave when they move.
 */
export function withStandingBodies(
  costs: Uint8Array,
  grid: OccupancyGrid,
  bodies: readonly StandingBody[],
  robotRadiusM: number,
  inflationRadiusM: number,
): Uint8Array {
  const out = costs.slice();
  const res = grid.resolutionM;
  for (const body of bodies) {
    const coreM = body.radiusM + robotRadiusM;
    const outerM = coreM + inflationRadiusM;
    const reach = Math.ceil(outerM / res);
    const cx = Math.floor(grid.gridX(body.xM, body.yM));
    const cy = Math.floor(grid.gridY(body.xM, body.yM));
    for (let gy = cy - reach; gy <= cy + reach; gy++) {
      if (gy < 0 || gy >= grid.heightCells) continue;
      for (let gx = cx - reach; gx <= cx + reach; gx++) {
        if (gx < 0 || gx >= grid.widthCells) continue;
        const centre = grid.cellCentre(gx, gy);
        const d = Math.hypot(centre.xM - body.xM, centre.yM - body.yM);
        if (d > outerM) continue;
        const value = d <= coreM ? BODY_COST : inflatedCost(d - coreM, inflationRadiusM);
        const index = gy * grid.widthCells + gx;
        if (value > (out[index] as number)) out[index] = value;
      }
    }
  }
  return out;
}

/** True when two lists of bodies differ by more than {@link BODY_MOVED_M} (one more or fewer, one moved or grown). */
export function bodiesMoved(before: readonly StandingBody[], after: readonly StandingBody[]): boolean {
  if (before.length !== after.length) return true;
  return after.some((b, i) => {
    const a = before[i] as StandingBody;
    return Math.hypot(a.xM - b.xM, a.yM - b.yM) > BODY_MOVED_M || Math.abs(a.radiusM - b.radiusM) > BODY_MOVED_M;
  });
}
