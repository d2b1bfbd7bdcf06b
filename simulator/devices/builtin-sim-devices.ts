import type { BoardConfig, BusConfig, DeviceConfig } from '../../config/board-schema.js';
import { ConfigError } from '../../config/config-error.js';
import { validateConfig } from '../../config/yaml-file.js';
import type { ZodType, ZodTypeDef } from 'zod';
import { SWITCH_INPUT_PIN, switchParamsSchemaFor, type SwitchRole } from '../../hal/digital-input/switch/params.js';
import { quadratureEncoderParamsSchema } from '../../hal/encoder/quadrature/params.js';
import { ina219ParamsSchema } from '../../hal/battery/ina219/params.js';
import { mpu6050ParamsSchema } from '../../hal/imu/mpu6050/params.js';
import { ld06ParamsSchema } from '../../hal/lidar/ld06/params.js';
import { ld19ParamsSchema } from '../../hal/lidar/ld19/params.js';
import { rplidarA1ParamsSchema } from '../../hal/lidar/rplidar-a1/params.js';
import { l298nParamsSchema, tb6612GpioParamsSchema } from '../../hal/motor/gpio-hbridge/params.js';
import { roboclawParamsSchema } from '../../hal/motor/roboclaw/params.js';
import { tfminiSI2cParamsSchema, tfminiSSerialParamsSchema } from '../../hal/range/tfmini-s/params.js';
import { createGpioHBridgeSimDevice } from './gpio-hbridge-model.js';
import { createIna219SimDevice } from './ina219-model.js';
import { createLd06SimDevice, createLd19SimDevice } from './ld06-model.js';
import { createRplidarA1SimDevice } from './rplidar-a1-model.js';
import { createMpu6050SimDevice } from './mpu6050-model.js';
import { createMotorHatSimDevice } from './pca9685-model.js';
import { createQuadratureEncoderSimDevice } from './quadrature-encoder-model.js';
import { createRoboclawSimDevice } from './roboclaw-model.js';
import { createSwitchSimDevice } from './switch-model.js';
import { createTfminiSI2cSimDevice, createTfminiSSimDevice } from './tfmini-s-model.js';
import { isMotorOutputs, type SimDevice, type SimMotorOutputs } from './sim-device.js';

/** The simulated hardware of one robot, built from its board config. */
export interface SimHardware {
  devices: SimDevice[];
  /** Every model by its board-config device id (fault injection finds them here). */
  byId: Map<string, SimDevice>;
  /** Motor driver models by device id, for the physics to read wheel outputs from. */
  motorOutputs: Map<string, SimMotorOutputs>;
}

/** Where a device node sits, handed to a model factory. */
interface SimNode {
  node: DeviceConfig;
  bus: BusConfig;
  file: string;
  /** Path of the node in the board file, for errors: `devices[3]`. */
  at: string;
  /** The robot's build (wheel speeds for motor controllers that take speed commands). */
  robot: BoardConfig['robot'];
  index: number;
}

type SimModelFactory = (n: SimNode) => SimDevice;

/**
 * The board has passed the device check `spinal run` and `spinal doctor` make (`resolveDevices`,
 * which `spinal sim` runs first): a node sits on the bus kind its model needs, with its address and
 * pins. The factories below only assert that.
 */
function wiringAssertion(n: SimNode, what: string): Error {
  return new Error(`${n.file}: ${n.at} ("${n.node.compatible}") ${what}: check the board with resolveDevices first`);
}

function serialPath(n: SimNode): string {
  if (n.bus.kind !== 'serial') throw wiringAssertion(n, 'needs a serial bus');
  return n.bus.path;
}

function gpioChip(n: SimNode): string {
  if (n.bus.kind !== 'gpio') throw wiringAssertion(n, 'needs a gpio bus');
  return n.bus.chipLabel;
}

function params<T>(schema: ZodType<T, ZodTypeDef, unknown>, n: SimNode): T {
  return validateConfig(schema, n.node.params, n.file, ['devices', n.index, 'params']);
}

function switchDevice(n: SimNode, role: SwitchRole): SimDevice {
  const line = n.node.pins?.[SWITCH_INPUT_PIN];
  if (line === undefined) throw wiringAssertion(n, `needs pins.${SWITCH_INPUT_PIN}`);
  return createSwitchSimDevice(gpioChip(n), line, role, params(switchParamsSchemaFor(role), n));
}

