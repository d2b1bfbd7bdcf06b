import createDebug from 'debug';
import type { ConfigUpdateAnswer, ConfigUpdateRequest } from '../../comms/config-channel.js';
import type { BoardConfig } from '../../config/board-schema.js';
import { paramsWithUpdate, paramUpdateProblem, tunableValues, type ParamUpdate } from '../../config/param-tuning.js';
import type { ParamValues } from '../../config/params.js';
import { cortexSettingsFromParams, cortexTuningOf } from '../../cortex/cortex-settings.js';
import type { CortexTuning } from '../../cortex/cortex-thread-protocol.js';
import type { Point2D } from '../../messages/geometry.js';
import type { RuntimeEventBody } from '../../messages/runtime-event.js';
import type { ConfigStatus } from '../../messages/runtime-status.js';
import type { ReflexSettings } from '../../reflex/reflex-types.js';
import { reflexSettingsFromParams } from '../../reflex/reflex-settings.js';

const log = createDebug('spinal:runtime:params');

/** What a config update is applied to: the reflex (on this thread, between two of its steps) and the cortex. */
export interface TunedParts {
  reflex: { retune(settings: ReflexSettings): string | null };
  cortex: { retune(tuning: CortexTuning): void };
}

/**
 * The parameters in force while the runtime runs, and config updates applied to them. An update is
 * checked again here (names tunable, values in range, a speed limit the board's wheels can reach),
 * then the reflex takes it between two evaluations (or refuses it: nothing changes then), then the
 * cortex; once both have it, it is recorded as a `config-change` event and answered accepted. Each
 * update must be newer than the one in force; the same version with the same values again is
 * answered accepted without a second event (a supervisor resending after a lost answer).
 */
export class LiveParams {
  private version = 0;
  private lastValues: ParamUpdate = {};

  constructor(
    private params: ParamValues,
    private readonly o: {
      board: BoardConfig;
      geofence: readonly Point2D[] | null;
      parts: TunedParts;
      record(body: RuntimeEventBody): void;
    },
  ) {}

  apply(update: ConfigUpdateRequest): ConfigUpdateAnswer {
    const { version, values } = update;
    if (version === this.version && sameValues(values, this.lastValues)) return { accepted: true, reason: '' };
    if (version <= this.version)
      return { accepted: false, reason: `version ${version} is not newer than ${this.version}, the one in force` };
    const problem = paramUpdateProblem(values, { maxWheelSpeedMps: this.o.board.robot.maxWheelSpeedMps });
    if (problem) return { accepted: false, reason: problem };
    const next = paramsWithUpdate(this.params, values);
    const refused = this.o.parts.reflex.retune(reflexSettingsFromParams(next, this.o.geofence));
    if (refused) return { accepted: false, reason: `the reflex refused it: ${refused}` };
    this.o.parts.cortex.retune(cortexTuningOf(cortexSettingsFromParams(next, this.o.board.robot)));
    this.params = next;
    this.version = version;
    this.lastValues = { ...values };
    log('config update %d in force: %o', version, values);
    this.o.record({ kind: 'config-change', version, values: { ...values }, by: update.by });
    return { accepted: true, reason: '' };
  }

  /** The version of the last update in force (0: none since start) and the tunable parameters' values now. */
  status(): ConfigStatus {
    return { version: this.version, tunable: tunableValues(this.params) };
  }

  /** The parameters in force now. */
  values(): ParamValues {
    return this.params;
  }
}

function sameValues(a: ParamUpdate, b: ParamUpdate): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
