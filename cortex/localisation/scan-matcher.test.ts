import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pose2D } from '../../messages/geometry.js';
import { OccupancyGrid } from '../world-model/occupancy-grid.js';
import { integrateScan } from '../world-model/scan-integrator.js';
import { MatchField } from './match-field.js';
import { ScanMatcher } from './scan-matcher.js';
import { roomRevolution } from '../../test/harness/synthetic-room.js';

function scanFrom(pose: Pose2D, seed = 1): { count: number; xM: Float32Array; yM: Float32Array } {
  return roomRevolution(pose, seed);
}

function mapFrom(poses: Pose2D[]): { grid: OccupancyGrid; field: MatchField } {
  const grid = OccupancyGrid.centredOn({ xM: 3, yM: 2 }, 10, 0.05);
  const field = new MatchField(grid);
  grid.onOccupiedChange((i, occupied) => field.changed(i, occupied));
  for (const [k, pose] of poses.entries()) {
    for (let pass = 0; pass < 3; pass++) {
      const scan = scanFrom(pose, k * 10 + pass + 1);
      const c = Math.cos(pose.yawRad);
      const s = Math.sin(pose.yawRad);
      const xM = new Float32Array(scan.count);
      const yM = new Float32Array(scan.count);
      for (let i = 0; i < scan.count; i++) {
        xM[i] = pose.xM + c * scan.xM[i]! - s * scan.yM[i]!;
        yM[i] = pose.yM + s * scan.xM[i]! + c * scan.yM[i]!;
      }
      integrateScan(grid, { originXM: pose.xM, originYM: pose.yM, count: scan.count, xM, yM }, 8);
    }
  }
  return { grid, field };
}

describe('ScanMatcher', () => {
  const { grid, field } = mapFrom([
    { xM: 1, yM: 1, yawRad: 0 },
    { xM: 4.5, yM: 3, yawRad: 0 },
  ]);
  const matcher = new ScanMatcher(grid, field.values);

  it('GIVEN a map of a room WHEN a scan from a known pose is matched from a guess 4 cm and 2° off THEN the pose comes back within half a cell (2.5 cm) and 0.6°', () => {
    const truth = { xM: 3.4, yM: 1.0, yawRad: 0.3 };
    const result = matcher.match(scanFrom(truth, 99), { xM: 3.44, yM: 0.97, yawRad: 0.335 });
    expect(Math.hypot(result.pose.xM - truth.xM, result.pose.yM - truth.yM)).toBeLessThan(0.025);
    expect(Math.abs(result.pose.yawRad - truth.yawRad)).toBeLessThan(0.01);
    expect(result.inlierShare).toBeGreaterThan(0.9);
  });

  it('corrects any guess within 4 cm and 2° of the truth to within half a cell, 2.5 cm, on each axis (property, random poses in the room)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.8, max: 5.2, noNaN: true }),
        fc.double({ min: 0.6, max: 3.4, noNaN: true }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        fc.double({ min: 0, max: 0.04, noNaN: true }),
        fc.double({ min: -0.035, max: 0.035, noNaN: true }),
        (x, y, yaw, direction, offset, turn) => {
          // Keep clear of the pillar.
          fc.pre(Math.hypot(x - 2.3, y - 1.8) > 0.8);
          const truth = { xM: x, yM: y, yawRad: yaw };
          const guess = {
            xM: x + offset * Math.cos(direction),
            yM: y + offset * Math.sin(direction),
            yawRad: yaw + turn,
          };
          const result = matcher.match(scanFrom(truth, 7), guess);
          // The field peaks at cell centres: half a cell on each axis is the resolution the match can promise.
          expect(Math.abs(result.pose.xM - x)).toBeLessThan(0.025);
          expect(Math.abs(result.pose.yM - y)).toBeLessThan(0.025);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('scores a scan that does not fit the map low', () => {
    const elsewhere = scanFrom({ xM: 3, yM: 2, yawRad: 0 });
    const result = matcher.score(elsewhere, 3.8, 2.9, 1.0);
    expect(result.inlierShare).toBeLessThan(0.4);
  });
});
