import type { Hazard, OwnHazard } from '../../messages/peer.js';
import type { RuntimeEventBody } from '../../messages/runtime-event.js';
import { LOG_ODDS_HIT, type OccupancyGrid } from '../world-model/occupancy-grid.js';

/** How far around the contradicting return a path-blocked hazard reaches, metres (a box, a person). */
const OBSTACLE_HAZARD_RADIUS_M = 0.3;
/** Hits a hazard's cells get: enough to read occupied at once, few enough that the robot's own scans clear them when they see the place free. */
const HAZARD_HITS = 2;

/**
 * Peers' hazards written into the robot's map, each once: its cells read occupied, so the planner
 * goes round it before the robot sees it; they are what any other mark is, and the robot's own
 * scans clear them when the place turns out free.
 */
export class HazardMarks {
  private readonly marked = new Set<string>();

  /** Marks in `grid` the hazards not marked yet; forgets the expired ones. */
  apply(grid: OccupancyGrid, hazards: readonly Hazard[]): void {
    const live = new Set<string>();
    for (const hazard of hazards) {
      const key = `${hazard.robotId} ${hazard.detectedAtUs} ${hazard.position.xM} ${hazard.position.yM}`;
      live.add(key);
      if (this.marked.has(key)) continue;
      this.marked.add(key);
      markDisc(grid, hazard.position.xM, hazard.position.yM, hazard.radiusM);
    }
    for (const key of this.marked) if (!live.has(key)) this.marked.delete(key);
  }
}

function markDisc(grid: OccupancyGrid, xM: number, yM: number, radiusM: number): void {
  const reach = Math.ceil(radiusM / grid.resolutionM);
  const cx = Math.floor(grid.gridX(xM, yM));
  const cy = Math.floor(grid.gridY(xM, yM));
  for (let gy = cy - reach; gy <= cy + reach; gy++) {
    for (let gx = cx - reach; gx <= cx + reach; gx++) {
      if (gx < 0 || gy < 0 || gx >= grid.widthCells || gy >= grid.heightCells) continue;
      const centre = grid.cellCentre(gx, gy);
      if ((centre.xM - xM) ** 2 + (centre.yM - yM) ** 2 > radiusM * radiusM) continue;
      for (let hit = 0; hit < HAZARD_HITS; hit++) grid.update(gy * grid.widthCells + gx, LOG_ODDS_HIT);
    }
  }
}

/** The hazard to tell the peers of when the consistency checker raises a new obstacle on the path, else null. */
export function hazardOfViolation(body: RuntimeEventBody): OwnHazard | null {
  if (body.kind !== 'consistency-violation' || body.phase !== 'start' || body.violation !== 'path-blocked') return null;
  const xM = body.evidence['nearest.xM'];
  const yM = body.evidence['nearest.yM'];
  if (xM === undefined || yM === undefined) return null;
  return { kind: 'obstacle', position: { xM, yM }, radiusM: OBSTACLE_HAZARD_RADIUS_M };
}
