import { z } from 'zod';

/**
 * The schema of a board config (`board-configs/*.yaml`): which buses exist, which devices sit on
 * them, the robot's physical build, and parameter overrides. Device-specific `params` are checked
 * by each device model's own schema when the HAL binds it (errors still name the path).
 */

const idSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, starting with a letter');

export const busSchema = z.discriminatedUnion('kind', [
  z.object({ id: idSchema, kind: z.literal('serial'), path: z.string().min(1) }).strict(),
  z.object({ id: idSchema, kind: z.literal('i2c'), path: z.string().min(1) }).strict(),
  z
    .object({
      id: idSchema,
      kind: z.literal('gpio'),
      /** The GPIO chip's label as the kernel reports it (`pinctrl-bcm2711`, `pinctrl-rp1`, ...). */
      chipLabel: z.string().min(1),
    })
    .strict(),
]);

export const deviceSchema = z
  .object({
    id: idSchema,
    /** `vendor,model`, e.g. `ldrobot,ld06`; picks the device model from the registry. */
    compatible: z.string().regex(/^[a-z0-9-]+,[a-z0-9-]+$/, 'must look like "vendor,model"'),
    /** The id of an entry in `buses`. */
    bus: idSchema,
    /** 7-bit I2C address, for I2C devices. */
    address: z
      .number()
      .int()
      .min(0x08, 'must be an I2C address in 0x08..0x77')
      .max(0x77, 'must be an I2C address in 0x08..0x77')
      .optional(),
    /** Named GPIO lines (offsets on the bus's chip), for GPIO devices. */
    pins: z.record(z.string(), z.number().int().min(0).max(1023)).optional(),
    enabled: z.boolean().default(true),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/** `<device id>.<channel>`, e.g. `motors.M1`. */
const channelRef = z.string().regex(/^[a-z][a-z0-9-]*\.[A-Za-z0-9]+$/, 'must look like "<device>.<channel>"');

export const robotSchema = z
  .object({
    footprint: z
      .object({
        lengthM: z.number().positive().max(5),
        widthM: z.number().positive().max(5),
      })
      .strict(),
    /** Distance between the drive wheels' contact points, metres. */
    wheelBaseM: z.number().positive().max(5),
    /** Wheel surface speed at full duty, metres per second. */
    maxWheelSpeedMps: z.number().positive().max(20),
    /**
     * Deceleration the drive achieves when the reflex stops it (the motor driver's stop: see its
     * `stopBehaviour()`), m/s², as measured on this build. `reflex.brakingDecelMps2` may not exceed it.
     */
    stopDecelMps2: z.number().positive().max(20).optional(),
    drive: z
      .object({
        left: channelRef,
        right: channelRef,
        invertLeft: z.boolean().default(false),
        invertRight: z.boolean().default(false),
      })
      .strict(),
    /** Id of the lidar the reflex watches. */
    lidar: idSchema,
  })
  .strict();

export const boardSchema = z
  .object({
    board: idSchema,
    description: z.string().default(''),
    robot: robotSchema,
    buses: z.array(busSchema).min(1),
    devices: z.array(deviceSchema).min(1),
    /** A prior map in ROS map_server format: the map.yaml's path, relative to the board file (`cortex.mapFile` overrides it). */
    map: z.string().min(1).optional(),
    /** Runtime parameter overrides by name (see docs/configuration.md). */
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
  })
  .strict();

export type BusConfig = z.infer<typeof busSchema>;
export type DeviceConfig = z.infer<typeof deviceSchema>;
export type RobotConfig = z.infer<typeof robotSchema>;
export type BoardConfig = z.infer<typeof boardSchema>;
