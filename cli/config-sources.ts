import { existsSync } from 'node:fs';
import { parseBoardText, loadBoardFile } from '../config/board-loader.js';
import type { BoardConfig } from '../config/board-schema.js';
import { ConfigError } from '../config/config-error.js';
import { resolveParams } from '../config/param-values.js';
import type { ParamValues } from '../config/params.js';
import { loadRuntimeConfigFile } from '../config/runtime-config-file.js';
import { loadScenarioFile, parseScenarioText, type Scenario } from '../simulator/scenario.js';
import { EMBEDDED_BOARDS, EMBEDDED_SCENARIOS } from './embedded-assets.generated.js';

/**
 * Where boards and scenarios come from: a file path, or the name of one shipped inside spinal
 * (`default`, `wall-ahead`, `sim-diffdrive`), so the simulator needs no files on disk.
 */
export interface LoadedBoard {
  board: BoardConfig;
  file: string;
}

/** A board by path, or by the name of a shipped board config. */
export function loadBoard(pathOrName: string): LoadedBoard {
  if (existsSync(pathOrName)) return { board: loadBoardFile(pathOrName), file: pathOrName };
  const embedded = EMBEDDED_BOARDS[pathOrName];
  if (embedded !== undefined) {
    const file = `board-configs/${pathOrName}.yaml`;
    return { board: parseBoardText(embedded, file), file };
  }
  return { board: loadBoardFile(pathOrName), file: pathOrName };
}

/** A scenario by path, or by the name of a shipped scenario; `undefined` gives the default one. */
export function loadScenario(pathOrName: string | undefined): { scenario: Scenario; file: string } {
  const name = pathOrName ?? 'default';
  if (pathOrName !== undefined && existsSync(pathOrName))
    return { scenario: loadScenarioFile(pathOrName), file: pathOrName };
  const embedded = EMBEDDED_SCENARIOS[name];
  if (embedded !== undefined) {
    const file = `simulator/scenarios/${name}.yaml`;
    return { scenario: parseScenarioText(embedded, file), file };
  }
  const known = Object.keys(EMBEDDED_SCENARIOS).join(', ');
  throw new ConfigError(name, '', `file not found (nor a shipped scenario: ${known})`);
}

/** Parameter values: defaults, then the board's `params:`, the `--config` file, the environment. */
export function loadParams(board: LoadedBoard, configFile: string | undefined): ParamValues {
  return resolveParams({
    board: { file: board.file, values: board.board.params, drive: board.board.robot },
    config: configFile === undefined ? undefined : loadRuntimeConfigFile(configFile),
    env: process.env,
  });
}
