import { describe, expect, it } from 'vitest';
import type { DriveCommand } from '../messages/drive.js';
import type { MissionAssignment } from '../messages/mission.js';
import { VirtualClock } from '../time/virtual-clock.js';
import { poseAtTime, type OdometrySample } from '../messages/odometry.js';
import type { CortexSettings, CortexStatus } from './cortex-thread-protocol.js';
import { paramsWith } from '../test/harness/test-params.js';
import { cortexSettingsFromParams, cortexTuningOf } from './cortex-settings.js';
import { MissionExecutor, type ExecutorOutput } from './mission-executor.js';

/** The parameter defaults (config/params.ts `cortex.*`, turn limit from `reflex.maxTurnRateRadps`). */
const SETTINGS: CortexSettings = cortexSettingsFromParams(paramsWith());
const PERIOD_US = 1e6 / SETTINGS.rateHz;
const T0 = 7_000_000;

/**
 * An executor whose `send` records every message. With `perfectMotion`, every drive command is
 * applied at once and exactly, as a reflex with no limits driving an ideal robot would; `apply`
 * applies a motion by hand. Either way the executor gets the odometry sample the main thread would
 * send for it.
 */
function setUp(perfectMotion = true, settings: CortexSettings = SETTINGS) {
  const clock = new VirtualClock(T0);
  const sent: ExecutorOutput[] = [];
  let odometry: OdometrySample = { stampUs: T0, pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0, wRadps: 0 };
  const apply = (vMps: number, wRadps: number, stampUs: number): void => {
    odometry = { stampUs, pose: poseAtTime(odometry, stampUs), vMps, wRadps };
    executor.odometry(odometry);
  };
  const executor: MissionExecutor = new MissionExecutor(
    clock,
    settings,
    (message) => {
      sent.push(message);
      if (perfectMotion && message.t === 'drive') {
        const { vMps, wRadps, stampUs } = message.command;
        apply(vMps, wRadps, stampUs);
      }
    },
    odometry,
  );
  const drives = (): DriveCommand[] => sent.flatMap((m) => (m.t === 'drive' ? [m.command] : []));
  const statuses = (): CortexStatus[] => sent.flatMap((m) => (m.t === 'status' ? [m.status] : []));
  return { clock, executor, sent, drives, statuses, apply };
}

function gotoAssignment(
  xM: number,
  yM: number,
  initial = { xM: 0, yM: 0, yawRad: 0 },
  toleranceM = 0.1,
): MissionAssignment {
  return { mission: { kind: 'goto', goal: { xM, yM }, toleranceM }, initialPose: initial };
}

