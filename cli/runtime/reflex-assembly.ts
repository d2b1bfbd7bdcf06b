import type { BoardConfig } from '../../config/board-schema.js';
import type { ParamValues } from '../../config/params.js';
import type { Point2D } from '../../messages/geometry.js';
import { ReflexLoop } from '../../reflex/reflex-loop.js';
import { reflexSettingsFromParams } from '../../reflex/reflex-settings.js';
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
    settings: reflexSettingsFromParams(params, o.geofence),
    footprint: board.robot.footprint,
    geometry: {
      wheelBaseM: board.robot.wheelBaseM,
      maxWheelSpeedMps: board.robot.maxWheelSpeedMps,
      invertLeft: board.robot.drive.invertLeft,
      invertRight: board.robot.drive.invertRight,
    },
    lidar: devices.lidar,
    left: devices.left,
    right: devices.right,
    safety: devices.safety,
    // In lock step no wall time passes between two clock readings: an iteration costs no clock time.
    elapsedMs: o.lockstep ? () => clock.nowUs() / 1e3 : undefined,
  });
}
