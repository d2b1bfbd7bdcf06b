import { checkParamValue, type DriveLimits } from './param-values.js';
import { isParamName, paramDefinition, paramList, type ParamName, type ParamValues } from './params.js';

/** New values for some parameters, by name, as a config update carries them (not yet checked). */
export type ParamUpdate = Readonly<Record<string, number | boolean | string>>;

/** The names of the parameters that may change while the runtime runs (`tunable` in their definition). */
export const TUNABLE_PARAMS: readonly ParamName[] = Object.freeze(
  paramList.filter((definition) => definition.tunable === true).map((definition) => definition.name),
);

/**
 * Why `update` cannot be applied to a running robot, or null when it can: it sets nothing, names a
 * parameter that does not exist or is fixed while the runtime runs, gives a value out of its type or
 * range, or (with `drive`, the board's drive limits) a speed limit the wheels cannot reach. The
 * first problem found is named with its parameter.
 */
export function paramUpdateProblem(update: ParamUpdate, drive?: DriveLimits): string | null {
  const entries = Object.entries(update);
  if (entries.length === 0) return 'it sets no parameter';
  for (const [name, value] of entries) {
    if (!isParamName(name)) return `${name}: no such parameter`;
    const definition = paramDefinition(name);
    if (definition.tunable !== true) return `${name}: fixed while the runtime runs (it takes effect at the next start)`;
    const checked = checkParamValue(definition, value);
    if ('problem' in checked) return `${name}: ${checked.problem}`;
  }
  const speed = update['reflex.maxSpeedMps'];
  if (drive && typeof speed === 'number' && speed > drive.maxWheelSpeedMps) {
    return `reflex.maxSpeedMps: ${speed} m/s is more than robot.maxWheelSpeedMps ${drive.maxWheelSpeedMps} m/s: the wheels cannot reach it`;
  }
  return null;
}

/** `params` with `update` applied (check it with {@link paramUpdateProblem} first), frozen like resolved values. */
export function paramsWithUpdate(params: ParamValues, update: ParamUpdate): ParamValues {
  return Object.freeze({ ...params, ...update }) as ParamValues;
}

/** The tunable parameters' values in `params`, in definition order (what status shows as in force). */
export function tunableValues(params: ParamValues): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  for (const name of TUNABLE_PARAMS) out[name] = params[name];
  return out;
}
