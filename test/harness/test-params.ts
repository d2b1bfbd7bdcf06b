import { resolveParams } from '../../config/param-values.js';
import type { ParamName, ParamValues } from '../../config/params.js';

/** Parameter values a test sets, by parameter name, in the parameters' own units. */
export type ParamOverrides = { readonly [K in ParamName]?: ParamValues[K] };

/**
 * The parameter values users run with (every default of `config/params.ts`), with `overrides` set
 * by name. Overrides are not range-checked, so a test may probe a setting no config file could
 * give (a filter at zero, say).
 */
export function paramsWith(overrides: ParamOverrides = {}): ParamValues {
  return { ...resolveParams({}), ...overrides };
}
