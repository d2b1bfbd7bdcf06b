import type { ParamValues } from '../config/params.js';
import type { CortexSettings } from './cortex-thread-protocol.js';

/**
 * The cortex's settings from resolved parameters: the `cortex.*` parameters, and the turn-rate
 * limit the reflex enforces (`reflex.maxTurnRateRadps`), so the planner never asks for more. The one
 * place this mapping is written; the runtime and the tests build their settings here.
 */
export function cortexSettingsFromParams(params: ParamValues): CortexSettings {
  return {
    rateHz: params['cortex.rateHz'],
    cruiseSpeedMps: params['cortex.cruiseSpeedMps'],
    headingGain: params['cortex.headingGain'],
    maxTurnRateRadps: params['reflex.maxTurnRateRadps'],
    goalToleranceM: params['cortex.goalToleranceM'],
  };
}
