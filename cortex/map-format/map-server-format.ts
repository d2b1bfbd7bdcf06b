import { z } from 'zod';
import { validateConfig } from '../../config/yaml-file.js';
import { CELL_UNKNOWN, type OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import type { GreyImage } from './pgm-codec.js';

/**
 * The ROS `map_server` map format (ROS 1 map_server, Nav2 nav2_map_server): a YAML file naming an
 * image and saying how to read it. Pixel darkness is occupancy: `p = (255 − v) / 255` (with
 * `negate: 1`, `p = v / 255`); in `trinary` mode (the default) p above `occupied_thresh` is
 * occupied (100), below `free_thresh` free (0), else unknown (-1); in `scale` mode the values
 * between are graded 0..100; in `raw` mode the pixel is the cell value (0..100, above is unknown).
 * The image's first row is the map's top (its highest y). Pure: text and pixels in, grid out.
 */
export const MAP_MODES = ['trinary', 'scale', 'raw'] as const;
export type MapMode = (typeof MAP_MODES)[number];

export const mapYamlSchema = z
  .object({
    image: z.string().min(1),
    resolution: z.number().finite().positive(),
    origin: z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]),
    negate: z.union([z.literal(0), z.literal(1), z.boolean()]).default(0),
    occupied_thresh: z.number().min(0).max(1).default(0.65),
    free_thresh: z.number().min(0).max(1).default(0.196),
    mode: z.enum(MAP_MODES).default('trinary'),
  })
  .passthrough()
  .refine((m) => m.free_thresh <= m.occupied_thresh, { message: 'free_thresh must not be above occupied_thresh' });

export type MapYaml = z.output<typeof mapYamlSchema>;

/** Checks a parsed map.yaml; errors are ConfigErrors naming `file` and the field. */
export function validateMapYaml(value: unknown, file: string): MapYaml {
  return validateConfig(mapYamlSchema, value, file);
}

/** The occupancy grid an image gives under a map.yaml's reading rules. */
export function gridFromImage(meta: MapYaml, image: GreyImage, version = 1): OccupancyGridMessage {
  const { width, height, maxValue, pixels } = image;
  const cells = new Int8Array(width * height);
  const negate = meta.negate === 1 || meta.negate === true;
  for (let row = 0; row < height; row++) {
    const y = height - 1 - row;
    for (let x = 0; x < width; x++) {
      const v = pixels[row * width + x] as number;
      let cell: number;
      if (meta.mode === 'raw') {
        cell = v <= 100 ? v : CELL_UNKNOWN;
      } else {
        const shade = v / maxValue;
        const p = negate ? shade : 1 - shade;
        if (p > meta.occupied_thresh) cell = 100;
        else if (p < meta.free_thresh) cell = 0;
        else if (meta.mode === 'scale')
          cell = Math.round(((p - meta.free_thresh) / (meta.occupied_thresh - meta.free_thresh)) * 100);
        else cell = CELL_UNKNOWN;
      }
      cells[y * width + x] = cell;
    }
  }
  return {
    resolutionM: meta.resolution,
    widthCells: width,
    heightCells: height,
    origin: { xM: meta.origin[0], yM: meta.origin[1], yawRad: meta.origin[2] },
    cells,
    version,
  };
}

/** Thresholds a saved map is written with (those of ROS 1's map_saver, so its 205 grey reads back unknown). */
const SAVE_OCCUPIED_THRESH = 0.65;
const SAVE_FREE_THRESH = 0.196;

/**
 * A grid as map_saver writes it: `trinary` (occupied black 0, free white 254, unknown grey 205;
 * cells of 65 and more are occupied, 19 and less free) or `raw` (the cell value as the pixel,
 * unknown 255, so every value comes back exactly). Returns the image and the map.yaml text
 * naming `imageName`.
 */
export function imageFromGrid(
  grid: OccupancyGridMessage,
  imageName: string,
  mode: 'trinary' | 'raw' = 'trinary',
): { image: GreyImage; yaml: string } {
  const { widthCells: width, heightCells: height } = grid;
  const pixels = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = height - 1 - y;
    for (let x = 0; x < width; x++) {
      const v = grid.cells[y * width + x] as number;
      let pixel: number;
      if (mode === 'raw') pixel = v === CELL_UNKNOWN ? 255 : v;
      else if (v === CELL_UNKNOWN) pixel = 205;
      else if (v >= SAVE_OCCUPIED_THRESH * 100) pixel = 0;
      else if (v <= SAVE_FREE_THRESH * 100) pixel = 254;
      else pixel = 205;
      pixels[row * width + x] = pixel;
    }
  }
  const { xM, yM, yawRad } = grid.origin;
  const yaml = [
    `image: ${imageName}`,
    `mode: ${mode}`,
    `resolution: ${grid.resolutionM}`,
    `origin: [${xM}, ${yM}, ${yawRad}]`,
    'negate: 0',
    `occupied_thresh: ${SAVE_OCCUPIED_THRESH}`,
    `free_thresh: ${SAVE_FREE_THRESH}`,
    '',
  ].join('\n');
  return { image: { width, height, maxValue: 255, pixels }, yaml };
}
