import type { RangeDevice } from '../hal/range/api.js';
import type { RangeReading } from '../messages/range-reading.js';
import type { LidarPoints } from '../messages/lidar-points.js';

/** A range sensor's reading as one robot-frame obstacle point, through the sensor's mount. */
export function rangePoint(range: RangeDevice, reading: RangeReading): LidarPoints {
  const mount = range.mount();
  const bearing = (mount.yawDeg * Math.PI) / 180;
  return {
    deviceId: range.id,
    stampUs: reading.stampUs,
    count: 1,
    xM: Float32Array.of(mount.xM + reading.distanceM * Math.cos(bearing)),
    yM: Float32Array.of(mount.yM + reading.distanceM * Math.sin(bearing)),
    rangeM: Float32Array.of(reading.distanceM),
    intensity: Uint8Array.of(255),
  };
}
