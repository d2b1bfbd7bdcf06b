/** Missions between their in-process types (messages/mission.ts) and the wire (spinal/v1/mission.proto). */
import type { Mission, MissionAssignment, MissionState } from '../../messages/mission.js';
import * as wire from '../proto/generated/spinal/v1/mission.generated.js';
import { enumMapping } from './enum-mapping.js';
import { DEFAULT_MISSION_TOLERANCE_M, missionShapeProblem } from '../../messages/mission-shape.js';
import { finite, readWire, required, WireFieldError, type FromWire } from './from-wire.js';
import { point2DToWire, pose2DToWire, readPoint2D, readPose2D } from './geometry.js';

export const missionStates = enumMapping<MissionState, wire.MissionState>({
  idle: wire.MissionState.IDLE,
  queued: wire.MissionState.QUEUED,
  active: wire.MissionState.ACTIVE,
  held: wire.MissionState.HELD,
  preempted: wire.MissionState.PREEMPTED,
  succeeded: wire.MissionState.SUCCEEDED,
  failed: wire.MissionState.FAILED,
  aborted: wire.MissionState.ABORTED,
});

export function missionToWire(mission: Mission): wire.Mission {
  switch (mission.kind) {
    case 'goto':
      return {
        kind: {
          $case: 'goto',
          value: {
            goal: point2DToWire(mission.goal),
            toleranceM: mission.toleranceM,
            heading: mission.headingRad === undefined ? undefined : { $case: 'headingRad', value: mission.headingRad },
          },
        },
      };
    case 'drive':
      return {
        kind: {
          $case: 'drive',
          value: { vMps: mission.vMps, wRadps: mission.wRadps, durationS: mission.durationS },
        },
      };
    case 'patrol':
      return {
        kind: {
          $case: 'patrol',
          value: {
            waypoints: mission.waypoints.map(point2DToWire),
            laps: mission.laps,
            toleranceM: mission.toleranceM,
          },
        },
      };
    case 'survey':
      return {
        kind: {
          $case: 'survey',
          value: {
            area: mission.area.map(point2DToWire),
            laneSpacingM: mission.laneSpacingM,
            toleranceM: mission.toleranceM,
          },
        },
      };
    case 'return-to-base':
      return { kind: { $case: 'returnToBase', value: { toleranceM: mission.toleranceM } } };
  }
}

/** A tolerance from the wire: proto3's 0 (not set) is the robot's default. */
function tolerance(value: number, field: string): number {
  const v = finite(value, field);
  if (v < 0) throw new WireFieldError(field, `${value} is negative`);
  return v === 0 ? DEFAULT_MISSION_TOLERANCE_M : v;
}

/**
 * Throws `WireFieldError` for a missing mission, one without a kind, or a value out of range (the
 * same checks, `messages/mission-shape.ts`, as a mission from the debug port's JSON).
 */
export function readMission(mission: wire.Mission | undefined, field: string): Mission {
  const kind = required(required(mission, field).kind, `${field}.kind`);
  const at = `${field}.kind.${kind.$case}`;
  let read: Mission;
  switch (kind.$case) {
    case 'goto': {
      read = {
        kind: 'goto',
        goal: readPoint2D(kind.value.goal, `${at}.goal`),
        toleranceM: tolerance(kind.value.toleranceM, `${at}.toleranceM`),
      };
      if (kind.value.heading) read.headingRad = finite(kind.value.heading.value, `${at}.headingRad`);
      break;
    }
    case 'drive':
      read = {
        kind: 'drive',
        vMps: finite(kind.value.vMps, `${at}.vMps`),
        wRadps: finite(kind.value.wRadps, `${at}.wRadps`),
        durationS: finite(kind.value.durationS, `${at}.durationS`),
      };
      break;
    case 'patrol':
      read = {
        kind: 'patrol',
        waypoints: kind.value.waypoints.map((p, i) => readPoint2D(p, `${at}.waypoints[${i}]`)),
        laps: kind.value.laps,
        toleranceM: tolerance(kind.value.toleranceM, `${at}.toleranceM`),
      };
      break;
    case 'survey':
      read = {
        kind: 'survey',
        area: kind.value.area.map((p, i) => readPoint2D(p, `${at}.area[${i}]`)),
        laneSpacingM: finite(kind.value.laneSpacingM, `${at}.laneSpacingM`),
        toleranceM: tolerance(kind.value.toleranceM, `${at}.toleranceM`),
      };
      break;
    case 'returnToBase':
      read = { kind: 'return-to-base', toleranceM: tolerance(kind.value.toleranceM, `${at}.toleranceM`) };
      break;
  }
  const problem = missionShapeProblem(read, at);
  if (problem) {
    const split = problem.indexOf(': ');
    throw new WireFieldError(problem.slice(0, split), problem.slice(split + 2));
  }
  return read;
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
