import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatI2cAddress, loadBoardFile, parseBoardText } from './board-loader.js';
import { ConfigError } from './config-error.js';
import { resolveParams } from './param-values.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(root, 'test/fixtures/boards');
const boardConfigs = join(root, 'board-configs');

function errorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('board files shipped in board-configs/', () => {
  const files = readdirSync(boardConfigs).filter((name) => name.endsWith('.yaml'));

  it('includes the simulator default and the Raspberry Pi 4 build', () => {
    expect(files).toEqual(expect.arrayContaining(['sim-diffdrive.yaml', 'rpi4-ld06-motorhat.yaml']));
  });

  it.each(files)('%s loads, and its params: resolve', (name) => {
    const file = join(boardConfigs, name);
    const board = loadBoardFile(file);
    expect(board.board).toBe(name.replace(/\.yaml$/, ''));
    expect(() => resolveParams({ board: { file, values: board.params } })).not.toThrow();
  });

  it('sim-diffdrive describes the simulator robot as specified', () => {
    const board = loadBoardFile(join(boardConfigs, 'sim-diffdrive.yaml'));
    expect(board.buses).toEqual([
      { id: 'uart0', kind: 'serial', path: '/dev/ttyUSB0' },
      { id: 'i2c1', kind: 'i2c', path: '/dev/i2c-1' },
    ]);
    expect(board.devices).toEqual([
      {
        id: 'lidar',
        compatible: 'ldrobot,ld06',
        bus: 'uart0',
        enabled: true,
        params: { baudRate: 230400, mount: { xM: 0, yM: 0, yawDeg: 0 } },
      },
      {
        id: 'motors',
        compatible: 'adafruit,dc-motor-hat',
        bus: 'i2c1',
        address: 0x60,
        enabled: true,
        params: { pwmFrequencyHz: 1526, stopMode: 'brake' },
      },
    ]);
    expect(board.robot).toEqual({
      footprint: { lengthM: 0.3, widthM: 0.24 },
      wheelBaseM: 0.2,
      maxWheelSpeedMps: 0.6,
      stopDecelMps2: 2.5,
      drive: { left: 'motors.M1', right: 'motors.M2', invertLeft: false, invertRight: false },
      lidar: 'lidar',
    });
  });

  it('rpi4-ld06-motorhat puts the HAT at 0x60 on /dev/i2c-1 and the LD06 on /dev/ttyUSB0', () => {
    const board = loadBoardFile(join(boardConfigs, 'rpi4-ld06-motorhat.yaml'));
    const motors = board.devices.find((device) => device.id === board.robot.drive.left.split('.')[0]);
    const lidar = board.devices.find((device) => device.id === board.robot.lidar);
    expect(motors).toMatchObject({ compatible: 'adafruit,dc-motor-hat', address: 0x60 });
    expect(board.buses.find((bus) => bus.id === motors?.bus)).toEqual({ id: 'i2c1', kind: 'i2c', path: '/dev/i2c-1' });
    expect(lidar).toMatchObject({ compatible: 'ldrobot,ld06', params: { baudRate: 230400 } });
    expect(board.buses.find((bus) => bus.id === lidar?.bus)).toEqual({
      id: 'uart0',
      kind: 'serial',
      path: '/dev/ttyUSB0',
    });
    expect(board.robot.drive).toMatchObject({ left: 'motors.M1', right: 'motors.M2' });
  });
});

