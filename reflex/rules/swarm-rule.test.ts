import { describe, expect, it } from 'vitest';
import {
  ROOM_FENCE,
  T0,
  command,
  inputsAt,
  reflexSettings,
  runningArbiter,
} from '../../test/harness/reflex-fixtures.js';
import type { InputOverrides } from '../../test/harness/reflex-fixtures.js';
import type { SwarmHold } from '../arbiter.js';

/**
 * The parameter defaults (config/params.ts `reflex.*`), in the arbiter's units, with the battery
 * and stall filters at zero so that every safety stop can be shown in a single update.
 */
const SETTINGS = reflexSettings({ 'reflex.batteryHoldMs': 0, 'reflex.stallTimeMs': 0 }, ROOM_FENCE);

/** A peer's claim on the corridor ahead, as the mesh delivers it. */
const CLAIM: SwarmHold = { peer: 'robot-2', reason: 'right of way in corridor B (claim 17)' };

describe('rule swarm-hold', () => {
  it("holds forward motion for a peer's claim, naming the peer and its claim; turning in place still passes", () => {
    // GIVEN a robot driving an arc
    const arbiter = runningArbiter(SETTINGS);
    let now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.3, 0.4)).action).toBe('none');

    // WHEN a peer claims the right of way
    now += 10_000;
    const decision = arbiter.update(now, inputsAt(now, 0.3, 0.4, { swarmHold: CLAIM }));

    // THEN forward motion stops, the turn passes, and the reason names the peer and its claim
    expect(decision).toMatchObject({ action: 'stop', vMps: 0, wRadps: 0.4, rule: 'swarm-hold' });
    expect(decision.reason).toBe('holding for robot-2: right of way in corridor B (claim 17)');
  });

  it('holds reversing too', () => {
    const arbiter = runningArbiter(SETTINGS);
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, -0.2, 0, { swarmHold: CLAIM }))).toMatchObject({
      action: 'stop',
      rule: 'swarm-hold',
      vMps: 0,
    });
  });

  it('has nothing to say to a robot standing or turning in place', () => {
    const arbiter = runningArbiter(SETTINGS);
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0, 1, { swarmHold: CLAIM }))).toEqual({
      action: 'none',
      vMps: 0,
      wRadps: 1,
      rule: '',
      reason: '',
      trip: null,
    });
  });

  it('is released at once when the peer releases its claim', () => {
    // GIVEN a robot held by a peer
    const arbiter = runningArbiter(SETTINGS);
    let now = T0 + 10_000;
    arbiter.update(now, inputsAt(now, 0.3, 0, { swarmHold: CLAIM }));

    // WHEN the peer releases
    now += 10_000;
    const decision = arbiter.update(now, inputsAt(now, 0.3, 0, { swarmHold: null }));

    // THEN the mission's command passes again
    expect(decision).toEqual({ action: 'none', vMps: 0.3, wRadps: 0, rule: '', reason: '', trip: null });
    expect(arbiter.holding()).toEqual([]);
  });

  it('outranks the mission: a limit on the command does not let it through', () => {
    const arbiter = runningArbiter(SETTINGS);
    const now = T0 + 10_000;
    expect(arbiter.update(now, inputsAt(now, 0.8, 0, { swarmHold: CLAIM }))).toMatchObject({
      action: 'stop',
      rule: 'swarm-hold',
      vMps: 0,
    });
  });

  it('a simultaneous dead-man names the dead-man, and no turn passes', () => {
    // GIVEN a robot held by a peer while turning
    const arbiter = runningArbiter(SETTINGS);
    const now = T0 + 700_000;

    // WHEN the planner has also gone silent
    const decision = arbiter.update(now, inputsAt(now, 0.3, 0.4, { swarmHold: CLAIM, command: command(0.3, 0.4, T0) }));

    // THEN the dead-man decides, and the turn the hold would allow is held too
    expect(decision).toMatchObject({ action: 'stop', rule: 'deadman', vMps: 0, wRadps: 0 });
    expect(decision.reason).toMatch(/^planner silent/);
  });

  describe('is below every safety stop', () => {
    const now = T0 + 10_000;
    const causes: Array<[string, InputOverrides]> = [
      [
        'estop-input',
        { switches: [{ id: 'estop-main', role: 'estop', active: true, reason: 'pressed', known: true }] },
      ],
      ['bumper', { switches: [{ id: 'bumper-front', role: 'bumper', active: true, reason: 'pressed', known: true }] }],
      ['impact', { imu: { tiltDeg: 0, shockG: 5, stampUs: now } }],
      ['lidar-stale', { lidarHealthy: false, lidarHealthReason: 'unplugged' }],
      ['deadman', { command: command(0.3, 0, now - 600_000) }],
      ['cortex-heartbeat', { cortexHeartbeatUs: now - 2_000_000 }],
      ['motor-driver', { motorDrivers: [{ id: 'M1', healthy: false, reason: 'overcurrent' }] }],
      ['loop-overrun', { recentDeadlineMisses: 20 }],
      ['obstacle', { points: [[0.25, 0]] }],
      ['geofence', { pose: { xM: 3.9, yM: 1.5, yawRad: 0 } }],
      ['battery-critical', { battery: { voltageV: 9.5, stampUs: now } }],
      ['tilt', { imu: { tiltDeg: 45, shockG: 0, stampUs: now } }],
      ['wheel-stall', { wheels: { measuredVMps: 0, stampUs: now } }],
    ];

    for (const [rule, cause] of causes) {
      it(`${rule} decides over a simultaneous swarm hold`, () => {
        // GIVEN a running robot
        const arbiter = runningArbiter(SETTINGS);

        // WHEN a peer holds it and the safety cause shows at the same time
        const decision = arbiter.update(now, inputsAt(now, 0.3, 0, { ...cause, swarmHold: CLAIM }));

        // THEN the safety rule decides, and is the trip
        expect(decision.rule).toBe(rule);
        expect(decision.trip?.rule).toBe(rule);
        expect(decision.vMps).toBe(0);
      });
    }
  });
});
