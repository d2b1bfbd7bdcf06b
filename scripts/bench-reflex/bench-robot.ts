import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBoardFile } from '../../config/board-loader.js';
import type { BoardConfig } from '../../config/board-schema.js';
import { resolveParams } from '../../config/param-values.js';
import type { ParamValues } from '../../config/params.js';
import { createBuiltinRegistry } from '../../hal/builtin-models.js';
import type { Device } from '../../hal/device-api.js';
import { bindDevices } from '../../hal/device-binding.js';
import { isLidar, type LidarDevice } from '../../hal/lidar/api.js';
import { isMotorDriver, type MotorChannel } from '../../hal/motor/api.js';
import { ADAFRUIT_DC_MOTOR_HAT_PINS } from '../../hal/motor/pca9685-tb6612/codec.js';
import { TransportError } from '../../hal/transport/transport-error.js';
import type { ReflexSettings } from '../../reflex/arbiter.js';
import { reflexSettingsFromParams } from '../../reflex/reflex-settings.js';
import type { DriveGeometry } from '../../reflex/wheel-mixer.js';
import type { Clock } from '../../time/clock.js';
import { MemorySerialBackend } from '../../hal/transport/serial/memory-serial-backend.js';
import { Pca9685RegisterBackend } from './pca9685-register-backend.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** A real robot build: LD06 on a serial port, PCA9685 motor HAT (Adafruit) on I2C. */
export const BENCH_BOARD_FILE = join(ROOT, 'board-configs', 'rpi4-ld06-motorhat.yaml');

/** The board's devices, started, on in-memory transports, and what a reflex is built from. */
export interface BenchRobot {
  board: BoardConfig;
  params: ParamValues;
  devices: Device[];
  lidar: LidarDevice;
  left: MotorChannel;
  right: MotorChannel;
  /** The lidar's UART: the bench hands it the sensor's bytes. */
  serial: MemorySerialBackend;
  /** The motor HAT's bus: it stamps the moment both drive wheels brake. */
  motorBus: Pca9685RegisterBackend;
  settings: ReflexSettings;
  geometry: DriveGeometry;
  /** How far ahead of the robot's centre the lidar sits, metres. */
  lidarMountXM: number;
}

/** The bench board and its parameters as `spinal run` resolves them, but for `reflex.clearHoldMs`. */
export function benchConfig(clearHoldMs: number): { board: BoardConfig; params: ParamValues } {
  const board = loadBoardFile(BENCH_BOARD_FILE);
  const params = resolveParams({
    board: { file: BENCH_BOARD_FILE, values: board.params },
    config: { file: 'reflex bench', values: { 'reflex.clearHoldMs': clearHoldMs } },
  });
  return { board, params };
}

const unusedTransport = (): Promise<never> =>
  Promise.reject(new TransportError('ENOENT', 'this bench robot has no such transport'));

/**
 * Binds the bench board's devices with the real registry, as `spinal run` does, to an in-memory
 * UART and a PCA9685 register file, and starts them.
 */
export async function buildBenchRobot(clock: Clock, clearHoldMs: number): Promise<BenchRobot> {
  const { board, params } = benchConfig(clearHoldMs);
  const file = BENCH_BOARD_FILE;
  const lidarNode = board.devices.find((d) => d.id === board.robot.lidar);
  const lidarBus = board.buses.find((b) => b.id === lidarNode?.bus);
  const [motorId, leftName] = board.robot.drive.left.split('.');
  const [, rightName] = board.robot.drive.right.split('.');
  const motorNode = board.devices.find((d) => d.id === motorId);
  const motorBusConfig = board.buses.find((b) => b.id === motorNode?.bus);
  if (!lidarNode || lidarBus?.kind !== 'serial' || motorNode?.compatible !== 'adafruit,dc-motor-hat') {
    throw new Error(`${file}: expected a lidar on a serial bus and an Adafruit motor HAT`);
  }
  if (motorBusConfig?.kind !== 'i2c' || motorNode.address === undefined || !leftName || !rightName) {
    throw new Error(`${file}: the motor HAT needs an I2C bus, an address and two drive channels`);
  }
  const serial = new MemorySerialBackend([lidarBus.path]);
  const motorBus = new Pca9685RegisterBackend({
    busPath: motorBusConfig.path,
    address: motorNode.address,
    pinMap: ADAFRUIT_DC_MOTOR_HAT_PINS,
    motors: [leftName, rightName],
  });
  const devices = bindDevices(board, file, createBuiltinRegistry(), clock, {
    serial,
    i2c: motorBus,
    gpio: { kind: 'unused', open: unusedTransport },
    pwm: { kind: 'unused', open: unusedTransport },
  });
  const lidar = devices.find((d) => d.id === lidarNode.id);
  const motors = devices.find((d) => d.id === motorNode.id);
  if (!lidar || !isLidar(lidar) || !motors || !isMotorDriver(motors)) throw new Error(`${file}: devices did not bind`);
  await Promise.all(devices.map((d) => d.start()));
  const mount = (lidarNode.params as { mount?: { xM?: number } } | undefined)?.mount;
  return {
    board,
    params,
    devices,
    lidar,
    left: motors.channel(leftName),
    right: motors.channel(rightName),
    serial,
    motorBus,
    settings: reflexSettingsFromParams(params, null),
    geometry: {
      wheelBaseM: board.robot.wheelBaseM,
      maxWheelSpeedMps: board.robot.maxWheelSpeedMps,
      invertLeft: board.robot.drive.invertLeft,
      invertRight: board.robot.drive.invertRight,
    },
    lidarMountXM: mount?.xM ?? 0,
  };
}
