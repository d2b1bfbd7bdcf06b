import type { BoardConfig, BusConfig, DeviceConfig } from '../../config/board-schema.js';

/** An enabled device node and its position in the board config's `devices` list. */
export interface DeviceInUse {
  device: DeviceConfig;
  /** Index in `devices`, for messages that name the field (`devices[2].address`). */
  index: number;
}

/** A bus that at least one enabled device sits on. */
export interface BusInUse {
  bus: BusConfig;
  /** Index in `buses`. */
  index: number;
  devices: DeviceInUse[];
}

/** The buses the enabled devices use, in board-config order; buses nobody uses are left out. */
export function busesInUse(board: BoardConfig): BusInUse[] {
  const uses: BusInUse[] = [];
  board.buses.forEach((bus, index) => {
    const devices: DeviceInUse[] = [];
    board.devices.forEach((device, deviceIndex) => {
      if (device.enabled && device.bus === bus.id) devices.push({ device, index: deviceIndex });
    });
    if (devices.length > 0) uses.push({ bus, index, devices });
  });
  return uses;
}

/** `lidar, motors`: who uses a bus, for messages. */
export function deviceIds(use: BusInUse): string {
  return use.devices.map((d) => d.device.id).join(', ');
}
