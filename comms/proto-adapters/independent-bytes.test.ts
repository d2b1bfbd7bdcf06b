/**
 * Bytes written by an independent protobuf implementation: Python's `protobuf` 3.21 (Debian
 * `python3-protobuf`), with code generated from comms/proto by Debian's `python3-grpc-tools`
 * (`python3 -m grpc_tools.protoc -I comms/proto --python_out=. spinal/v1/*.proto`), each message
 * built field by field as written beside it and printed with `SerializeToString().hex()`.
 */
import { describe, expect, it } from 'vitest';
import type { MissionAssignment } from '../../messages/mission.js';
import type { RuntimeEvent } from '../../messages/runtime-event.js';
import * as eventSchema from '../proto/generated/spinal/v1/event.generated.js';
import * as missionSchema from '../proto/generated/spinal/v1/mission.generated.js';
import { decodeWire } from './from-wire.js';
import { missionAssignmentFromWire, missionAssignmentToWire } from './mission.js';
import { runtimeEventFromWire, runtimeEventToWire } from './runtime-event.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));

/**
 * `RuntimeEvent(seq=42, at_us=12_500_000)`, `reflex_trip` rule `obstacle`, reason `0.18 m free ahead`,
 * one black-box entry: t_us 12_490_000, cmd_v_mps 0.4, ahead_free_m 0.18, lidar_age_ms 12,
 * battery_v 12.1, action `stop`, rule `obstacle` (no tilt).
 */
const REFLEX_TRIP =
  '082a10a0f8fa055a580a086f62737461636c651211302e3138206d20667265652061686561641a390890aafa05119a9999999999d93f' +
  '310ad7a3703d0ac73f390000000000002840413333333333332840520473746f705a086f62737461636c65';

/**
 * `RuntimeEvent(seq=43, at_us=13_000_000)`, `override` phase END, v 0.3, w -0.5, 17 commands,
 * end_reason `dead-man timeout`, by DEBUG_PORT from 127.0.0.1 with a token (no origin).
 */
const OVERRIDE_END =
  '082b10c0ba99067a39080211333333333333d33f19000000000000e0bf20112a10646561642d6d616e2074696d656f7574320f0801' +
  '12093132372e302e302e312001';

/** `MissionAssignment`: goto (4, -1.5) within 0.25 m, initial pose (0.5, 0) facing pi/2. */
const GOTO_ASSIGNMENT =
  '0a1f0a1d0a1209000000000000104011000000000000f8bf11000000000000d03f121209000000000000e03f19182d4454fb21f93f';

const trip: RuntimeEvent = {
  seq: 42,
  atUs: 12_500_000,
  kind: 'reflex-trip',
  rule: 'obstacle',
  reason: '0.18 m free ahead',
  blackBox: [
    {
      tUs: 12_490_000,
      cmdVMps: 0.4,
      cmdWRadps: 0,
      appliedVMps: 0,
      appliedWRadps: 0,
      aheadFreeM: 0.18,
      lidarAgeMs: 12,
      batteryV: 12.1,
      tiltDeg: null,
      action: 'stop',
      rule: 'obstacle',
    },
  ],
};

const overrideEnd: RuntimeEvent = {
  seq: 43,
  atUs: 13_000_000,
  kind: 'override',
  phase: 'end',
  vMps: 0.3,
  wRadps: -0.5,
  commands: 17,
  endReason: 'dead-man timeout',
  by: { via: 'debug-port', remoteAddress: '127.0.0.1', origin: null, authenticated: true },
};

const assignment: MissionAssignment = {
  mission: { kind: 'goto', goal: { xM: 4, yM: -1.5 }, toleranceM: 0.25 },
  initialPose: { xM: 0.5, yM: 0, yawRad: Math.PI / 2 },
};

describe('bytes from another protobuf implementation', () => {
  it('read as the events they describe, and are what this side writes for them', () => {
    for (const [bytes, event] of [
      [REFLEX_TRIP, trip],
      [OVERRIDE_END, overrideEnd],
    ] as const) {
      expect(decodeWire(eventSchema.RuntimeEvent, fromHex(bytes), runtimeEventFromWire)).toEqual({
        ok: true,
        value: event,
      });
      expect(hex(eventSchema.RuntimeEvent.encode(runtimeEventToWire(event)).finish())).toBe(bytes);
    }
  });

  it('read as the mission assignment they describe, and are what this side writes for it', () => {
    expect(decodeWire(missionSchema.MissionAssignment, fromHex(GOTO_ASSIGNMENT), missionAssignmentFromWire)).toEqual({
      ok: true,
      value: assignment,
    });
    expect(hex(missionSchema.MissionAssignment.encode(missionAssignmentToWire(assignment)).finish())).toBe(
      GOTO_ASSIGNMENT,
    );
  });
});
