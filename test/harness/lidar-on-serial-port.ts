import type { DeviceHealth } from '../../hal/device-health.js';
import type { LidarDevice } from '../../hal/lidar/api.js';
import type { DeviceModel } from '../../hal/registry.js';
import type { SerialBackend } from '../../hal/transport/serial/api.js';
import type { LidarPoints } from '../../messages/lidar-points.js';
import type { Clock } from '../../time/clock.js';
import { deviceContext } from './device-context.js';

/** Where {@link lidarOnSerialPort} puts the lidar. */
export interface LidarOnSerialPortOptions<TParams> {
  id: string;
  /** The port's device path, e.g. `/dev/ttyUSB0`. */
  path: string;
  /** Already validated by the model's params schema. */
  params: TParams;
  clock: Clock;
  /** The serial backend the port is opened on (a memory port, say). */
  serial: SerialBackend;
}

/** A lidar under test with what it reported so far. */
export interface LidarUnderTest<TLidar extends LidarDevice> {
  lidar: TLidar;
  /** Every points message, in order. */
  messages: LidarPoints[];
  /** Every health change, in order. */
  healthLog: DeviceHealth[];
}

/**
 * A lidar made by `model` on the serial bus `lidar-uart` at `options.path`, not started; every
 * points message and every health change it reports are collected.
 */
export function lidarOnSerialPort<TParams, TLidar extends LidarDevice>(
  model: DeviceModel<TParams, TLidar>,
  options: LidarOnSerialPortOptions<TParams>,
): LidarUnderTest<TLidar> {
  const lidar = model.create(
    deviceContext({
      id: options.id,
      bus: { id: 'lidar-uart', kind: 'serial', path: options.path },
      params: options.params,
      clock: options.clock,
      backends: { serial: options.serial },
    }),
  );
  const messages: LidarPoints[] = [];
  lidar.onPoints((points) => messages.push(points));
  const healthLog: DeviceHealth[] = [];
  lidar.onHealthChange((health) => healthLog.push(health));
  return { lidar, messages, healthLog };
}
