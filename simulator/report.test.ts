import { describe, expect, it } from 'vitest';
import type { Mission } from '../messages/mission.js';
import { REPORT_KEYS, ROBOT_REPORT_KEYS } from '../test/harness/report-keys.js';
import { goalReachedByPose, roundReport, type SimReport } from './report.js';

const sample: SimReport = {
  scenario: 'default',
  simTimeS: 60.000000001,
  wallTimeS: 3.14159,
  realTimeFactor: 19.09862,
  robots: [
    {
      id: 'robot-1',
      goalReached: true,
      goalReachedAtS: 21.33349,
      missionState: 'succeeded',
      distanceM: 5.0004999,
      collisions: 1,
      collisionEvents: [
        { simTimeS: 7.70049, pose: { xM: 1.23456, yM: 2.5, yawRad: 0.0001 }, speedMps: 0.31234, hit: 'obstacle' },
      ],
      minClearanceM: 1.2345678,
      minClearanceAtS: 7.70049,
      geofenceBreachMaxM: 0.01234,
      energyRemainingWh: 41.2345678,
      reflexTrips: [{ reason: 'obstacle 0.25 m ahead', simTimeS: 12.34567 }],
    },
  ],
  faults: [
    { device: 'lidar', kind: 'unplugged', atS: 10.0006, clearedAtS: 15.9994 },
    { device: 'motors', kind: 'i2c-nack', atS: 20, clearedAtS: null },
  ],
  eventsLost: 0,
};

describe('SimReport', () => {
  it('has exactly the keys BRIEF §5 names, at every level', () => {
    const json = JSON.parse(JSON.stringify(roundReport(sample))) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual([...REPORT_KEYS].sort());
    const robot = (json.robots as Array<Record<string, unknown>>)[0]!;
    expect(Object.keys(robot).sort()).toEqual([...ROBOT_REPORT_KEYS].sort());
    expect(Object.keys((robot.collisionEvents as Array<Record<string, unknown>>)[0]!).sort()).toEqual([
      'hit',
      'pose',
      'simTimeS',
      'speedMps',
    ]);
    expect(Object.keys((robot.reflexTrips as Array<Record<string, unknown>>)[0]!).sort()).toEqual([
      'reason',
      'simTimeS',
    ]);
    for (const fault of json.faults as Array<Record<string, unknown>>) {
      expect(Object.keys(fault).sort()).toEqual(['atS', 'clearedAtS', 'device', 'kind']);
    }
  });

  it('roundReport keeps 3 decimals on times and distances and leaves counts alone', () => {
    const rounded = roundReport({ ...sample, eventsLost: 7 });
    expect(rounded).toEqual({
      scenario: 'default',
      simTimeS: 60,
      wallTimeS: 3.142,
      realTimeFactor: 19.099,
      robots: [
        {
          id: 'robot-1',
          goalReached: true,
          goalReachedAtS: 21.333,
          missionState: 'succeeded',
          distanceM: 5,
          collisions: 1,
          collisionEvents: [
            { simTimeS: 7.7, pose: { xM: 1.235, yM: 2.5, yawRad: 0 }, speedMps: 0.312, hit: 'obstacle' },
          ],
          minClearanceM: 1.235,
          minClearanceAtS: 7.7,
          geofenceBreachMaxM: 0.012,
          energyRemainingWh: 41.235,
          reflexTrips: [{ reason: 'obstacle 0.25 m ahead', simTimeS: 12.346 }],
        },
      ],
      faults: [
        { device: 'lidar', kind: 'unplugged', atS: 10.001, clearedAtS: 15.999 },
        { device: 'motors', kind: 'i2c-nack', atS: 20, clearedAtS: null },
      ],
      eventsLost: 7,
    });
    expect(sample.simTimeS).toBe(60.000000001);
  });

  it('roundReport keeps 3 decimals of a coverage and its null, and adds none where there was none', () => {
    const covered = { ...sample.robots[0]!, coveragePct: 96.12345 };
    const none = { ...sample.robots[0]!, coveragePct: null };
    const rounded = roundReport({ ...sample, robots: [covered, none, sample.robots[0]!] }).robots;
    expect(rounded.map((r) => r.coveragePct)).toEqual([96.123, null, undefined]);
    expect('coveragePct' in rounded[2]!).toBe(false);
  });

  it('roundReport leaves a never-measured clearance as Infinity', () => {
    const robot = { ...sample.robots[0]!, minClearanceM: Infinity };
    expect(roundReport({ ...sample, robots: [robot] }).robots[0]!.minClearanceM).toBe(Infinity);
  });
});

describe('goalReachedByPose', () => {
  const goto: Mission = { kind: 'goto', goal: { xM: 6, yM: 3 }, toleranceM: 0.15 };

  it('is true within the mission tolerance of a goto goal and false beyond it', () => {
    expect(goalReachedByPose({ xM: 5.9, yM: 3.1, yawRad: 1 }, goto)).toBe(true);
    expect(goalReachedByPose({ xM: 5.86, yM: 3, yawRad: 0 }, goto)).toBe(true);
    expect(goalReachedByPose({ xM: 5.8, yM: 3, yawRad: 0 }, goto)).toBe(false);
  });

  it('uses an explicit tolerance when given', () => {
    expect(goalReachedByPose({ xM: 5.8, yM: 3, yawRad: 0 }, goto, 0.25)).toBe(true);
    expect(goalReachedByPose({ xM: 5.9, yM: 3, yawRad: 0 }, goto, 0.05)).toBe(false);
  });

  it('is always false for a drive mission, which has no goal', () => {
    const drive: Mission = { kind: 'drive', vMps: 0.5, wRadps: 0, durationS: 30 };
    expect(goalReachedByPose({ xM: 0, yM: 0, yawRad: 0 }, drive, 100)).toBe(false);
  });
});
