import createDebug from 'debug';
import type { BoardConfig } from '../../config/board-schema.js';
import type { EncoderDevice } from '../../hal/encoder/api.js';
import type { ImuDevice } from '../../hal/imu/api.js';
import type { CortexLink } from './cortex-link.js';
import { wheelChannels, wheelTravel } from './wheel-channels.js';

const log = createDebug('spinal:runtime:motion-sensors');

/** Gyro samples sent together at most (they also go with every encoder reading). */
const GYRO_BATCH = 10;

/**
 * Sends the cortex what its wheel odometry needs, at the sensors' own rates and off the reflex's
 * path: each encoder reading as the travel of the two drive wheels, and the IMU's yaw rate in
 * batches (with each encoder reading, or every {@link GYRO_BATCH} samples).
 */
export function relayMotionSensors(
  sources: { wheels: EncoderDevice | null; imu: ImuDevice | null },
  drive: BoardConfig['robot']['drive'],
  cortex: Pick<CortexLink, 'wheels' | 'gyro'>,
): void {
  const stampsUs: number[] = [];
  const zRadps: number[] = [];
  const flushGyro = (): void => {
    if (stampsUs.length === 0) return;
    cortex.gyro(stampsUs.splice(0), zRadps.splice(0));
  };
  sources.imu?.onSample((sample) => {
    stampsUs.push(sample.stampUs);
    zRadps.push(sample.gyroRadps.z);
    if (stampsUs.length >= GYRO_BATCH) flushGyro();
  });
  const encoder = sources.wheels;
  if (!encoder) return;
  const channels = wheelChannels(encoder, drive);
  if (!channels) {
    log(
      '%s: no encoder channel for the drive wheels (%s): odometry from the commands',
      encoder.id,
      encoder.channelNames().join(', '),
    );
    return;
  }
  encoder.onReading((reading) => {
    const travel = wheelTravel(reading, channels);
    if (!travel) return;
    flushGyro();
    cortex.wheels({ stampUs: reading.stampUs, ...travel });
  });
}
