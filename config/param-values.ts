import createDebug from 'debug';
import { ConfigError, formatFieldPath } from './config-error.js';
import { readListenAddress, tokenRequiredOn } from './listen-address.js';
import {
  isParamName,
  paramDefinition,
  paramList,
  type ParamDefinition,
  type ParamName,
  type ParamValues,
} from './params.js';

const log = createDebug('spinal:config:params');

/** Where a resolved value came from, lowest precedence first. */
export type ParamSource = 'default' | 'board' | 'config' | 'env';

/** Parameter values read from one file: the board file's or the `--config` file's `params:`. */
export interface ParamFileValues {
  /** Path of the file, as given; named in errors. */
  file: string;
  /** `params:` of the file, by parameter name; not yet checked. */
  values: Record<string, unknown>;
}

/** What a board's drive can deliver, from its `robot:` section: the limits the reflex's parameters must stay within. */
export interface DriveLimits {
  /** `robot.maxWheelSpeedMps`: wheel surface speed at full duty, m/s. */
  maxWheelSpeedMps: number;
  /** `robot.stopDecelMps2`: the deceleration the drive achieves when the reflex stops it, m/s² (absent: not declared). */
  stopDecelMps2?: number;
}

/** Everything a parameter can be set from; a source left out sets nothing. */
export interface ParamInputs {
  /** The board file's `params:`, and with `drive` its drive's limits (checked against the reflex's parameters). */
  board?: ParamFileValues & { drive?: DriveLimits };
  config?: ParamFileValues;
  /** The process environment (pass `process.env`); left out, no `SPINAL_*` variable applies. */
  env?: Record<string, string | undefined>;
}

/** A `SPINAL_*` variable that is not a parameter, with the parameter variable it is closest to. */
export interface UnknownEnvVar {
  name: string;
  didYouMean: string | undefined;
}

/** The file name used in errors about environment variables. */
export const ENVIRONMENT_FILE = 'environment';

const ENV_PREFIX = 'SPINAL_';

/** The environment variable of a parameter: `reflex.deadmanTimeoutMs` -> `SPINAL_REFLEX_DEADMAN_TIMEOUT_MS`. */
export function envNameOf(name: string): string {
  const snake = name
    .split('.')
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2'))
    .join('_');
  return ENV_PREFIX + snake.toUpperCase();
}

const sourcesOfResolved = new WeakMap<object, Readonly<Record<ParamName, ParamSource>>>();

/**
 * Resolves every parameter: its default, overridden by the board file's `params:`, then by the
 * `--config` file, then by `SPINAL_*` environment variables. The first unknown name or bad value
 * throws a ConfigError naming the file (or `environment`) and the field. A `debug.listen` beyond
 * loopback with an empty `debug.token` is refused too. The result is frozen; `paramSources(result)`
 * tells where each value came from.
 */
export function resolveParams(inputs: ParamInputs): ParamValues {
  const values: Record<string, string | number | boolean> = {};
  const sources: Record<string, ParamSource> = {};
  const origins: Record<string, { file: string; path: string }> = {};
  for (const definition of paramList) {
    values[definition.name] = definition.default;
    sources[definition.name] = 'default';
  }

  const fileInputs: Array<[ParamSource, ParamFileValues | undefined]> = [
    ['board', inputs.board],
    ['config', inputs.config],
  ];
  for (const [source, input] of fileInputs) {
    if (!input) continue;
    for (const [name, raw] of Object.entries(input.values)) {
      const path = formatFieldPath(['params', name]);
      if (!isParamName(name)) throw new ConfigError(input.file, path, unknownParamProblem(name, raw));
      const checked = checkParamValue(paramDefinition(name), raw);
      if ('problem' in checked) throw new ConfigError(input.file, path, checked.problem);
      values[name] = checked.value;
      sources[name] = source;
      origins[name] = { file: input.file, path };
    }
  }

  const env = inputs.env ?? {};
  for (const definition of paramList) {
    const envName = envNameOf(definition.name);
    const text = env[envName];
    if (text === undefined) continue;
    const checked = parseEnvValue(definition, text);
    if ('problem' in checked) throw new ConfigError(ENVIRONMENT_FILE, envName, checked.problem);
    values[definition.name] = checked.value;
    sources[definition.name] = 'env';
    origins[definition.name] = { file: ENVIRONMENT_FILE, path: envName };
  }

  requireTokenBeyondLoopback(values, origins);
  if (inputs.board?.drive) requireDeliverableMotion(values, origins, inputs.board.file, inputs.board.drive);

  const resolved = Object.freeze(values) as ParamValues;
  sourcesOfResolved.set(resolved, Object.freeze(sources) as Record<ParamName, ParamSource>);
  if (log.enabled) for (const line of describeParams(resolved)) log(line);
  return resolved;
}

