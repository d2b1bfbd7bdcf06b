/** Missions between their in-process types (messages/mission.ts) and the wire (spinal/v1/mission.proto). */
import type { Mission, MissionAssignment, MissionState } from '../../messages/mission.js';
import * as wire from '../proto/generated/spinal/v1/mission.generated.js';
import { enumMapping } from './enum-mapping.js';
import { finite, readWire, required, WireFieldError, type FromWire } from './from-wire.js';
import { point2DToWire, pose2DToWire, readPoint2D, readPose2D } from './geometry.js';

export const missionStates = enumMapping<MissionState, wire.MissionState>({
  idle: wire.MissionState.IDLE,
  active: wire.MissionState.ACTIVE,
  succeeded: wire.MissionState.SUCCEEDED,
  failed: wire.MissionState.FAILED,
  aborted: wire.MissionState.ABORTED,
});

export function missionToWire(mission: Mission): wire.Mission {
  switch (mission.kind) {
    case 'goto':
      return { kind: { $case: 'goto', value: { goal: point2DToWire(mission.goal), toleranceM: mission.toleranceM } } };
    case 'drive':
      return {
        kind: {
          $case: 'drive',
          value: { vMps: mission.vMps, wRadps: mission.wRadps, durationS: mission.durationS },
        },
      };
  }
}

/** A value that must be finite and not negative (a tolerance, a duration). */
function nonNegative(value: number, field: string): number {
  if (finite(value, field) < 0) throw new WireFieldError(field, `${value} is negative`);
  return value;
}

/** Throws `WireFieldError` for a missing mission, one without a kind, or a value out of range. */
export function readMission(mission: wire.Mission | undefined, field: string): Mission {
  const kind = required(required(mission, field).kind, `${field}.kind`);
  switch (kind.$case) {
    case 'goto': {
      const at = `${field}.kind.goto`;
      return {
        kind: 'goto',
        goal: readPoint2D(kind.value.goal, `${at}.goal`),
        toleranceM: nonNegative(kind.value.toleranceM, `${at}.toleranceM`),
      };
    }
    case 'drive': {
      const at = `${field}.kind.drive`;
      return {
        kind: 'drive',
        vMps: finite(kind.value.vMps, `${at}.vMps`),
        wRadps: finite(kind.value.wRadps, `${at}.wRadps`),
        durationS: nonNegative(kind.value.durationS, `${at}.durationS`),
      };
    }
  }
}

export function missionFromWire(mission: wire.Mission): FromWire<Mission> {
  return readWire(() => readMission(mission, 'mission'));
}

export function missionAssignmentToWire(assignment: MissionAssignment): wire.MissionAssignment {
  return { mission: missionToWire(assignment.mission), initialPose: pose2DToWire(assignment.initialPose) };
}

export function missionAssignmentFromWire(assignment: wire.MissionAssignment): FromWire<MissionAssignment> {
  return readWire(() => ({
    mission: readMission(assignment.mission, 'mission'),
    initialPose: readPose2D(assignment.initialPose, 'initialPose'),
  }));
}
