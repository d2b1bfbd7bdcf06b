/** One IMU sample in the sensor frame rotated into the robot frame (x forward, y left, z up). */
export interface ImuSample {
  /** Linear acceleration including gravity, m/s². */
  accelMps2: { x: number; y: number; z: number };
  /** Angular rate, rad/s, counter-clockwise positive about each axis. */
  gyroRadps: { x: number; y: number; z: number };
  /** Die temperature, °C. */
  temperatureC: number;
  /** Clock time of the reading, microseconds. */
  stampUs: number;
}
