import type { BoardConfig } from '../../config/board-schema.js';
import { ConfigError } from '../../config/config-error.js';
import { isBattery, type BatteryDevice } from '../../hal/battery/api.js';
import { findCapability, type Device } from '../../hal/device-api.js';
import { isDigitalInput } from '../../hal/digital-input/api.js';
import { isEncoder, type EncoderDevice } from '../../hal/encoder/api.js';
import { isImu, type ImuDevice } from '../../hal/imu/api.js';
import { isLidar, type LidarDevice } from '../../hal/lidar/api.js';
import { isMotorDriver, type MotorChannel } from '../../hal/motor/api.js';
import { isRange } from '../../hal/range/api.js';
import type { SafetySources } from '../../reflex/reflex-loop.js';

/** The devices the reflex drives and watches, picked from the bound devices by the board's `robot` section. */
export interface DriveDevices {
  lidar: LidarDevice;
  left: MotorChannel;
  right: MotorChannel;
  safety: SafetySources;
  /** What the cortex's wheel odometry reads: the wheel encoders and the IMU (null where the board has none). */
  motion: { wheels: EncoderDevice | null; imu: ImuDevice | null };
  /** What the cortex's energy model reads: the battery monitor (null where the board has none). */
  battery: BatteryDevice | null;
}

/** Finds the board's lidar, wheel channels and safety sources among `devices`; a ConfigError names the field that is wrong. */
export function resolveDriveDevices(devices: readonly Device[], board: BoardConfig, boardFile: string): DriveDevices {
  const lidar = devices.find((d) => d.id === board.robot.lidar);
  if (!lidar || !isLidar(lidar))
    throw new ConfigError(boardFile, 'robot.lidar', `"${board.robot.lidar}" is not a lidar`);
  return {
    lidar,
    left: motorChannel(devices, board.robot.drive.left, boardFile, 'robot.drive.left'),
    right: motorChannel(devices, board.robot.drive.right, boardFile, 'robot.drive.right'),
    safety: safetySources(devices),
    motion: { wheels: findCapability(devices, isEncoder) ?? null, imu: findCapability(devices, isImu) ?? null },
    battery: findCapability(devices, isBattery) ?? null,
  };
}

/**
 * The devices safety rules watch besides the lidar, found by kind; a capability another device
 * declares counts too (a motor controller's encoders and battery voltage), after a device of that kind.
 */
function safetySources(devices: readonly Device[]): SafetySources {
  return {
    switches: devices.filter(isDigitalInput),
    battery: findCapability(devices, isBattery) ?? null,
    imu: findCapability(devices, isImu) ?? null,
    wheels: findCapability(devices, isEncoder) ?? null,
    motorDrivers: devices.filter(isMotorDriver),
    ranges: devices.filter(isRange),
  };
}

function motorChannel(devices: readonly Device[], ref: string, file: string, path: string): MotorChannel {
  const [deviceId = '', channelName = ''] = ref.split('.');
  const device = devices.find((d) => d.id === deviceId);
  if (!device || !isMotorDriver(device)) throw new ConfigError(file, path, `"${deviceId}" is not a motor driver`);
  if (!device.channelNames().includes(channelName)) {
    throw new ConfigError(
      file,
      path,
      `"${deviceId}" has no channel "${channelName}" (it has ${device.channelNames().join(', ')})`,
    );
  }
  return device.channel(channelName);
}