/** Where each value of `values` came from; `undefined` when `values` was not made by `resolveParams`. */
export function paramSources(values: ParamValues): Readonly<Record<ParamName, ParamSource>> | undefined {
  return sourcesOfResolved.get(values);
}

/** A value as printed in `--help`, logs and docs; a secret parameter's value is always `***`. */
export function formatParamValue(definition: ParamDefinition, value: string | number | boolean): string {
  if (definition.secret) return '***';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * One line per parameter, `name = value (source)`, e.g. `reflex.deadmanTimeoutMs = 500 (default)`;
 * secrets are `***`. The `(source)` part is left out for values not made by `resolveParams`.
 */
export function describeParams(values: ParamValues): string[] {
  const sources = paramSources(values);
  return paramList.map((definition) => {
    const shown = formatParamValue(definition, values[definition.name]);
    const source = sources?.[definition.name];
    return source ? `${definition.name} = ${shown} (${source})` : `${definition.name} = ${shown}`;
  });
}

/** The values with every secret replaced by `***`, safe to log, export or show on the debug port. */
export function redactParams(values: ParamValues): Record<ParamName, string | number | boolean> {
  const out = {} as Record<ParamName, string | number | boolean>;
  for (const definition of paramList) out[definition.name] = definition.secret ? '***' : values[definition.name];
  return out;
}

/**
 * `SPINAL_*` variables in `env` that look like parameters (`SPINAL_<SECTION>_<NAME>`, any letter
 * case) but are none; `resolveParams` ignores them, the caller may warn. Sorted by name.
 */
export function unknownEnvVars(env: Record<string, string | undefined>): UnknownEnvVar[] {
  const known = paramList.map((definition) => envNameOf(definition.name));
  const knownSet = new Set(known);
  const out: UnknownEnvVar[] = [];
  for (const name of Object.keys(env)) {
    if (env[name] === undefined || knownSet.has(name)) continue;
    if (!/^SPINAL_[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(name.toUpperCase())) continue;
    out.push({ name, didYouMean: closestName(name.toUpperCase(), known) });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Checks a value read from a file (already typed by YAML) against its definition. */
export function checkParamValue(
  definition: ParamDefinition,
  raw: unknown,
): { value: string | number | boolean } | { problem: string } {
  switch (definition.type) {
    case 'number':
    case 'integer': {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) {
        return {
          problem: `expected ${definition.type === 'integer' ? 'an integer' : 'a number'} (${rangeText(definition)}), got ${describeRaw(raw)}`,
        };
      }
      return checkNumber(definition, raw);
    }
    case 'string': {
      if (typeof raw !== 'string') return { problem: `expected a string, got ${describeRaw(raw)}` };
      const problem = definition.format?.problemWith(raw);
      return problem ? { problem } : { value: raw };
    }
    case 'boolean': {
      if (typeof raw !== 'boolean') return { problem: `expected true or false, got ${describeRaw(raw)}` };
      return { value: raw };
    }
  }
}

/** Parses an environment variable's text per the parameter's type, then checks it like a file value. */
export function parseEnvValue(
  definition: ParamDefinition,
  text: string,
): { value: string | number | boolean } | { problem: string } {
  switch (definition.type) {
    case 'number':
    case 'integer': {
      const trimmed = text.trim();
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
        return {
          problem: `${JSON.stringify(text)} is not ${definition.type === 'integer' ? 'an integer' : 'a number'} (${rangeText(definition)})`,
        };
      }
      return checkNumber(definition, Number(trimmed));
    }
    case 'string':
      return checkParamValue(definition, text);
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lower)) return { value: true };
      if (['false', '0', 'no', 'off'].includes(lower)) return { value: false };
      return { problem: `${JSON.stringify(text)} is not true or false (1/0, yes/no and on/off are accepted too)` };
    }
  }
}

