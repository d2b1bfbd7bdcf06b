import { ConfigError } from '../config/config-error.js';
import type { BoardConfig, BusConfig, DeviceConfig } from '../config/board-schema.js';
import { validateConfig } from '../config/yaml-file.js';
import type { Clock } from '../time/clock.js';
import type { Device } from './device-api.js';
import { wiringProblem } from './device-wiring.js';
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
 * kind the model needs, with the address and pins the model declares (see `device-wiring.ts`) and
 * its params validated. Opens nothing. This is the one check of a board's devices: `spinal run`
 * (through `bindDevices`), `spinal sim` and `spinal doctor` all refuse a board with it, the first
 * problem a ConfigError naming the field (`devices[3].pins.in`).
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
    const wiring = { address: node.address, pins: node.pins ?? {} };
    const declared = wiringProblem(model, wiring);
    if (declared) throw new ConfigError(file, `devices[${index}].${declared.field}`, declared.problem);
    const params = validateConfig(model.paramsSchema, node.params, file, ['devices', index, 'params']);
    const joint = model.checkWiring?.(wiring, params);
    if (joint) throw new ConfigError(file, `devices[${index}].${joint.field}`, joint.problem);
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
