import type { BoardConfig } from '../config/board-schema.js';
import type { ParamValues } from '../config/params.js';
import { RETUNABLE_CORTEX_SETTINGS, type CortexSettings, type CortexTuning } from './cortex-thread-protocol.js';

/**
 * The cortex's settings from resolved parameters: the `cortex.*` parameters, the turn-rate limit
 * the reflex enforces (`reflex.maxTurnRateRadps`), so the planner never asks for more, and the
 * robot's footprint and wheel base when the board is given (the planner's lethal radius, the wheel
 * odometry's turn; a 0.3 x 0.24 m base on wheels 0.2 m apart without one). The one place this mapping is written; the runtime and the tests build their
 * settings here.
 */
export function cortexSettingsFromParams(params: ParamValues, robot?: BoardConfig['robot']): CortexSettings {
  const footprint = robot?.footprint ?? { lengthM: 0.3, widthM: 0.24 };
  return {
    rateHz: params['cortex.rateHz'],
    cruiseSpeedMps: params['cortex.cruiseSpeedMps'],
    headingGain: params['cortex.headingGain'],
    maxTurnRateRadps: params['reflex.maxTurnRateRadps'],
    goalToleranceM: params['cortex.goalToleranceM'],
    localisation: params['cortex.localisation'],
    mapResolutionM: params['cortex.mapResolutionM'],
    mapSizeM: params['cortex.mapSizeM'],
    mapRangeM: params['cortex.mapRangeM'],
    inflationRadiusM: params['cortex.inflationRadiusM'],
    lookaheadM: params['cortex.lookaheadM'],
    maxAccelMps2: params['cortex.maxAccelMps2'],
    planExpansionsPerCycle: params['cortex.planExpansionsPerCycle'],
    robotRadiusM: Math.hypot(footprint.lengthM, footprint.widthM) / 2,
    passingClearanceM: params['reflex.stopMarginM'],
    wheelBaseM: robot?.wheelBaseM ?? 0.2,
    energy: {
      batteryCapacityWh: params['cortex.batteryCapacityWh'],
      batteryInternalOhms: params['cortex.batteryInternalOhms'],
      consumptionPriorWhPerM: params['cortex.consumptionPriorWhPerM'],
      returnReserveFactor: params['cortex.returnReserveFactor'],
      returnReserveFloorWh: params['cortex.returnReserveFloorWh'],
    },
    peers: {
      enabled: params['mesh.enabled'],
      robotId: params['robot.id'],
      stateHz: params['mesh.stateHz'],
      claimAheadM: params['mesh.claimAheadM'],
      claimForMs: params['mesh.claimForMs'],
    },
  };
}

/** The retunable part of `settings`, as a `retune` message carries it. */
export function cortexTuningOf(settings: CortexSettings): CortexTuning {
  const out = {} as Record<keyof CortexTuning, number>;
  for (const key of RETUNABLE_CORTEX_SETTINGS) out[key] = settings[key];
  return out;
}
