import { paramUpdateProblem } from '../../config/param-tuning.js';
import type { MissionOrder } from '../../messages/mission.js';
import type { Requester } from '../../messages/runtime-event.js';
import type { ConfigChannel } from '../config-channel.js';
import type { OperatorChannel } from '../debug-port/operator-routes.js';
import type { SupervisorCommand } from '../proto-adapters/supervisor-frame.js';

type Command = Exclude<SupervisorCommand, { kind: 'event-ack' }>;
type Answer = { accepted: boolean; reason: string };

/** Where a supervisor's mission goes: the cortex, which answers whether it took it. */
export type MissionChannel = (order: MissionOrder) => Promise<Answer>;

/** Where the supervisor's commands are carried out. */
export interface CommandChannels {
  /** E-stop and resume, by the operator path. */
  operator: OperatorChannel;
  missions: MissionChannel;
  /** Config updates that passed the parameter definitions, applied by the main thread. */
  config: ConfigChannel;
}

/**
 * Carries out the supervisor's commands: e-stop and resume by the operator path the debug port's
 * buttons take (so the reflex, the event log and the answers are the same), missions through the
 * cortex. A config update is checked against the parameter definitions first (every name a
 * parameter tunable at run time, every value of its type and in its range); only then does it go to
 * the main thread, which answers once the values are in force. A refusal names the update's version
 * and the parameter.
 */
export function uplinkCommands(channels: CommandChannels, by: Requester) {
  return async (command: Command): Promise<Answer> => {
    switch (command.kind) {
      case 'estop': {
        const result = await channels.operator({ kind: 'estop', reason: `supervisor: ${command.reason}`, by });
        return { accepted: result.ok, reason: result.ok ? '' : JSON.stringify(result.body) };
      }
      case 'resume': {
        const result = await channels.operator({ kind: 'estop-reset', by });
        return { accepted: result.ok, reason: result.ok ? '' : JSON.stringify(result.body) };
      }
      case 'mission':
        return channels.missions({
          id: command.missionId,
          priority: command.priority,
          source: 'supervisor',
          mission: command.mission,
        });
      case 'config-update': {
        const { version, values } = command;
        const problem = paramUpdateProblem(values);
        if (problem) return { accepted: false, reason: `config update ${version}: ${problem}` };
        const answer = await channels.config({ version, values, by });
        return answer.accepted ? answer : { accepted: false, reason: `config update ${version}: ${answer.reason}` };
      }
    }
  };
}
