import type { ParamValues } from '../config/params.js';
import type { Point2D } from '../messages/geometry.js';
import type { ReflexSettings } from './reflex-types.js';

/**
 * The rules' settings from resolved parameters: every `reflex.*` parameter the rules are tuned by,
 * in the reflex's units (`…Ms` parameters become microseconds, the reaction latency seconds), and the
 * site's geofence (world frame; null: none). The one place this mapping is written: the runtime,
 * the benchmarks, the tests and the generated safety page all build their settings here.
 */
export function reflexSettingsFromParams(params: ParamValues, geofence: readonly Point2D[] | null): ReflexSettings {
  return {
    deadmanTimeoutUs: params['reflex.deadmanTimeoutMs'] * 1e3,
    lidarStaleTimeoutUs: params['reflex.lidarStaleTimeoutMs'] * 1e3,
    rangeStaleTimeoutUs: params['reflex.rangeStaleTimeoutMs'] * 1e3,
    obstacleMemoryUs: params['reflex.obstacleMemoryMs'] * 1e3,
    sectorStaleUs: params['reflex.sectorStaleMs'] * 1e3,
    seeThroughM: params['reflex.seeThroughM'],
    brakingDecelMps2: params['reflex.brakingDecelMps2'],
    brakingObservedMinSpeedMps: params['reflex.brakingObservedMinSpeedMps'],
    brakingObservedStops: params['reflex.brakingObservedStops'],
    brakingObservedFloorMps2: params['reflex.brakingObservedFloorMps2'],
    reactionLatencyS: params['reflex.reactionLatencyMs'] / 1e3,
    stopMarginM: params['reflex.stopMarginM'],
    sideMarginM: params['reflex.sideMarginM'],
    slowZoneM: params['reflex.slowZoneM'],
    maxSpeedMps: params['reflex.maxSpeedMps'],
    maxTurnRateRadps: params['reflex.maxTurnRateRadps'],
    creepSpeedMps: params['reflex.creepSpeedMps'],
    releaseSpeedMps: params['reflex.releaseSpeedMps'],
    overspeedToleranceMps: params['reflex.overspeedToleranceMps'],
    clearHoldUs: params['reflex.clearHoldMs'] * 1e3,
    cortexHeartbeatTimeoutUs: params['reflex.cortexHeartbeatTimeoutMs'] * 1e3,
    batteryLowV: params['reflex.batteryLowV'],
    batteryCriticalV: params['reflex.batteryCriticalV'],
    batteryHoldUs: params['reflex.batteryHoldMs'] * 1e3,
    batteryLowSpeedFactor: params['reflex.batteryLowSpeedFactor'],
    tiltLimitDeg: params['reflex.tiltLimitDeg'],
    impactLimitG: params['reflex.impactLimitG'],
    stallMinCommandMps: params['reflex.stallMinCommandMps'],
    stallTimeUs: params['reflex.stallTimeMs'] * 1e3,
    stallRatio: params['reflex.stallRatio'],
    readingMaxAgeUs: params['reflex.readingMaxAgeMs'] * 1e3,
    loopOverrunLimit: params['reflex.loopOverrunLimit'],
    geofence,
  };
}
