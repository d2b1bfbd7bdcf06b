import type { BoardConfig } from '../../config/board-schema.js';
import { ConfigError } from '../../config/config-error.js';
import { validateConfig } from '../../config/yaml-file.js';
import type { DeviceRegistry } from '../../hal/registry.js';
import { ok, type Finding } from './finding.js';

/**
 * What `spinal run` checks before it opens anything: every enabled device names a known model, sits on
 * a bus of the kind the model needs, and has valid `params`. Throws a ConfigError naming the field
 * (the CLI exits 2), as `spinal run` would; otherwise one `ok` line.
 */
export function checkBoardModels(board: BoardConfig, file: string, registry: DeviceRegistry): Finding {
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
    validateConfig(model.paramsSchema, node.params, file, ['devices', index, 'params']);
  });
  const enabled = board.devices.filter((d) => d.enabled);
  const list = enabled.map((d) => `${d.id}: ${d.compatible}`).join(', ');
  return ok('board-config', `board config ${file} is valid (${enabled.length} devices: ${list})`);
}