describe('MissionExecutor', () => {
  describe('goto', () => {
    it('sends drive commands at rateHz towards the goal and succeeds once the dead-reckoned pose is within tolerance', () => {
      // GIVEN a robot at the origin facing +x, told to reach (2, 0)
      const rig = setUp();
      rig.executor.start(gotoAssignment(2, 0));

      // WHEN 15 s pass
      rig.clock.advanceBy(15_000_000);

      // THEN it sent one drive command and one status at the start and per 50 ms after, stamped on the period
      const drives = rig.drives();
      expect(drives).toHaveLength(301);
      drives.forEach((d, i) => expect(d.stampUs).toBe(T0 + i * PERIOD_US));
      expect(
        rig.sent
          .filter((m) => m.t !== 'mission')
          .slice(0, 2)
          .map((m) => m.t),
      ).toEqual(['drive', 'status']);
      expect(drives.every((d) => d.source === 'cortex')).toBe(true);

      // AND it drove straight at the goal at cruise speed to start with
      expect(drives[0]).toMatchObject({ vMps: 0.4, wRadps: 0 });

      // AND it reported success once, with the pose within the tolerance it aims for: min(0.1, 0.1 / 2) m
      const statuses = rig.statuses();
      const doneAt = statuses.findIndex((s) => s.missionState === 'succeeded');
      expect(doneAt).toBeGreaterThan(0);
      expect(statuses.slice(0, doneAt).every((s) => s.missionState === 'active')).toBe(true);
      expect(statuses.slice(doneAt).every((s) => s.missionState === 'succeeded')).toBe(true);
      const done = statuses[doneAt];
      expect(done?.missionKind).toBe('goto');
      expect(done?.goalDistanceM).toBeLessThanOrEqual(0.05);
      expect(Math.hypot((done?.pose?.xM ?? NaN) - 2, done?.pose?.yM ?? NaN)).toBeLessThanOrEqual(0.05);

      // AND the robot got there without overshooting, and stands still from then on
      expect(Math.max(...statuses.map((s) => s.pose?.xM ?? NaN))).toBeLessThanOrEqual(2);
      expect(drives.slice(doneAt).every((d) => d.vMps === 0 && d.wRadps === 0)).toBe(true);
      expect(drives.slice(0, doneAt).every((d) => d.vMps > 0)).toBe(true);
      // 1.95 m, mostly at 0.4 m/s, slowing over the last 0.6 m: between 4.9 s and 10 s.
      expect(doneAt * PERIOD_US).toBeGreaterThan(4_900_000);
      expect(doneAt * PERIOD_US).toBeLessThan(10_000_000);
    });

    it('turns in place first when the goal lies well off the heading, then drives to it', () => {
      // GIVEN a robot at (1, 1) facing +x, told to reach (1, 3): 90° to its left
      const rig = setUp();
      rig.executor.start(gotoAssignment(1, 3, { xM: 1, yM: 1, yawRad: 0 }));

      // WHEN 15 s pass
      rig.clock.advanceBy(15_000_000);

      // THEN it first turned left without moving forward
      const drives = rig.drives();
      expect(drives[0]).toMatchObject({ vMps: 0, wRadps: 2 });
      const firstForward = drives.findIndex((d) => d.vMps > 0);
      expect(firstForward).toBeGreaterThan(0);
      // The status sent with the first forward command has the pose that command was planned from.
      const headingThen = rig.statuses()[firstForward]?.pose?.yawRad ?? NaN;
      expect(Math.abs(Math.PI / 2 - headingThen)).toBeLessThanOrEqual(Math.PI / 3);

      // AND it arrived
      const done = rig.statuses().find((s) => s.missionState === 'succeeded');
      expect(done).toBeDefined();
      expect(Math.hypot((done?.pose?.xM ?? NaN) - 1, (done?.pose?.yM ?? NaN) - 3)).toBeLessThanOrEqual(0.1);
    });

    it('does not succeed while the robot does not move', () => {
      // GIVEN a robot whose drive commands are never applied (the reflex holds it)
      const rig = setUp(false);
      rig.executor.start(gotoAssignment(2, 0));

      // WHEN 10 s pass
      rig.clock.advanceBy(10_000_000);

      // THEN it keeps asking to drive, and the mission stays active with the full distance to go
      expect(rig.drives().every((d) => d.vMps === 0.4)).toBe(true);
      expect(rig.executor.status()).toEqual({
        pose: { xM: 0, yM: 0, yawRad: 0 },
        missionKind: 'goto',
        missionState: 'active',
        missionId: 'start',
        progress: 0,
        etaS: 5,
        goalDistanceM: 2,
      });
    });

    it('aims inside the mission’s tolerance: succeeds within min(goalToleranceM, toleranceM / 2)', () => {
      const reachedFrom = (goalXM: number, toleranceM: number, goalToleranceM = 0.1): boolean => {
        const rig = setUp(false, { ...SETTINGS, goalToleranceM });
        rig.executor.start(gotoAssignment(goalXM, 0, undefined, toleranceM));
        rig.clock.advanceBy(PERIOD_US);
        const reached = rig.statuses()[0]?.missionState === 'succeeded';
        if (reached) expect(rig.drives()[0]).toMatchObject({ vMps: 0, wRadps: 0 });
        return reached;
      };
      // Half the mission's tolerance when that is tighter than the planner's own.
      expect(reachedFrom(0.05, 0.1)).toBe(true);
      expect(reachedFrom(0.06, 0.1)).toBe(false);
      // The planner's own tolerance when that is tighter.
      expect(reachedFrom(0.1, 0.5)).toBe(true);
      expect(reachedFrom(0.12, 0.5)).toBe(false);
      expect(reachedFrom(0.25, 0.5, 0.3)).toBe(true);
    });

    it('integrates the applied motion, not the commanded one', () => {
      // GIVEN a robot told to reach (5, 0), whose reflex applies only half the commanded speed
      const rig = setUp(false);
      rig.executor.start(gotoAssignment(5, 0));
      rig.clock.advanceBy(PERIOD_US);
      rig.apply(0.2, 0, rig.clock.nowUs());

      // WHEN 2 s pass
      rig.clock.advanceBy(2_000_000);

      // THEN the pose moved 0.4 m, not 0.8 m
      expect(rig.executor.status().pose?.xM).toBeCloseTo(0.4, 9);
      expect(rig.executor.status().goalDistanceM).toBeCloseTo(4.6, 9);
    });
  });

  describe('drive', () => {
    it('drives the scripted motion for durationS, then sends zero and succeeds', () => {
      // GIVEN a drive mission: 0.2 m/s, 0.1 rad/s, for 1 s
      const rig = setUp();
      rig.executor.start({
        mission: { kind: 'drive', vMps: 0.2, wRadps: 0.1, durationS: 1 },
        initialPose: { xM: 0, yM: 0, yawRad: 0 },
      });

      // WHEN 2 s pass
      rig.clock.advanceBy(2_000_000);

      // THEN up to 1 s after the start it sent the scripted motion, and the mission was active
      const drives = rig.drives();
      const statuses = rig.statuses();
      const endIndex = drives.findIndex((d) => d.stampUs >= T0 + 1_000_000);
      expect(drives[endIndex]?.stampUs).toBe(T0 + 1_000_000);
      expect(drives.slice(0, endIndex).every((d) => d.vMps === 0.2 && d.wRadps === 0.1)).toBe(true);
      expect(statuses.slice(0, endIndex).every((s) => s.missionState === 'active' && s.missionKind === 'drive')).toBe(
        true,
      );

      // AND the scripted motion started at once: the whole duration is driven
      expect(drives[0]).toMatchObject({ stampUs: T0, vMps: 0.2, wRadps: 0.1 });

      // AND from 1 s on it sent zero and reported success
      expect(drives.slice(endIndex).every((d) => d.vMps === 0 && d.wRadps === 0)).toBe(true);
      expect(statuses.slice(endIndex).every((s) => s.missionState === 'succeeded')).toBe(true);
      expect(rig.executor.status().missionState).toBe('succeeded');
    });
  });

  describe('without a mission', () => {
    it('keeps the planner alive: zero drive commands and idle status at the rate', () => {
      const rig = setUp();
      rig.executor.start(null);
      rig.clock.advanceBy(10 * PERIOD_US);
      expect(rig.drives()).toHaveLength(11);
      expect(rig.drives().every((d) => d.vMps === 0 && d.wRadps === 0)).toBe(true);
      expect(rig.statuses().at(-1)).toEqual({
        pose: null,
        missionKind: 'none',
        missionState: 'idle',
        missionId: null,
        progress: null,
        etaS: null,
        goalDistanceM: null,
      });
    });

    it('takes a mission assigned later, from the pose it is given then', () => {
      const rig = setUp();
      rig.executor.start(null);
      rig.clock.advanceBy(3 * PERIOD_US);
      rig.executor.assign(gotoAssignment(3, 0, { xM: 1, yM: 0, yawRad: 0 }));
      rig.clock.advanceBy(PERIOD_US);
      expect(rig.drives().at(-1)).toMatchObject({ vMps: 0.4, wRadps: 0 });
      expect(rig.statuses().at(-1)).toMatchObject({ missionKind: 'goto', missionState: 'active', goalDistanceM: 2 });
    });
  });

  it('sends nothing more after stop()', () => {
    const rig = setUp();
    rig.executor.start(gotoAssignment(2, 0));
    rig.clock.advanceBy(5 * PERIOD_US);
    rig.executor.stop();
    const count = rig.sent.length;
    rig.clock.advanceBy(1_000_000);
    expect(rig.sent).toHaveLength(count);
    expect(rig.clock.nextDueUs()).toBe(Infinity);
  });

  it('runs at whatever rate it is configured for', () => {
    const rig = setUp(true, cortexSettingsFromParams(paramsWith({ 'cortex.rateHz': 5 })));
    rig.executor.start(null);
    rig.clock.advanceBy(1_000_000);
    expect(rig.drives().map((d) => d.stampUs - T0)).toEqual([0, 200_000, 400_000, 600_000, 800_000, 1_000_000]);
  });
});

describe('MissionExecutor.retune', () => {
  it('GIVEN a robot cruising to a far goal WHEN the cruise speed is retuned THEN the next step asks for the new speed, and the settings it started with are not changed for anyone else', () => {
    const rig = setUp(true, SETTINGS);
    rig.executor.start(gotoAssignment(20, 0));
    rig.clock.advanceBy(20 * PERIOD_US);
    expect(rig.drives().at(-1)?.vMps).toBeCloseTo(SETTINGS.cruiseSpeedMps, 9);

    rig.executor.retune({ ...cortexTuningOf(SETTINGS), cruiseSpeedMps: 0.15 });
    rig.clock.advanceBy(PERIOD_US);

    expect(rig.drives().at(-1)?.vMps).toBeCloseTo(0.15, 9);
    expect(SETTINGS.cruiseSpeedMps).toBe(0.4);
    rig.executor.stop();
  });
});
