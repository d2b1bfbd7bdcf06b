import { describe, expect, it } from 'vitest';
import type { Point2D } from '../messages/geometry.js';
import type { MissionOrder, MissionTransition } from '../messages/mission.js';
import { poseAtTime, type OdometrySample } from '../messages/odometry.js';
import type { OccupancyGridMessage } from '../messages/occupancy-grid.js';
import { paramsWith } from '../test/harness/test-params.js';
import { walledGrid } from '../test/harness/walled-grid.js';
import { VirtualClock } from '../time/virtual-clock.js';
import { cortexSettingsFromParams } from './cortex-settings.js';
import type { CortexStatus } from './cortex-thread-protocol.js';
import { MissionExecutor, type SiteConfig } from './mission-executor.js';

const RESOLUTION_M = 0.05;
const SIDE_CELLS = 200;

/** A 10 m square room, walled round, with a 1 m square box whose corner is at (4, 4). */
function roomMap(): OccupancyGridMessage {
  return walledGrid(SIDE_CELLS, RESOLUTION_M, (x, y) => x >= 80 && x < 100 && y >= 80 && y < 100);
}

const FENCE: Point2D[] = [
  { xM: 0.5, yM: 0.5 },
  { xM: 9.5, yM: 0.5 },
  { xM: 9.5, yM: 9.5 },
  { xM: 0.5, yM: 9.5 },
];

/** An executor on the room map at (2, 2), the robot moving exactly as told; every transition and status recorded. */
function setUp(site: SiteConfig = { geofence: FENCE, dock: { xM: 1.5, yM: 1.5 } }) {
  const settings = { ...cortexSettingsFromParams(paramsWith()), localisation: false };
  const periodUs = 1e6 / settings.rateHz;
  const clock = new VirtualClock(0);
  const transitions: MissionTransition[] = [];
  const statuses: CortexStatus[] = [];
  let odometry: OdometrySample = { stampUs: 0, pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0, wRadps: 0 };
  const executor: MissionExecutor = new MissionExecutor(
    clock,
    settings,
    (message) => {
      if (message.t === 'mission') transitions.push(message.transition);
      if (message.t === 'status') statuses.push(message.status);
      if (message.t !== 'drive') return;
      const { vMps, wRadps, stampUs } = message.command;
      odometry = { stampUs, pose: poseAtTime(odometry, stampUs), vMps, wRadps };
      executor.odometry(odometry);
    },
    odometry,
  );
  executor.useWorldModel(roomMap());
  executor.useSite(site);
  executor.placeAt({ xM: 2, yM: 2, yawRad: 0 });
  executor.start(null);
  const run = (seconds: number): void => clock.advanceBy(seconds * 1e6);
  const order = (id: string, mission: MissionOrder['mission'], priority = 50): MissionOrder => ({
    id,
    priority,
    source: 'debug-port',
    mission,
  });
  const changes = (id: string): string[] => transitions.filter((t) => t.id === id).map((t) => t.to);
  return { executor, clock, periodUs, run, order, transitions, statuses, changes };
}

