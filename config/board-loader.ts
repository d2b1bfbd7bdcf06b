import createDebug from 'debug';
import { boardSchema, type BoardConfig, type BusConfig, type DeviceConfig } from './board-schema.js';
import { ConfigError } from './config-error.js';
import { parseYamlText, readYamlFile, validateConfig } from './yaml-file.js';

const log = createDebug('spinal:config:board');

/**
 * Reads a board file (`board-configs/*.yaml`), checks it against the board schema and then
 * checks that its parts fit together (see `checkBoardStructure`). Every problem is a ConfigError
 * naming the file and the field, e.g. `board-configs/x.yaml: devices[2].bus: unknown bus "i2c-7"`.
 * Device `params` are left to each device model's own schema.
 */
export function loadBoardFile(file: string): BoardConfig {
  return checkedBoard(readYamlFile(file), file);
}

/** Like `loadBoardFile`, from text already read; `file` is named in errors. */
export function parseBoardText(text: string, file: string): BoardConfig {
  return checkedBoard(parseYamlText(text, file), file);
}

function checkedBoard(document: unknown, file: string): BoardConfig {
  const board = validateConfig(boardSchema, document, file);
  checkBoardStructure(board, file);
  log('%s: board "%s", %d bus(es), %d device(s)', file, board.board, board.buses.length, board.devices.length);
  return board;
}

/**
 * The checks the schema cannot make, in file order: bus ids and device ids are unique; each
 * device's bus exists; a device on an I2C bus has an address and one on any other bus has none;
 * no two enabled devices share an address on one I2C bus; `robot.drive.left/right` and
 * `robot.lidar` name enabled devices (the channel part is the driver's to check).
 */
export function checkBoardStructure(board: BoardConfig, file: string): void {
  const buses = new Map<string, BusConfig>();
  board.buses.forEach((bus, index) => {
    if (buses.has(bus.id)) throw new ConfigError(file, `buses[${index}].id`, `duplicate bus id "${bus.id}"`);
    buses.set(bus.id, bus);
  });

  const devices = new Map<string, DeviceConfig>();
  const addressUsers = new Map<string, { index: number; device: DeviceConfig }>();
  board.devices.forEach((device, index) => {
    const at = `devices[${index}]`;
    if (devices.has(device.id)) throw new ConfigError(file, `${at}.id`, `duplicate device id "${device.id}"`);
    devices.set(device.id, device);

    const bus = buses.get(device.bus);
    if (!bus) throw new ConfigError(file, `${at}.bus`, `unknown bus "${device.bus}"`);

    if (bus.kind === 'i2c') {
      if (device.address === undefined) {
        throw new ConfigError(file, `${at}.address`, `is required for a device on I2C bus "${bus.id}"`);
      }
      if (!device.enabled) return;
      const key = `${bus.id}/${device.address}`;
      const user = addressUsers.get(key);
      if (user) {
        throw new ConfigError(
          file,
          `${at}.address`,
          `${formatI2cAddress(device.address)} is also used by devices[${user.index}] ("${user.device.id}") on bus "${bus.id}"`,
        );
      }
      addressUsers.set(key, { index, device });
    } else if (device.address !== undefined) {
      throw new ConfigError(
        file,
        `${at}.address`,
        `must not be set: "${bus.id}" is a ${bus.kind} bus, addresses are for I2C devices`,
      );
    }
  });

  const requireEnabledDevice = (path: string, id: string, suffix: string): void => {
    const device = devices.get(id);
    if (!device) throw new ConfigError(file, path, `unknown device "${id}"${suffix}`);
    if (!device.enabled) throw new ConfigError(file, path, `device "${id}"${suffix} is disabled`);
  };
  for (const side of ['left', 'right'] as const) {
    const channel = board.robot.drive[side];
    const deviceId = channel.slice(0, channel.indexOf('.'));
    requireEnabledDevice(`robot.drive.${side}`, deviceId, ` in "${channel}"`);
  }
  requireEnabledDevice('robot.lidar', board.robot.lidar, '');
}

/** `0x40`: how I2C addresses are written in datasheets and `i2cdetect`. */
export function formatI2cAddress(address: number): string {
  return `0x${address.toString(16).padStart(2, '0')}`;
}