function i2cPlace(n: SimNode): { busPath: string; address: number } {
  if (n.bus.kind !== 'i2c' || n.node.address === undefined) throw wiringAssertion(n, 'needs an I2C bus and an address');
  return { busPath: n.bus.path, address: n.node.address };
}

/** Simulator models by `compatible`: the same strings the HAL's device models register. */
const SIM_MODELS: Readonly<Record<string, SimModelFactory>> = {
  'ldrobot,ld06': (n) => createLd06SimDevice(serialPath(n), params(ld06ParamsSchema, n)),
  'ldrobot,ld19': (n) => createLd19SimDevice(serialPath(n), params(ld19ParamsSchema, n)),
  'slamtec,rplidar-a1': (n) => createRplidarA1SimDevice(serialPath(n), params(rplidarA1ParamsSchema, n)),
  'basicmicro,roboclaw': (n) =>
    createRoboclawSimDevice(serialPath(n), params(roboclawParamsSchema, n), {
      maxWheelSpeedMps: n.robot.maxWheelSpeedMps,
    }),
  'benewake,tfmini-s': (n) => createTfminiSSimDevice(serialPath(n), params(tfminiSSerialParamsSchema, n)),
  'benewake,tfmini-s-i2c': (n) => {
    const { busPath, address } = i2cPlace(n);
    return createTfminiSI2cSimDevice(busPath, address, params(tfminiSI2cParamsSchema, n));
  },
  'invensense,mpu6050': (n) => {
    const { busPath, address } = i2cPlace(n);
    return createMpu6050SimDevice(busPath, address, params(mpu6050ParamsSchema, n));
  },
  'ti,ina219': (n) => {
    const { busPath, address } = i2cPlace(n);
    return createIna219SimDevice(busPath, address, params(ina219ParamsSchema, n));
  },
  'st,l298n': (n) =>
    createGpioHBridgeSimDevice('st,l298n', gpioChip(n), n.node.pins ?? {}, params(l298nParamsSchema, n)),
  'toshiba,tb6612fng-gpio': (n) =>
    createGpioHBridgeSimDevice(
      'toshiba,tb6612fng-gpio',
      gpioChip(n),
      n.node.pins ?? {},
      params(tb6612GpioParamsSchema, n),
    ),
  'generic,quadrature-encoder': (n) =>
    createQuadratureEncoderSimDevice(gpioChip(n), n.node.pins ?? {}, params(quadratureEncoderParamsSchema, n)),
  'generic,estop-switch': (n) => switchDevice(n, 'estop'),
  'generic,bumper-switch': (n) => switchDevice(n, 'bumper'),
  'adafruit,dc-motor-hat': (n) => {
    const { busPath, address } = i2cPlace(n);
    return createMotorHatSimDevice(busPath, address, 'adafruit');
  },
  'waveshare,motor-driver-hat': (n) => {
    const { busPath, address } = i2cPlace(n);
    return createMotorHatSimDevice(busPath, address, 'waveshare');
  },
};

/** Compatible strings the simulator has models for. */
export function simulatedCompatibles(): string[] {
  return Object.keys(SIM_MODELS).sort();
}

/**
 * One simulator model per enabled device of the board, bound by `compatible`, at the bus path
 * and address the board gives: the robot finds them exactly where its config says. The board's
 * devices have passed `resolveDevices` (the check `spinal sim` makes first); a model the simulator
 * lacks is a ConfigError.
 */
export function createSimHardware(board: BoardConfig, file: string): SimHardware {
  const hardware: SimHardware = { devices: [], byId: new Map(), motorOutputs: new Map() };
  board.devices.forEach((node, index) => {
    if (!node.enabled) return;
    const at = `devices[${index}]`;
    const bus = board.buses.find((b) => b.id === node.bus);
    if (!bus) throw new ConfigError(file, `${at}.bus`, `unknown bus "${node.bus}"`);
    const factory = SIM_MODELS[node.compatible];
    if (!factory) {
      throw new ConfigError(
        file,
        `${at}.compatible`,
        `the simulator has no model of "${node.compatible}" (it has ${simulatedCompatibles().join(', ')})`,
      );
    }
    const device = factory({ node, bus, file, at, index, robot: board.robot });
    hardware.devices.push(device);
    hardware.byId.set(node.id, device);
    if (isMotorOutputs(device)) hardware.motorOutputs.set(node.id, device);
  });
  return hardware;
}
