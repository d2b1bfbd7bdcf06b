import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as wire from '../proto/generated/spinal/v1/mission.generated.js';
import { MissionProgress } from '../proto/generated/spinal/v1/uplink.generated.js';
import { mission, missionAssignment, missionState } from '../../test/harness/message-arbitraries.js';
import { throughBytes } from '../../test/harness/wire-round-trip.js';
import { decodeWire } from './from-wire.js';
import {
  missionAssignmentFromWire,
  missionAssignmentToWire,
  missionFromWire,
  missionStates,
  missionToWire,
} from './mission.js';

describe('Mission on the wire', () => {
  it('comes back the same through bytes, for every kind', () => {
    fc.assert(
      fc.property(mission, (m) => {
        expect(missionFromWire(throughBytes(wire.Mission, missionToWire(m)))).toEqual({ ok: true, value: m });
      }),
    );
  });

  it('carries a mission assignment with its initial pose', () => {
    fc.assert(
      fc.property(missionAssignment, (assignment) => {
        const back = missionAssignmentFromWire(
          throughBytes(wire.MissionAssignment, missionAssignmentToWire(assignment)),
        );
        expect(back).toEqual({ ok: true, value: assignment });
      }),
    );
  });

  it('maps every mission state both ways', () => {
    fc.assert(
      fc.property(missionState, (state) => {
        const progress = throughBytes(MissionProgress, {
          kind: 'goto',
          state: missionStates.toWire(state),
          id: '',
          progress: 0,
          eta: undefined,
        });
        expect(missionStates.fromWire(progress.state, 'state')).toBe(state);
      }),
    );
  });
});

describe('A mission that makes no sense is refused with the field named', () => {
  it('NaN coordinates', () => {
    const bytes = wire.Mission.encode({
      kind: { $case: 'goto', value: { goal: { xM: Number.NaN, yM: 1 }, toleranceM: 0.2, heading: undefined } },
    }).finish();
    expect(decodeWire(wire.Mission, bytes, missionFromWire)).toEqual({
      ok: false,
      reason: 'mission.kind.goto.goal.xM: NaN is not a finite number',
    });
  });

  it('no kind at all, or a goto without its goal', () => {
    expect(missionFromWire({ kind: undefined })).toEqual({ ok: false, reason: 'mission.kind: missing' });
    expect(
      missionFromWire({ kind: { $case: 'goto', value: { goal: undefined, toleranceM: 0.2, heading: undefined } } }),
    ).toEqual({
      ok: false,
      reason: 'mission.kind.goto.goal: missing',
    });
  });

  it('a negative duration, and an assignment without its initial pose', () => {
    const drive = { kind: { $case: 'drive' as const, value: { vMps: 0.2, wRadps: 0, durationS: -1 } } };
    expect(missionFromWire(drive)).toEqual({ ok: false, reason: 'mission.kind.drive.durationS: must be > 0, got -1' });
    const { initialPose: _, ...withoutPose } = missionAssignmentToWire({
      mission: { kind: 'drive', vMps: 0.2, wRadps: 0, durationS: 1 },
      initialPose: { xM: 0, yM: 0, yawRad: 0 },
    });
    expect(missionAssignmentFromWire({ ...withoutPose, initialPose: undefined })).toEqual({
      ok: false,
      reason: 'initialPose: missing',
    });
  });

  it('an unknown or unspecified mission state', () => {
    expect(() => missionStates.fromWire(wire.MissionState.UNSPECIFIED, 'state')).toThrow('state: unknown value 0');
    expect(() => missionStates.fromWire(42 as wire.MissionState, 'state')).toThrow('state: unknown value 42');
  });

  it('truncated and garbage bytes', () => {
    const bytes = wire.Mission.encode(
      missionToWire({ kind: 'goto', goal: { xM: 1, yM: 2 }, toleranceM: 0.1 }),
    ).finish();
    const truncated = decodeWire(wire.Mission, bytes.subarray(0, bytes.length - 3), missionFromWire);
    expect(truncated.ok).toBe(false);
    expect(truncated.ok ? '' : truncated.reason).toMatch(/^malformed protobuf: /);
    const garbage = decodeWire(wire.Mission, Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), missionFromWire);
    expect(garbage.ok).toBe(false);
  });
});
