import type { BoardConfig } from '../../config/board-schema.js';
import type { ParamValues } from '../../config/params.js';
import type { Point2D } from '../../messages/geometry.js';
import { ReflexLoop } from '../../reflex/reflex-loop.js';
import type { Clock } from '../../time/clock.js';
import type { DriveDevices } from './drive-devices.js';

/** The reflex loop of one robot: its settings from the parameters, its shape from the board, its devices. */
export function createReflex(
  o: { board: BoardConfig; params: ParamValues; clock: Clock; geofence: readonly Point2D[] | null; lockstep: boolean },
  devices: DriveDevices,
): ReflexLoop {
  const { board, params, clock } = o;
  return new ReflexLoop({
    clock,
    loopRateHz: params['reflex.loopRateHz'],
    settings: {
      deadmanTimeoutUs: params['reflex.deadmanTimeoutMs'] * 1e3,
      lidarStaleTimeoutUs: params['reflex.lidarStaleTimeoutMs'] * 1e3,
      obstacleMemoryUs: params['reflex.obstacleMemoryMs'] * 1e3,
      sectorStaleUs: params['reflex.sectorStaleMs'] * 1e3,
      seeThroughM: params['reflex.seeThroughM'],
      rangeStaleTimeoutUs: params['reflex.rangeStaleTimeoutMs'] * 1e3,
      brakingDecelMps2: params['reflex.brakingDecelMps2'],
      reactionLatencyS: params['reflex.reactionLatencyMs'] / 1e3,
      stopMarginM: params['reflex.stopMarginM'],
      slowZoneM: params['reflex.slowZoneM'],
      maxSpeedMps: params['reflex.maxSpeedMps'],
      maxTurnRateRadps: params['reflex.maxTurnRateRadps'],
      clearHoldUs: params['reflex.clearHoldMs'] * 1e3,
      cortexHeartbeatTimeoutUs: params['reflex.cortexHeartbeatTimeoutMs'] * 1e3,
      batteryLowV: params['reflex.batteryLowV'],
      batteryCriticalV: params['reflex.batteryCriticalV'],
      batteryHoldUs: params['reflex.batteryHoldMs'] * 1e3,
      tiltLimitDeg: params['reflex.tiltLimitDeg'],
      impactLimitG: params['reflex.impactLimitG'],
      stallMinCommandMps: params['reflex.stallMinCommandMps'],
      stallTimeUs: params['reflex.stallTimeMs'] * 1e3,
      loopOverrunLimit: params['reflex.loopOverrunLimit'],
      geofence: o.geofence,
    },
    footprint: board.robot.footprint,
    sideMarginM: params['reflex.sideMarginM'],
    geometry: {
      wheelBaseM: board.robot.wheelBaseM,
      maxWheelSpeedMps: board.robot.maxWheelSpeedMps,
      invertLeft: board.robot.drive.invertLeft,
      invertRight: board.robot.drive.invertRight,
    },
    ...devices,
    // In lock step no wall time passes between two clock readings: an iteration costs no clock time.
    elapsedMs: o.lockstep ? () => clock.nowUs() / 1e3 : undefined,
  });
}
