import { describe, expect, it } from 'vitest';
import type { PeerView } from '../messages/peer.js';
import type { RuntimeEventBody } from '../messages/runtime-event.js';
import { paramsWith } from '../test/harness/test-params.js';
import { VirtualClock } from '../time/virtual-clock.js';
import { cortexSettingsFromParams } from './cortex-settings.js';
import { MissionExecutor, type ExecutorOutput } from './mission-executor.js';
import { poseAtTime, type OdometrySample } from '../messages/odometry.js';

const T0 = 1_000_000;

/** An executor on an ideal robot (every command applied at once), recording what it sends. */
function setUp(params: Parameters<typeof paramsWith>[0] = {}) {
  const clock = new VirtualClock(T0);
  const sent: ExecutorOutput[] = [];
  let odometry: OdometrySample = { stampUs: T0, pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0, wRadps: 0 };
  const executor: MissionExecutor = new MissionExecutor(
    clock,
    cortexSettingsFromParams(paramsWith({ 'robot.id': 'robot-2', ...params })),
    (message) => {
      sent.push(message);
      if (message.t === 'drive') {
        const { vMps, wRadps, stampUs } = message.command;
        odometry = { stampUs, pose: poseAtTime(odometry, stampUs), vMps, wRadps };
        executor.odometry(odometry);
      }
    },
    odometry,
  );
  executor.start({ mission: { kind: 'goto', goal: { xM: 6, yM: 0 }, toleranceM: 0.1 }, initialPose: odometry.pose });
  const since = (index: number) => sent.slice(index);
  const pose = () => poseAtTime(odometry, clock.nowUs());
  return { clock, executor, sent, since, pose };
}

/** A peer `id` standing at (x, 0) facing the robot, on its way west along y 0 (a claim along that way). */
function peerHeadOn(id: string, xM: number, nowUs: number): PeerView {
  const path = [
    { xM, yM: 0 },
    { xM: xM - 2, yM: 0 },
    { xM: xM - 4, yM: 0 },
  ];
  return {
    id,
    online: true,
    bootId: 'boot',
    ageMs: 0,
    stale: false,
    state: {
      robotId: id,
      safetyStopped: false,
      carryingPayload: false,
      missionPriority: 50,
      atUs: nowUs,
      pose: { xM, yM: 0, yawRad: Math.PI },
      vMps: 0.3,
      wRadps: 0,
      pathPreview: path,
      footprintRadiusM: 0.19,
    },
    claim: { robotId: id, claimSeq: 1, path, fromUs: nowUs, untilUs: nowUs + 2_000_000 },
  };
}

const rightOfWay = (sent: ExecutorOutput[]): Array<Extract<RuntimeEventBody, { kind: 'right-of-way' }>> =>
  sent.flatMap((m) => (m.t === 'record' && m.body.kind === 'right-of-way' ? [m.body] : []));

describe('the mission executor among peers', () => {
  it('GIVEN no peer THEN it drives, and tells the mesh its state and claim at mesh.stateHz (every other step at 20 Hz)', () => {
    const { clock, sent } = setUp();
    clock.advanceBy(1_000_000);
    const meshes = sent.flatMap((m) => (m.t === 'mesh' ? [m] : []));
    expect(meshes.length).toBeGreaterThanOrEqual(10);
    expect(meshes.length).toBeLessThanOrEqual(11);
    const last = meshes.at(-1)!;
    expect(last.state).toMatchObject({ missionPriority: 50, carryingPayload: false, safetyStopped: false });
    expect(last.state.footprintRadiusM).toBeCloseTo(Math.hypot(0.3, 0.24) / 2, 6);
    expect(last.state.pose.xM).toBeGreaterThan(0.1);
    expect(last.claim.path.length).toBeGreaterThan(0);
    expect(sent.some((m) => m.t === 'swarm-hold')).toBe(false);
    expect(rightOfWay(sent)).toEqual([]);
  });

  it(
    'GIVEN a peer that goes first (robot-1) coming head-on along its way THEN it backs off to a passing place off that way ' +
      '(a deadlock broken, a back-off event); WHEN the peer is gone THEN it goes on to its goal',
    () => {
      const { clock, executor, since, pose } = setUp();
      clock.advanceBy(500_000);
      const mark = since(0).length;
      const peer = (): PeerView => peerHeadOn('robot-1', 3, clock.nowUs());
      for (let i = 0; i < 40; i++) {
        executor.peers([peer()], []);
        clock.advanceBy(100_000);
      }
      const away = since(mark);
      expect(rightOfWay(away).map((e) => [e.action, e.peer])).toContainEqual(['back-off', 'robot-1']);
      expect(rightOfWay(away)[0]).toMatchObject({ action: 'deadlock', cycle: ['robot-2', 'robot-1'] });
      // Off the peer's way: its footprint and the peer's (0.19 m each) apart from the line it comes along.
      expect(Math.abs(pose().yM)).toBeGreaterThan(0.35);

      const released = since(0).length;
      executor.peers([], []);
      clock.advanceBy(30_000_000);
      const after = since(released);
      expect(rightOfWay(after)).toContainEqual(expect.objectContaining({ action: 'go', peer: '' }));
      expect(pose().xM).toBeGreaterThan(5.8);
    },
  );

  it(
    'GIVEN a peer that gives way (robot-3) standing in its way THEN it holds for it (it must move first): no motion, ' +
      'the reflex told of a swarm hold naming it, a hold event',
    () => {
      const { clock, executor, since } = setUp();
      clock.advanceBy(500_000);
      const mark = since(0).length;
      executor.peers([peerHeadOn('robot-3', 2, clock.nowUs())], []);
      clock.advanceBy(500_000);
      const held = since(mark);
      const at = held.findIndex((m) => m.t === 'swarm-hold');
      expect(held[at]).toMatchObject({ t: 'swarm-hold', hold: { peer: 'robot-3' } });
      const drives = held.slice(at).flatMap((m) => (m.t === 'drive' ? [m.command] : []));
      expect(drives.length).toBeGreaterThan(5);
      for (const drive of drives) expect(drive).toMatchObject({ vMps: 0, wRadps: 0 });
      expect(rightOfWay(held)[0]).toMatchObject({ action: 'hold', peer: 'robot-3' });
    },
  );

  it('GIVEN the mesh off (mesh.enabled false) THEN it tells no one anything and yields to no one', () => {
    const { clock, executor, sent } = setUp({ 'mesh.enabled': false });
    executor.peers([peerHeadOn('robot-1', 3, clock.nowUs())], []);
    clock.advanceBy(1_000_000);
    expect(sent.some((m) => m.t === 'mesh' || m.t === 'swarm-hold')).toBe(false);
    expect(sent.some((m) => m.t === 'drive' && m.command.vMps > 0)).toBe(true);
  });
});
