import { checkParamValue } from '../../config/param-values.js';
import { isParamName, paramDefinition } from '../../config/params.js';
import type { Mission } from '../../messages/mission.js';
import type { Requester } from '../../messages/runtime-event.js';
import type { OperatorChannel } from '../debug-port/operator-routes.js';
import type { SupervisorCommand } from '../proto-adapters/supervisor-frame.js';

type Command = Exclude<SupervisorCommand, { kind: 'event-ack' }>;
type Answer = { accepted: boolean; reason: string };

/** Where a supervisor's mission goes: the cortex, which answers whether it took it. */
export type MissionChannel = (missionId: string, mission: Mission) => Promise<Answer>;

/** Why a config update is refused: a name that is no parameter, or a value out of its range (null: every value is valid). */
export function configUpdateProblem(values: Record<string, number | boolean | string>): string | null {
  for (const [name, value] of Object.entries(values)) {
    if (!isParamName(name)) return `${name}: no such parameter`;
    const checked = checkParamValue(paramDefinition(name), value);
    if ('problem' in checked) return `${name}: ${checked.problem}`;
  }
  return null;
}

/**
 * Carries out the supervisor's commands: e-stop and resume by the operator path the debug port's
 * buttons take (so the reflex, the event log and the answers are the same), missions through the
 * cortex. Config updates are checked against the parameter definitions; a valid one is refused
 * too, saying so, as parameters are fixed while the runtime runs.
 */
export function uplinkCommands(operator: OperatorChannel, missions: MissionChannel, by: Requester) {
  return async (command: Command): Promise<Answer> => {
    switch (command.kind) {
      case 'estop': {
        const result = await operator({ kind: 'estop', reason: `supervisor: ${command.reason}`, by });
        return { accepted: result.ok, reason: result.ok ? '' : JSON.stringify(result.body) };
      }
      case 'resume': {
        const result = await operator({ kind: 'estop-reset', by });
        return { accepted: result.ok, reason: result.ok ? '' : JSON.stringify(result.body) };
      }
      case 'mission':
        return missions(command.missionId, command.mission);
      case 'config-update': {
        const problem = configUpdateProblem(command.values);
        if (problem) return { accepted: false, reason: `config update ${command.version}: ${problem}` };
        return {
          accepted: false,
          reason: `config update ${command.version}: parameters cannot change while the runtime runs`,
        };
      }
    }
  };
}