function checkNumber(
  definition: ParamDefinition & { type: 'number' | 'integer' },
  value: number,
): { value: number } | { problem: string } {
  if (definition.type === 'integer' && !Number.isInteger(value)) {
    return { problem: `${withUnit(value, definition.unit)} is not an integer (${rangeText(definition)})` };
  }
  if (value < definition.min || value > definition.max) {
    return { problem: `${withUnit(value, definition.unit)} is out of range ${rangeText(definition)}` };
  }
  return { value };
}

/** `20..5000 ms`, or `10..1000` when the parameter has no unit. */
export function rangeText(definition: { min: number; max: number; unit: string }): string {
  return withUnit(`${definition.min}..${definition.max}`, definition.unit);
}

function withUnit(value: number | string, unit: string): string {
  return unit ? `${value} ${unit}` : String(value);
}

function describeRaw(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  if (typeof raw === 'object') return 'a mapping';
  if (typeof raw === 'string') return `string ${JSON.stringify(raw)}`;
  return `${typeof raw} ${String(raw)}`;
}

function unknownParamProblem(name: string, raw: unknown): string {
  const sectionFirst = paramList.find((definition) => definition.name.startsWith(`${name}.`));
  if (sectionFirst && raw !== null && typeof raw === 'object') {
    return `unknown parameter; write parameters as dotted names, e.g. "${sectionFirst.name}: ${formatParamValue(sectionFirst, sectionFirst.default)}"`;
  }
  const suggestion = closestName(
    name,
    paramList.map((definition) => definition.name),
  );
  return suggestion
    ? `unknown parameter; did you mean "${suggestion}"?`
    : 'unknown parameter (docs/configuration.md lists them all)';
}

/**
 * The candidate `name` was most likely meant to be: same name in another letter case, same last
 * part under another section, or only a few typing mistakes away. `undefined` when none is close.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const sameCase = candidates.find((candidate) => candidate.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const lastPart = lower.split('.').pop() ?? lower;
  const sameLastPart = candidates.filter((candidate) => (candidate.toLowerCase().split('.').pop() ?? '') === lastPart);
  if (sameLastPart.length === 1) return sameLastPart[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(2, Math.floor(name.length / 6));
  return bestDistance <= allowed ? best : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Values legal one by one can still promise motion the board cannot deliver: a speed limit above
 * the wheels' top speed, or a braking deceleration above the one the drive's stop achieves (the
 * reflex would stop too late). Named: the parameter where it was set, and the board field.
 */
function requireDeliverableMotion(
  values: Record<string, string | number | boolean>,
  origins: Record<string, { file: string; path: string }>,
  boardFile: string,
  drive: DriveLimits,
): void {
  const at = (name: ParamName): { file: string; path: string } =>
    origins[name] ?? { file: boardFile, path: `${formatFieldPath(['params', name])} (default)` };
  const speed = Number(values['reflex.maxSpeedMps']);
  if (speed > drive.maxWheelSpeedMps) {
    const origin = at('reflex.maxSpeedMps');
    throw new ConfigError(
      origin.file,
      origin.path,
      `reflex.maxSpeedMps ${speed} m/s is more than robot.maxWheelSpeedMps ${drive.maxWheelSpeedMps} m/s in ${boardFile}: the wheels cannot reach it`,
    );
  }
  const decel = Number(values['reflex.brakingDecelMps2']);
  if (drive.stopDecelMps2 !== undefined && decel > drive.stopDecelMps2) {
    const origin = at('reflex.brakingDecelMps2');
    throw new ConfigError(
      origin.file,
      origin.path,
      `reflex.brakingDecelMps2 ${decel} m/s² is more than robot.stopDecelMps2 ${drive.stopDecelMps2} m/s² in ${boardFile}, ` +
        `the deceleration this board's drive achieves when it stops: the reflex would count on braking it does not have`,
    );
  }
}

function requireTokenBeyondLoopback(
  values: Record<string, string | number | boolean>,
  origins: Record<string, { file: string; path: string }>,
): void {
  const listen = String(values['debug.listen']);
  const parsed = readListenAddress(listen);
  if ('problem' in parsed || !tokenRequiredOn(parsed.host) || values['debug.token'] !== '') return;
  const origin = origins['debug.listen'] ?? { file: ENVIRONMENT_FILE, path: envNameOf('debug.listen') };
  throw new ConfigError(
    origin.file,
    origin.path,
    `${listen} is reachable from other machines, so debug.token must be set (${envNameOf('debug.token')} keeps it out of files)`,
  );
}
