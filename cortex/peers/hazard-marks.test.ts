import { describe, expect, it } from 'vitest';
import type { Hazard } from '../../messages/peer.js';
import { OccupancyGrid } from '../world-model/occupancy-grid.js';
import { HazardMarks, hazardOfViolation } from './hazard-marks.js';

const hazard = (over: Partial<Hazard> = {}): Hazard => ({
  robotId: 'robot-2',
  kind: 'obstacle',
  position: { xM: 1, yM: 1 },
  radiusM: 0.3,
  detectedAtUs: 5,
  expiresAtUs: 1e9,
  ...over,
});

const occupiedCells = (grid: OccupancyGrid): number => {
  let count = 0;
  for (let i = 0; i < grid.widthCells * grid.heightCells; i++) if (grid.isOccupied(i)) count++;
  return count;
};

describe('peers’ hazards in the map', () => {
  it('GIVEN a hazard THEN its disc reads occupied, once: the same hazard again adds nothing, and the robot’s own misses clear it', () => {
    const grid = OccupancyGrid.centredOn({ xM: 0, yM: 0 }, 6, 0.05);
    const marks = new HazardMarks();
    marks.apply(grid, [hazard()]);
    const cells = occupiedCells(grid);
    // A 0.3 m disc at 5 cm: about pi 6² = 113 cell areas, less the cells its rim only grazes.
    expect(cells).toBeGreaterThan(70);
    expect(cells).toBeLessThan(130);
    expect(grid.isOccupied(grid.indexAt(1, 1))).toBe(true);
    expect(grid.isOccupied(grid.indexAt(1.4, 1))).toBe(false);
    marks.apply(grid, [hazard()]);
    for (let k = 0; k < 4; k++) grid.update(grid.indexAt(1, 1), -0.4);
    expect(grid.isOccupied(grid.indexAt(1, 1))).toBe(false);
    marks.apply(grid, [hazard()]);
    expect(grid.isOccupied(grid.indexAt(1, 1))).toBe(false);
    // A new sighting is a new hazard.
    marks.apply(grid, [hazard({ detectedAtUs: 6 })]);
    expect(grid.isOccupied(grid.indexAt(1, 1))).toBe(true);
  });

  it('GIVEN the consistency checker raising path-blocked with its nearest return THEN that is an obstacle hazard there; anything else is none', () => {
    const raised = {
      kind: 'consistency-violation' as const,
      phase: 'start' as const,
      violation: 'path-blocked',
      source: 'scan-matching',
      evidence: { points: 4, 'nearest.xM': 3.2, 'nearest.yM': -1.5 },
    };
    expect(hazardOfViolation(raised)).toEqual({ kind: 'obstacle', position: { xM: 3.2, yM: -1.5 }, radiusM: 0.3 });
    expect(hazardOfViolation({ ...raised, phase: 'clear' })).toBeNull();
    expect(hazardOfViolation({ ...raised, violation: 'wedged' })).toBeNull();
    expect(hazardOfViolation({ ...raised, evidence: { points: 4 } })).toBeNull();
  });
});
