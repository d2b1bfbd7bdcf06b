import type { ZodType, ZodTypeDef } from 'zod';
import type { DeviceModel } from '../../registry.js';
import type { LidarDevice } from '../api.js';
import { createLdrobotPacketLidarModel } from '../ld06/driver.js';
import { ld19ParamsSchema, type Ld19Params } from './params.js';

/**
 * The rotation settles to 10 ± 0.1 Hz within 3 s of power-on, and the sensor only streams once it
 * works stably (LD19 Development Manual, product introduction and "Communication protocol");
 * half a second on top.
 */
const FIRST_PACKET_TIMEOUT_MS = 3_500;

/**
 * The LDROBOT LD19 360° lidar on a serial port. It streams the LD06's 47-byte packet (codec
 * `hal/lidar/ld06/codec.ts`) at 230400 baud, 4500 points/s, so it is the LD06 driver with its own
 * compatible, params and a longer wait for the first packet after a power-up. Board config:
 * `compatible: ldrobot,ld19` on a `serial` bus.
 */
export const ld19Model: DeviceModel<Ld19Params, LidarDevice> = createLdrobotPacketLidarModel({
  compatible: 'ldrobot,ld19',
  product: 'LD19',
  description: 'LDROBOT LD19 360° lidar, UART 230400 baud, 4500 points/s',
  debugNamespace: 'spinal:hal:ld19',
  paramsSchema: ld19ParamsSchema as ZodType<Ld19Params, ZodTypeDef, unknown>,
  firstPacketTimeoutMs: FIRST_PACKET_TIMEOUT_MS,
});
