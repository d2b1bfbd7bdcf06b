import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { ParamValues } from '../config/params.js';
import type { OccupancyGridMessage } from '../messages/occupancy-grid.js';
import type { LoadedBoard } from './config-sources.js';
import { EMBEDDED_SCENARIO_MAPS } from './embedded-assets.generated.js';
import { loadMapFile } from '../cortex/map-format/map-files.js';

/**
 * The prior map a robot starts with, if any: the scenario robot's `map:` (relative to the
 * scenario file; a shipped scenario's maps are embedded in the binary), else `cortex.mapFile`,
 * else the board's `map:` (relative to the board file). Null: the robot maps as it goes. A map
 * that cannot be read is a ConfigError naming the file and the field (exit 2).
 */
export function resolvePriorMap(
  params: ParamValues,
  board: LoadedBoard,
  scenario?: { map: string | undefined; file: string },
): OccupancyGridMessage | null {
  if (scenario?.map !== undefined) {
    const path = isAbsolute(scenario.map) ? scenario.map : join(dirname(scenario.file), scenario.map);
    return existsSync(path) ? loadMapFile(path) : loadMapFile(path, embeddedReader(dirname(scenario.file)));
  }
  if (params['cortex.mapFile'] !== '') return loadMapFile(params['cortex.mapFile']);
  const fromBoard = board.board.map;
  if (fromBoard === undefined) return null;
  return loadMapFile(isAbsolute(fromBoard) ? fromBoard : join(dirname(board.file), fromBoard));
}

/** Reads the shipped scenarios' embedded map files, by path under the scenario's folder. */
function embeddedReader(scenarioDir: string): (path: string) => Uint8Array {
  return (path) => {
    const base64 = EMBEDDED_SCENARIO_MAPS[relative(scenarioDir, path).split('\\').join('/')];
    if (base64 === undefined) throw new Error(`no such file (nor a shipped map): ${path}`);
    return Buffer.from(base64, 'base64');
  };
}
