import type { BoardConfig } from '../../config/board-schema.js';
import { resolveDevices } from '../../hal/device-binding.js';
import type { DeviceRegistry } from '../../hal/registry.js';
import { ok, type Finding } from './finding.js';

/**
 * What `spinal run` checks before it opens anything: every enabled device names a known model, sits on
 * a bus of the kind the model needs, gives the address and pins the model declares, and has valid
 * `params` (`resolveDevices`, the same check). Throws a ConfigError naming the field (the CLI exits
 * 2), as `spinal run` would; otherwise one `ok` line.
 */
export function checkBoardModels(board: BoardConfig, file: string, registry: DeviceRegistry): Finding {
  const resolved = resolveDevices(board, file, registry);
  const list = resolved.map(({ node }) => `${node.id}: ${node.compatible}`).join(', ');
  return ok('board-config', `board config ${file} is valid (${resolved.length} devices: ${list})`);
}
