import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { ConfigError } from '../config/config-error.js';
import { parseYamlText } from '../config/yaml-file.js';
import { gridFromImage, imageFromGrid, validateMapYaml } from '../cortex/map-format/map-server-format.js';
import { decodePgm, encodePgm, PgmFormatError } from '../cortex/map-format/pgm-codec.js';
import type { OccupancyGridMessage } from '../messages/occupancy-grid.js';

/**
 * Reads a ROS map_server map: the map.yaml at `yamlPath` and the PGM image it names (relative to
 * the YAML's folder), through `read` (the file system unless told otherwise). Every problem is a ConfigError naming the file and the field (exit 2).
 */
export function loadMapFile(yamlPath: string, read: (path: string) => Uint8Array = readFileSync): OccupancyGridMessage {
  let text: string;
  try {
    text = Buffer.from(read(yamlPath)).toString('utf8');
  } catch (error) {
    throw new ConfigError(yamlPath, '', `cannot read the map: ${(error as Error).message}`);
  }
  const meta = validateMapYaml(parseYamlText(text, yamlPath), yamlPath);
  const imagePath = isAbsolute(meta.image) ? meta.image : join(dirname(yamlPath), meta.image);
  let bytes: Uint8Array;
  try {
    bytes = read(imagePath);
  } catch (error) {
    throw new ConfigError(yamlPath, 'image', `cannot read ${imagePath}: ${(error as Error).message}`);
  }
  try {
    return gridFromImage(meta, decodePgm(bytes));
  } catch (error) {
    if (error instanceof PgmFormatError) throw new ConfigError(yamlPath, 'image', `${imagePath}: ${error.message}`);
    throw error;
  }
}

/**
 * Writes a grid as map_saver does: `<name>.yaml` at `yamlPath` and `<name>.pgm` beside it (P5).
 * Returns the image's path.
 */
export function saveMapFile(yamlPath: string, grid: OccupancyGridMessage, mode: 'trinary' | 'raw' = 'trinary'): string {
  const imageName = `${basename(yamlPath).replace(/\.ya?ml$/, '')}.pgm`;
  const { image, yaml } = imageFromGrid(grid, imageName, mode);
  const imagePath = join(dirname(yamlPath), imageName);
  writeFileSync(imagePath, encodePgm(image, `spinal map, ${grid.resolutionM} m/cell`));
  writeFileSync(yamlPath, yaml);
  return imagePath;
}
