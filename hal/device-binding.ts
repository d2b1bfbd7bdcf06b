import { ConfigError } from '../config/config-error.js';
import type { BoardConfig, BusConfig, DeviceConfig } from '../config/board-schema.js';
import { validateConfig } from '../config/yaml-file.js';
import type { Clock } from '../time/clock.js';
import type { Device } from './device-api.js';
import type { DeviceModel, DeviceRegistry, TransportBackends } from './registry.js';

/** An enabled device node resolved against the registry: its model, its bus and its validated params. */
export interface ResolvedDevice {
  node: DeviceConfig;
  model: DeviceModel<unknown>;
  bus: BusConfig;
  params: unknown;
}

/**
 * Every enabled node of the board config matched to its model by `compatible`, on a bus of the
 * kind the model needs, with its params validated. Opens nothing (`spinal doctor` checks a board
 * with it). Problems are ConfigErrors naming the field.
 */
export function resolveDevices(board: BoardConfig, file: string, registry: DeviceRegistry): ResolvedDevice[] {
  const resolved: ResolvedDevice[] = [];
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
    resolved.push({ node, model, bus, params });
  });
  return resolved;
}

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
  return resolveDevices(board, file, registry).map(({ node, model, bus, params }) =>
    model.create({ id: node.id, bus, address: node.address, pins: node.pins ?? {}, params, clock, backends }),
  );
}