describe('loadBoardFile: cross-checks', () => {
  it.each([
    ['duplicate-bus-id.yaml', 'buses[3].id', 'duplicate bus id "i2c1"'],
    ['duplicate-device-id.yaml', 'devices[2].id', 'duplicate device id "lidar"'],
    ['unknown-bus.yaml', 'devices[2].bus', 'unknown bus "i2c-7"'],
    ['i2c-device-without-address.yaml', 'devices[2].address', 'is required for a device on I2C bus "i2c1"'],
    [
      'serial-device-with-address.yaml',
      'devices[0].address',
      'must not be set: "uart0" is a serial bus, addresses are for I2C devices',
    ],
    ['i2c-address-conflict.yaml', 'devices[3].address', '0x40 is also used by devices[1] ("battery") on bus "i2c1"'],
    ['drive-unknown-device.yaml', 'robot.drive.right', 'unknown device "motor" in "motor.M2"'],
    ['drive-disabled-device.yaml', 'robot.drive.left', 'device "motors" in "motors.M1" is disabled'],
    ['lidar-unknown-device.yaml', 'robot.lidar', 'unknown device "lidar2"'],
    ['lidar-disabled-device.yaml', 'robot.lidar', 'device "lidar" is disabled'],
  ])('%s -> %s: %s', (name, path, problem) => {
    const file = join(fixtures, name);
    const error = errorOf(() => loadBoardFile(file));
    expect(error).toMatchObject({ file, path, problem });
    expect(error.message).toBe(`${file}: ${path}: ${problem}`);
  });

  it('accepts a shared I2C address when one device is disabled or the buses differ', () => {
    const board = loadBoardFile(join(fixtures, 'valid-shared-address.yaml'));
    expect(board.devices.filter((device) => device.address === 0x40).map((device) => device.id)).toEqual([
      'battery',
      'battery-spare',
      'battery-aux',
    ]);
  });

  it('loads the minimal valid fixture with schema defaults filled in', () => {
    const board = loadBoardFile(join(fixtures, 'valid-minimal.yaml'));
    expect(board.description).toBe('');
    expect(board.params).toEqual({});
    expect(board.devices.map((device) => [device.id, device.enabled, device.params])).toEqual([
      ['lidar', true, {}],
      ['motors', true, {}],
    ]);
  });
});

describe('loadBoardFile: schema and file errors', () => {
  it.each([
    ['schema-unknown-field.yaml', 'devices[1]', 'unknown field(s) "adress"'],
    ['schema-bad-compatible.yaml', 'devices[0].compatible', 'must look like "vendor,model"'],
    ['schema-missing-wheelbase.yaml', 'robot.wheelBaseM', 'is required'],
    ['schema-address-out-of-range.yaml', 'devices[1].address', 'must be an I2C address in 0x08..0x77'],
  ])('%s -> %s: %s', (name, path, problem) => {
    const file = join(fixtures, name);
    expect(errorOf(() => loadBoardFile(file))).toMatchObject({ file, path, problem });
  });

  it('reports a missing file as the file itself', () => {
    const file = join(fixtures, 'no-such-board.yaml');
    const error = errorOf(() => loadBoardFile(file));
    expect(error).toMatchObject({ file, path: '', problem: 'file not found' });
    expect(error.message).toBe(`${file}: file not found`);
  });

  it('names the line of a YAML syntax error', () => {
    const file = join(fixtures, 'yaml-syntax-error.yaml');
    const error = errorOf(() => loadBoardFile(file));
    expect(error.file).toBe(file);
    expect(error.path).toMatch(/^line 8, column \d+$/);
    expect(error.problem).toMatch(/^invalid YAML: /);
  });

  it('rejects an empty document', () => {
    expect(errorOf(() => parseBoardText('', 'empty.yaml'))).toMatchObject({ file: 'empty.yaml', path: '(top level)' });
  });
});

describe('parseBoardText', () => {
  const minimal = readFileSync(join(fixtures, 'valid-minimal.yaml'), 'utf8');

  it('names the given file in errors', () => {
    const text = minimal.replace('lidar: lidar', 'lidar: motors-2');
    expect(errorOf(() => parseBoardText(text, 'inline.yaml')).message).toBe(
      'inline.yaml: robot.lidar: unknown device "motors-2"',
    );
  });

  it('checks a device on a GPIO bus has no address', () => {
    const text = minimal
      .replace('buses:\n', 'buses:\n  - id: gpio0\n    kind: gpio\n    chipLabel: pinctrl-bcm2711\n')
      .replace(
        'devices:\n',
        'devices:\n  - id: estop\n    compatible: generic,button\n    bus: gpio0\n    address: 0x20\n',
      );
    expect(errorOf(() => parseBoardText(text, 'gpio.yaml'))).toMatchObject({
      path: 'devices[0].address',
      problem: 'must not be set: "gpio0" is a gpio bus, addresses are for I2C devices',
    });
  });

  it('parses hexadecimal YAML addresses as numbers', () => {
    expect(parseBoardText(minimal, 'inline.yaml').devices[1]?.address).toBe(96);
  });
});

describe('formatI2cAddress', () => {
  it('writes two hex digits with 0x', () => {
    expect([0x08, 0x40, 0x6a, 0x77].map(formatI2cAddress)).toEqual(['0x08', '0x40', '0x6a', '0x77']);
  });
});
