import type { BoardConfig } from '../../config/board-schema.js';
import { ConfigError } from '../../config/config-error.js';
import { validateConfig } from '../../config/yaml-file.js';
import { ld06ParamsSchema } from '../../hal/lidar/ld06/params.js';
import { createLd06SimDevice } from './ld06-model.js';
import { createMotorHatSimDevice } from './pca9685-model.js';
import type { SimDevice, SimMotorOutputs } from './sim-device.js';

/** The simulated hardware of one robot, built from its board config. */
export interface SimHardware {
  devices: SimDevice[];
  /** Motor driver models by device id, for the physics to read wheel outputs from. */
  motorOutputs: Map<string, SimMotorOutputs>;
}

/**
 * One simulator model per enabled device of the board, bound by `compatible`, at the bus path
 * and address the board gives: the robot finds them exactly where its config says.
 */
export function createSimHardware(board: BoardConfig, file: string): SimHardware {
  const devices: SimDevice[] = [];
  const motorOutputs = new Map<string, SimMotorOutputs>();
  board.devices.forEach((node, index) => {
    if (!node.enabled) return;
    const bus = board.buses.find((b) => b.id === node.bus);
    if (!bus) throw new ConfigError(file, `devices[${index}].bus`, `unknown bus "${node.bus}"`);
    switch (node.compatible) {
      case 'ldrobot,ld06': {
        const params = validateConfig(ld06ParamsSchema, node.params, file, ['devices', index, 'params']);
        if (bus.kind !== 'serial') throw new ConfigError(file, `devices[${index}].bus`, 'an LD06 needs a serial bus');
        devices.push(createLd06SimDevice(bus.path, params));
        return;
      }
      case 'adafruit,dc-motor-hat':
      case 'waveshare,motor-driver-hat': {
        if (bus.kind !== 'i2c' || node.address === undefined) {
          throw new ConfigError(file, `devices[${index}]`, 'a motor HAT needs an I2C bus and an address');
        }
        const hat = createMotorHatSimDevice(
          bus.path,
          node.address,
          node.compatible.startsWith('adafruit') ? 'adafruit' : 'waveshare',
        );
        devices.push(hat);
        motorOutputs.set(node.id, hat);
        return;
      }
      default:
        throw new ConfigError(
          file,
          `devices[${index}].compatible`,
          `the simulator has no model of "${node.compatible}"`,
        );
    }
  });
  return { devices, motorOutputs };
}
