import type { LidarDevice } from '../hal/lidar/api.js';
import type { MotorChannel } from '../hal/motor/api.js';
import type { Clock } from '../time/clock.js';
import type { ReflexSettings } from './reflex-types.js';
import type { SafetySources } from './safety-readings.js';
import type { DriveGeometry } from './wheel-mixer.js';

/** What a {@link ReflexLoop} is built from: the clock, its settings, the robot's shape and drive, and its devices. */
export interface ReflexLoopOptions {
  clock: Clock;
  settings: ReflexSettings;
  /** Periodic evaluation rate, Hz (it also evaluates on every lidar packet). */
  loopRateHz: number;
  footprint: { lengthM: number; widthM: number };
  geometry: DriveGeometry;
  lidar: LidarDevice;
  left: MotorChannel;
  right: MotorChannel;
  safety?: SafetySources;
  /** Real elapsed time for measuring iteration cost, milliseconds. Default performance.now. */
  elapsedMs?: () => number;
}