describe('MissionExecutor: missions on a map', () => {
  it('GIVEN a patrol of three laps THEN it visits every waypoint in order each lap and succeeds with three laps done', () => {
    const rig = setUp();
    const waypoints = [
      { xM: 2, yM: 7 },
      { xM: 7, yM: 7 },
      { xM: 7, yM: 2 },
    ];
    expect(rig.executor.submit(rig.order('p', { kind: 'patrol', waypoints, laps: 3, toleranceM: 0.2 }))).toEqual({
      verdict: 'accepted',
    });
    const visits: number[] = [];
    let lastLeg = -1;
    for (let s = 0; s < 400 && rig.executor.missions()[0]?.state !== 'succeeded'; s++) {
      rig.run(0.5);
      const pose = rig.executor.status().pose!;
      const near = waypoints.findIndex((w) => Math.hypot(w.xM - pose.xM, w.yM - pose.yM) < 0.2);
      if (near >= 0 && near !== lastLeg) visits.push(near);
      if (near >= 0) lastLeg = near;
    }
    expect(rig.changes('p')).toEqual(['queued', 'active', 'succeeded']);
    expect(rig.executor.missions()[0]).toMatchObject({ id: 'p', state: 'succeeded', lapsDone: 3, progress: 1 });
    expect(visits.slice(0, 9)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
  });

  it('GIVEN a patrol under way WHEN a higher-priority goto arrives THEN the patrol is preempted, the goto runs and the patrol resumes and completes', () => {
    const rig = setUp();
    const waypoints = [
      { xM: 2, yM: 7 },
      { xM: 7, yM: 7 },
    ];
    rig.executor.submit(rig.order('patrol', { kind: 'patrol', waypoints, laps: 2, toleranceM: 0.2 }, 40));
    rig.run(5);
    const progressBefore = rig.executor.status().progress!;
    expect(progressBefore).toBeGreaterThan(0);
    expect(
      rig.executor.submit(rig.order('urgent', { kind: 'goto', goal: { xM: 8, yM: 2 }, toleranceM: 0.2 }, 90)),
    ).toEqual({
      verdict: 'accepted',
    });
    rig.run(0.1);
    expect(rig.executor.status()).toMatchObject({ missionId: 'urgent', missionState: 'active' });
    for (let s = 0; s < 300 && rig.changes('patrol').at(-1) !== 'succeeded'; s++) rig.run(0.5);
    expect(rig.changes('urgent')).toEqual(['queued', 'active', 'succeeded']);
    expect(rig.changes('patrol')).toEqual(['queued', 'active', 'preempted', 'active', 'succeeded']);
    const order = rig.transitions.map((t) => `${t.id}:${t.to}`);
    expect(order.indexOf('urgent:succeeded')).toBeLessThan(order.lastIndexOf('patrol:active'));
  });

  it.each([
    ['outside the geofence', { xM: 9.8, yM: 5 }, 'the goal (9.80, 5.00) is outside the geofence'],
    ['inside the box', { xM: 4.5, yM: 4.5 }, 'the goal (4.50, 4.50) is inside an obstacle on the map'],
  ])('refuses a goto %s with the reason, and keeps its current mission', (_, goal, reason) => {
    const rig = setUp();
    rig.executor.submit(rig.order('current', { kind: 'goto', goal: { xM: 7, yM: 7 }, toleranceM: 0.2 }));
    rig.run(1);
    expect(rig.executor.submit(rig.order('bad', { kind: 'goto', goal, toleranceM: 0.2 }, 90))).toEqual({
      verdict: 'impossible',
      reason,
    });
    rig.run(1);
    expect(rig.executor.status()).toMatchObject({ missionId: 'current', missionState: 'active' });
    expect(rig.changes('current')).toEqual(['queued', 'active']);
    // The refusal is kept as a mission that failed as it arrived, with the reason (an event).
    expect(rig.changes('bad')).toEqual(['failed']);
    expect(rig.transitions.find((t) => t.id === 'bad')?.reason).toBe(`refused: ${reason}`);
  });

  it('refuses a goal no way leads to, a malformed mission, a return with no dock, and an id in use', () => {
    const rig = setUp({ geofence: null, dock: null });
    const enclosed = roomMap();
    expect(enclosed.cells.length).toBeGreaterThan(0);
    expect(rig.executor.submit(rig.order('a', { kind: 'goto', goal: { xM: 7, yM: 7 }, toleranceM: 0.2 }))).toEqual({
      verdict: 'accepted',
    });
    expect(
      rig.executor.submit(rig.order('a', { kind: 'goto', goal: { xM: 6, yM: 6 }, toleranceM: 0.2 })),
    ).toMatchObject({
      verdict: 'conflict',
    });
    expect(rig.executor.submit(rig.order('b', { kind: 'goto', goal: { xM: 20, yM: 5 }, toleranceM: 0.2 }))).toEqual({
      verdict: 'impossible',
      reason: 'the goal (20.00, 5.00) cannot be reached on the map from (2.00, 2.00)',
    });
    expect(rig.executor.submit(rig.order('c', { kind: 'return-to-base', toleranceM: 0.2 }))).toMatchObject({
      verdict: 'impossible',
      reason: expect.stringContaining('no dock'),
    });
    expect(
      rig.executor.submit(rig.order('d', { kind: 'goto', goal: { xM: Number.NaN, yM: 1 }, toleranceM: 0.2 })),
    ).toEqual({
      verdict: 'malformed',
      reason: 'mission.goal.xM: must be a finite number',
    });
  });

  it('GIVEN a mission under way WHEN the reflex holds the robot for over a second THEN it is held, and active again once the reflex clears', () => {
    const rig = setUp();
    rig.executor.submit(rig.order('g', { kind: 'goto', goal: { xM: 7, yM: 2 }, toleranceM: 0.2 }));
    rig.run(1);
    rig.executor.reflexState({ state: 'stopped', reason: 'obstacle 0.3 m ahead' });
    rig.run(0.5);
    expect(rig.changes('g')).toEqual(['queued', 'active']);
    rig.run(1);
    expect(rig.changes('g')).toEqual(['queued', 'active', 'held']);
    expect(rig.transitions.at(-1)?.reason).toBe('held by the reflex: obstacle 0.3 m ahead');
    rig.executor.reflexState({ state: 'clear', reason: '' });
    rig.run(0.1);
    expect(rig.changes('g')).toEqual(['queued', 'active', 'held', 'active']);
  });

  it('GIVEN a goto with a heading THEN it turns to the heading at the goal before it succeeds; a return to base goes to the dock', () => {
    const rig = setUp();
    rig.executor.submit(
      rig.order('g', { kind: 'goto', goal: { xM: 3, yM: 2 }, toleranceM: 0.2, headingRad: Math.PI / 2 }),
    );
    for (let s = 0; s < 100 && rig.changes('g').at(-1) !== 'succeeded'; s++) rig.run(0.5);
    const pose = rig.executor.status().pose!;
    expect(rig.changes('g').at(-1)).toBe('succeeded');
    expect(Math.abs(pose.yawRad - Math.PI / 2)).toBeLessThan(0.1);
    rig.executor.submit(rig.order('home', { kind: 'return-to-base', toleranceM: 0.2 }));
    for (let s = 0; s < 100 && rig.changes('home').at(-1) !== 'succeeded'; s++) rig.run(0.5);
    const home = rig.executor.status().pose!;
    expect(Math.hypot(home.xM - 1.5, home.yM - 1.5)).toBeLessThan(0.2);
  });

  it('aborts a running mission on request, and the next one starts', () => {
    const rig = setUp();
    rig.executor.submit(rig.order('a', { kind: 'goto', goal: { xM: 7, yM: 7 }, toleranceM: 0.2 }));
    rig.executor.submit(rig.order('b', { kind: 'goto', goal: { xM: 2, yM: 7 }, toleranceM: 0.2 }));
    rig.run(1);
    expect(rig.executor.abort('a', 'aborted from the debug port')).toBe(true);
    expect(rig.executor.abort('zzz', 'aborted')).toBe(false);
    rig.run(0.1);
    expect(rig.changes('a')).toEqual(['queued', 'active', 'aborted']);
    expect(rig.executor.status()).toMatchObject({ missionId: 'b', missionState: 'active' });
    expect(rig.executor.missions().map((m) => [m.id, m.state])).toEqual([
      ['b', 'active'],
      ['a', 'aborted'],
    ]);
  });

  it('GIVEN a survey THEN it drives its lanes end to end and succeeds; a self-crossing area is malformed, one beyond the geofence impossible', () => {
    const rig = setUp();
    const bowtie = [
      { xM: 1, yM: 1 },
      { xM: 3, yM: 3 },
      { xM: 3, yM: 1 },
      { xM: 1, yM: 3 },
    ];
    expect(
      rig.executor.submit(rig.order('x', { kind: 'survey', area: bowtie, laneSpacingM: 0.3, toleranceM: 0.1 })),
    ).toMatchObject({
      verdict: 'malformed',
      reason: expect.stringContaining('mission.area: edges'),
    });
    const beyond = [
      { xM: 8, yM: 1 },
      { xM: 9.8, yM: 1 },
      { xM: 9.8, yM: 3 },
      { xM: 8, yM: 3 },
    ];
    expect(
      rig.executor.submit(rig.order('y', { kind: 'survey', area: beyond, laneSpacingM: 0.3, toleranceM: 0.1 })),
    ).toMatchObject({
      verdict: 'impossible',
      reason: expect.stringContaining('outside the geofence'),
    });
    const area = [
      { xM: 1, yM: 5.5 },
      { xM: 3, yM: 5.5 },
      { xM: 3, yM: 6.5 },
      { xM: 1, yM: 6.5 },
    ];
    expect(rig.executor.submit(rig.order('s', { kind: 'survey', area, laneSpacingM: 0.25, toleranceM: 0.1 }))).toEqual({
      verdict: 'accepted',
    });
    const ys = new Set<number>();
    for (let s = 0; s < 300 && rig.changes('s').at(-1) !== 'succeeded'; s++) {
      rig.run(0.5);
      const pose = rig.executor.status().pose!;
      if (pose.xM > 1.5 && pose.xM < 2.5 && pose.yM > 5.4 && pose.yM < 6.6) ys.add(Math.round(pose.yM / 0.25));
    }
    expect(rig.changes('s').at(-1)).toBe('succeeded');
    // Four lanes a spacing apart across the 1 m height: the robot drove through the middle of each.
    expect(ys.size).toBeGreaterThanOrEqual(4);
  });
});
