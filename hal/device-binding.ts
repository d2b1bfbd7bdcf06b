import { ConfigError } from '../config/config-error.js';
import type { BoardConfig } from '../config/board-schema.js';
import { validateConfig } from '../config/yaml-file.js';
import type { Clock } from '../time/clock.js';
import type { Device } from './device-api.js';
import type { DeviceRegistry, TransportBackends } from './registry.js';

/**
 * One device instance per enabled node of the board config, each bound to its model by
 * `compatible` and given its validated params. Problems are ConfigErrors naming the field.
 */
export function bindDevices(
  board: BoardConfig,
  file: string,
  registry: DeviceRegistry,
  clock: Clock,
  backends: TransportBackends,
): Device[] {
  const devices: Device[] = [];
  board.devices.forEach((node, index) => {
    if (!node.enabled) return;
    const model = registry.get(node.compatible);
    if (!model) {
      const known = registry
        .list()
        .map((m) => m.compatible)
        .join(', ');
      throw new ConfigError(
        file,
        `devices[${index}].compatible`,
        `unknown device model "${node.compatible}" (known: ${known})`,
      );
    }
    const bus = board.buses.find((b) => b.id === node.bus);
    if (!bus) throw new ConfigError(file, `devices[${index}].bus`, `unknown bus "${node.bus}"`);
    if (bus.kind !== model.busKind) {
      throw new ConfigError(
        file,
        `devices[${index}].bus`,
        `"${node.compatible}" needs a ${model.busKind} bus, but "${bus.id}" is ${bus.kind}`,
      );
    }
    const params = validateConfig(model.paramsSchema, node.params, file, ['devices', index, 'params']);
    devices.push(
      model.create({ id: node.id, bus, address: node.address, pins: node.pins ?? {}, params, clock, backends }),
    );
  });
  return devices;
}
