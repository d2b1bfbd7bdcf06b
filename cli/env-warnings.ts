import { ConfigError } from '../config/config-error.js';
import { ENVIRONMENT_FILE, envNameOf, unknownEnvVars } from '../config/param-values.js';
import { paramList } from '../config/params.js';
import { sanitizeExternalText } from '../messages/external-text.js';

/** The environment variables of the safety parameters (the reflex's): a typo in one is never let pass by `run`. */
const SAFETY_ENV_NAMES = new Set(paramList.filter((p) => p.name.startsWith('reflex.')).map((p) => envNameOf(p.name)));

/**
 * Warns on `out` of every `SPINAL_*` variable that is no parameter, with the closest name. With
 * `refuseSafetyTypos` (`spinal run`), a variable closest to a safety parameter is a ConfigError
 * instead: the robot must not run with a safety setting the operator believes is applied.
 */
export function checkUnknownEnvVars(
  env: Record<string, string | undefined>,
  out: { write(text: string): unknown },
  refuseSafetyTypos: boolean,
): void {
  for (const unknown of unknownEnvVars(env)) {
    const name = sanitizeExternalText(unknown.name, 80);
    const hint = unknown.didYouMean ? `; did you mean ${unknown.didYouMean}?` : '';
    if (refuseSafetyTypos && unknown.didYouMean && SAFETY_ENV_NAMES.has(unknown.didYouMean)) {
      throw new ConfigError(
        ENVIRONMENT_FILE,
        name,
        `is not a parameter${hint} It looks like a safety parameter, so spinal run refuses to start until it is fixed or unset`,
      );
    }
    out.write(`spinal: warning: ${name} is not a parameter and is ignored${hint}\n`);
  }
}
