/** Supervisor frames (spinal/v1/uplink.proto) read into what the robot does with them; a bad frame is refused with its reason. */
import { DEFAULT_MISSION_PRIORITY, MAX_MISSION_PRIORITY, type Mission } from '../../messages/mission.js';
import * as wire from '../proto/generated/spinal/v1/uplink.generated.js';
import { decodeWire, readWire, required, WireFieldError, type FromWire } from './from-wire.js';
import { readMission } from './mission.js';
import { readParameterValue } from './runtime-event.js';

/** A supervisor frame the robot can act on. */
export type SupervisorCommand =
  | { kind: 'event-ack'; seq: number }
  | { kind: 'mission'; commandId: number; missionId: string; priority: number; mission: Mission }
  | { kind: 'estop'; commandId: number; reason: string }
  | { kind: 'resume'; commandId: number }
  | { kind: 'config-update'; commandId: number; version: number; values: Record<string, number | boolean | string> };

function readFrame(frame: wire.SupervisorFrame): SupervisorCommand {
  const f = required(frame.frame, 'frame');
  switch (f.$case) {
    case 'eventAck':
      return { kind: 'event-ack', seq: f.value.seq };
    case 'mission': {
      if (f.value.missionId === '') throw new WireFieldError('mission.missionId', 'empty');
      const mission = readMission(f.value.mission, 'mission.mission');
      const priority = f.value.priorityGiven?.value ?? DEFAULT_MISSION_PRIORITY;
      if (priority > MAX_MISSION_PRIORITY) {
        throw new WireFieldError('mission.priority', `${priority} is above ${MAX_MISSION_PRIORITY}`);
      }
      return { kind: 'mission', commandId: f.value.commandId, missionId: f.value.missionId, priority, mission };
    }
    case 'estop':
      return { kind: 'estop', commandId: f.value.commandId, reason: f.value.reason };
    case 'resume':
      return { kind: 'resume', commandId: f.value.commandId };
    case 'configUpdate': {
      const values: Record<string, number | boolean | string> = {};
      for (const [name, value] of Object.entries(f.value.values)) {
        values[name] = readParameterValue(value, `configUpdate.values.${name}`);
      }
      return { kind: 'config-update', commandId: f.value.commandId, version: f.value.version, values };
    }
  }
}

/** Reads the bytes of one supervisor frame: the command, or why it is refused (garbage, a missing field, an unknown enum, NaN). */
export function supervisorCommandFromBytes(bytes: Uint8Array): FromWire<SupervisorCommand> {
  return decodeWire(wire.SupervisorFrame, bytes, (frame) => readWire(() => readFrame(frame)));
}

/** The command id a refused frame carried, when enough of it could be read (0: none). */
export function commandIdOf(bytes: Uint8Array): number {
  try {
    const f = wire.SupervisorFrame.decode(bytes).frame;
    return f && f.$case !== 'eventAck' ? f.value.commandId : 0;
  } catch {
    return 0;
  }
}
