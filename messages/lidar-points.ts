/**
 * Points from one lidar packet (or one whole scan), already transformed into the robot frame
 * (x forward, y left, metres) using the sensor's mount pose. Invalid returns are left out.
 * Typed arrays so that they cross threads without copying element by element.
 */
export interface LidarPoints {
  deviceId: string;
  /** Clock time at which the packet was received (its last byte), microseconds. */
  stampUs: number;
  count: number;
  xM: Float32Array;
  yM: Float32Array;
  /** Distance from the sensor, metres. */
  rangeM: Float32Array;
  /** 0..255, as reported by the sensor. */
  intensity: Uint8Array;
  /** Where the sensor's beams start, robot frame, metres (free space is ray-traced from here). */
  originXM?: number;
  originYM?: number;
  /**
   * Robot-frame bearings (CCW, around the origin) of the packet's first and last measurement, valid or
   * not, radians: the packet looked at the arc between them, the shorter way round (all round when
   * they are 2π or more apart).
   */
  sweepFirstRad?: number;
  sweepLastRad?: number;
  /** Angle between neighbouring beams, radians. */
  beamStepRad?: number;
}

/** True when `value` has the shape of {@link LidarPoints} (for messages that arrive from another thread). */
export function isLidarPoints(value: unknown): value is LidarPoints {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.deviceId !== 'string' || typeof v.stampUs !== 'number') return false;
  const count = v.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) return false;
  return (
    [v.xM, v.yM, v.rangeM].every((array) => array instanceof Float32Array && array.length >= count) &&
    v.intensity instanceof Uint8Array &&
    v.intensity.length >= count
  );
}

/** The buffers of `points`' arrays, to transfer them to another thread with the message that carries them. */
export function lidarPointsBuffers(points: LidarPoints): ArrayBuffer[] {
  return [points.xM.buffer, points.yM.buffer, points.rangeM.buffer, points.intensity.buffer] as ArrayBuffer[];
}
