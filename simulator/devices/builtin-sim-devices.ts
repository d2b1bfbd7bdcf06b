import type { BoardConfig, BusConfig, DeviceConfig } from '../../config/board-schema.js';
import { ConfigError } from '../../config/config-error.js';
import { validateConfig } from '../../config/yaml-file.js';
import { ld06ParamsSchema } from '../../hal/lidar/ld06/params.js';
import { createLd06SimDevice } from './ld06-model.js';
import { createMotorHatSimDevice } from './pca9685-model.js';
import type { SimDevice, SimMotorOutputs } from './sim-device.js';

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
  index: number;
}

type SimModelFactory = (n: SimNode) => SimDevice;

function serialPath(n: SimNode): string {
  if (n.bus.kind !== 'serial') throw new ConfigError(n.file, `${n.at}.bus`, `"${n.node.compatible}" needs a serial bus`);
  return n.bus.path;
}

function i2cPlace(n: SimNode): { busPath: string; address: number } {
  if (n.bus.kind !== 'i2c' || n.node.address === undefined) {
    throw new ConfigError(n.file, n.at, `"${n.node.compatible}" needs an I2C bus and an address`);
  }
  return { busPath: n.bus.path, address: n.node.address };
}

/** Simulator models by `compatible`: the same strings the HAL's device models register. */
const SIM_MODELS: Readonly<Record<string, SimModelFactory>> = {
  'ldrobot,ld06': (n) =>
    createLd06SimDevice(serialPath(n), validateConfig(ld06ParamsSchema, n.node.params, n.file, ['devices', n.index, 'params'])),
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

function isMotorOutputs(device: SimDevice): device is SimDevice & SimMotorOutputs {
  return typeof (device as Partial<SimMotorOutputs>).output === 'function';
}

/**
 * One simulator model per enabled device of the board, bound by `compatible`, at the bus path
 * and address the board gives: the robot finds them exactly where its config says.
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
      throw new ConfigError(file, `${at}.compatible`, `the simulator has no model of "${node.compatible}" (it has ${simulatedCompatibles().join(', ')})`);
    }
    const device = factory({ node, bus, file, at, index });
    hardware.devices.push(device);
    hardware.byId.set(node.id, device);
    if (isMotorOutputs(device)) hardware.motorOutputs.set(node.id, device);
  });
  return hardware;
}
