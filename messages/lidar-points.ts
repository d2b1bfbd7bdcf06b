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
}
