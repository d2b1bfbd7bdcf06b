import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { ConfigError } from '../../config/config-error.js';
import { parseYamlText } from '../../config/yaml-file.js';
import { gridFromImage, imageFromGrid, validateMapYaml } from './map-server-format.js';
import { decodePgm, encodePgm, PgmFormatError } from './pgm-codec.js';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';

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
 * Each file is written beside itself and renamed into place, so a reader (or a restart after a
 * crash mid-write) finds the old map or the new one, never half of one. Returns the image's path.
 */
export function saveMapFile(yamlPath: string, grid: OccupancyGridMessage, mode: 'trinary' | 'raw' = 'trinary'): string {
  const imageName = `${basename(yamlPath).replace(/\.ya?ml$/, '')}.pgm`;
  const { image, yaml } = imageFromGrid(grid, imageName, mode);
  const imagePath = join(dirname(yamlPath), imageName);
  writeFileInPlace(imagePath, encodePgm(image, `spinal map, ${grid.resolutionM} m/cell`));
  writeFileInPlace(yamlPath, yaml);
  return imagePath;
}

/** Writes `data` to `path` by way of a temporary file beside it, renamed over the old one. */
export function writeFileInPlace(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}
