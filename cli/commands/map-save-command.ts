import { gridFromMapBody } from '../../comms/debug-port/map-route.js';
import { sanitizeExternalText } from '../../messages/external-text.js';
import { saveMapFile } from '../../cortex/map-format/map-files.js';
import { checkOutputFile } from '../output-paths.js';

export interface MapSaveOptions {
  /** The map.yaml to write; the image goes beside it with the same name, `.pgm`. */
  file: string;
  /** The robot's debug port, `host:port`. */
  from: string;
  mode: 'trinary' | 'raw';
  out: NodeJS.WriteStream;
}

/**
 * `spinal map save FILE`: fetches a running robot's map from its debug port (`GET /api/v1/map`)
 * and writes it in ROS map_server format (FILE and its PGM beside it), so slam_toolbox, RViz and
 * map_server can open it, and `map:` / `cortex.mapFile` can load it back. Exit 1 when the robot
 * cannot be reached or has no map yet.
 */
export async function runMapSaveCommand(options: MapSaveOptions): Promise<number> {
  checkOutputFile('FILE', options.file);
  const url = `http://${options.from}/api/v1/map`;
  let body: unknown;
  try {
    const response = await fetch(url);
    body = await response.json();
    if (!response.ok) {
      const reason = (body as { reason?: unknown }).reason;
      options.out.write(
        `spinal map save: ${url} answered ${response.status}: ${sanitizeExternalText(String(reason ?? ''))}\n`,
      );
      return 1;
    }
  } catch (error) {
    options.out.write(
      `spinal map save: cannot read ${url}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  const grid = gridFromMapBody(body);
  if (!grid) {
    options.out.write(`spinal map save: ${url} did not answer with a map\n`);
    return 1;
  }
  const image = saveMapFile(options.file, grid, options.mode);
  options.out.write(
    `spinal map save: map version ${grid.version}, ${grid.widthCells}x${grid.heightCells} cells of ${grid.resolutionM} m, written to ${options.file} and ${image}\n`,
  );
  return 0;
}
