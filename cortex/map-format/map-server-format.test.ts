import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config-error.js';
import { CELL_UNKNOWN, type OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import { gridFromImage, imageFromGrid, validateMapYaml } from './map-server-format.js';
import { decodePgm, encodePgm, PgmFormatError } from './pgm-codec.js';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A 3 x 2 map written by hand: top row black, white, grey; bottom row white, white, black (P2, with comments). */
const P2_TEXT = `P2
# made by hand: 3 wide, 2 high
3 2
# maxval
255
0 255 205
255 255 0
`;

describe('PGM codec', () => {
  it('reads a P2 image with comments, and the same image as P5', () => {
    const p2 = decodePgm(ascii(P2_TEXT));
    expect([p2.width, p2.height, p2.maxValue]).toEqual([3, 2, 255]);
    expect([...p2.pixels]).toEqual([0, 255, 205, 255, 255, 0]);
    const p5 = decodePgm(encodePgm(p2, 'a comment'));
    expect(p5).toEqual(p2);
  });

  it('reads 16-bit P5 rasters (maxval above 255) big-endian', () => {
    const header = ascii('P5 2 1 1000\n');
    const bytes = new Uint8Array([...header, 0x03, 0xe8, 0x00, 0x01]);
    expect([...decodePgm(bytes).pixels]).toEqual([1000, 1]);
  });

  it('refuses what is not a PGM, a short raster and a pixel above maxval, naming the problem', () => {
    expect(() => decodePgm(ascii('P6 1 1 255\n\0\0\0'))).toThrow(PgmFormatError);
    expect(() => decodePgm(ascii('P5 4 4 255\n\0\0'))).toThrow(/short/);
    expect(() => decodePgm(ascii('P2 2 1 100\n5 101\n'))).toThrow(/not 0..100/);
    expect(() => decodePgm(ascii('P2 -2 1 100\n'))).toThrow(/width/);
  });
});

describe('map_server format', () => {
  const meta = (extra: Record<string, unknown> = {}) =>
    validateMapYaml({ image: 'map.pgm', resolution: 0.05, origin: [-1.5, 2.25, 0.3], ...extra }, 'map.yaml');

  it('GIVEN a map.yaml and PGM written from known data WHEN loaded THEN resolution, origin and cells are right (top row is the highest y)', () => {
    const grid = gridFromImage(meta(), decodePgm(ascii(P2_TEXT)));
    expect(grid.resolutionM).toBe(0.05);
    expect(grid.origin).toEqual({ xM: -1.5, yM: 2.25, yawRad: 0.3 });
    expect([grid.widthCells, grid.heightCells]).toEqual([3, 2]);
    // Row y = 0 is the image's bottom row.
    expect([...grid.cells]).toEqual([0, 0, 100, 100, 0, CELL_UNKNOWN]);
  });

  it('honours negate, the thresholds and the scale and raw modes', () => {
    const image = decodePgm(ascii('P2 4 1 255\n0 100 150 255\n'));
    expect([...gridFromImage(meta({ negate: 1 }), image).cells]).toEqual([0, CELL_UNKNOWN, CELL_UNKNOWN, 100]);
    expect([...gridFromImage(meta({ occupied_thresh: 0.5, free_thresh: 0.3 }), image).cells]).toEqual([
      100,
      100,
      CELL_UNKNOWN,
      0,
    ]);
    // scale: p = 0.608 for 100 lies between the default thresholds: graded.
    const scaled = gridFromImage(meta({ mode: 'scale' }), image).cells;
    expect(scaled[1]).toBe(Math.round(((1 - 100 / 255 - 0.196) / (0.65 - 0.196)) * 100));
    expect([...gridFromImage(meta({ mode: 'raw' }), image).cells]).toEqual([0, 100, CELL_UNKNOWN, CELL_UNKNOWN]);
  });

  it('refuses a bad map.yaml naming the field', () => {
    const error = (() => {
      try {
        validateMapYaml({ image: 'map.pgm', resolution: -1, origin: [0, 0, 0] }, 'site/map.yaml');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe('resolution');
    expect(() => validateMapYaml({ image: 'm.pgm', resolution: 1, origin: [0, 0] }, 'm.yaml')).toThrow(ConfigError);
  });

  const gridArbitrary = (values: fc.Arbitrary<number>): fc.Arbitrary<OccupancyGridMessage> =>
    fc.record({ w: fc.integer({ min: 1, max: 12 }), h: fc.integer({ min: 1, max: 12 }) }).chain(({ w, h }) =>
      fc.record({
        resolutionM: fc.constantFrom(0.025, 0.05, 0.1),
        widthCells: fc.constant(w),
        heightCells: fc.constant(h),
        origin: fc.record({
          xM: fc.double({ min: -50, max: 50, noNaN: true }).map((v) => v + 0),
          yM: fc.double({ min: -50, max: 50, noNaN: true }).map((v) => v + 0),
          yawRad: fc.double({ min: -3, max: 3, noNaN: true }).map((v) => v + 0),
        }),
        cells: fc.array(values, { minLength: w * h, maxLength: w * h }).map((v) => Int8Array.from(v)),
        version: fc.constant(1),
      }),
    );

  /** Writes a grid as `spinal map save` does and reads it back through the YAML text and the P5 bytes. */
  const roundTrip = (grid: OccupancyGridMessage, mode: 'trinary' | 'raw'): OccupancyGridMessage => {
    const { image, yaml } = imageFromGrid(grid, 'map.pgm', mode);
    const lines = Object.fromEntries(
      yaml
        .trim()
        .split('\n')
        .map((l) => [l.split(': ')[0], l.split(': ')[1]]),
    );
    const parsed = validateMapYaml(
      {
        image: lines.image,
        mode: lines.mode,
        resolution: Number(lines.resolution),
        origin: JSON.parse(lines.origin ?? '[]'),
        negate: Number(lines.negate),
        occupied_thresh: Number(lines.occupied_thresh),
        free_thresh: Number(lines.free_thresh),
      },
      'map.yaml',
    );
    return gridFromImage(parsed, decodePgm(encodePgm(image)));
  };

  it('a grid saved raw loads back identically (every value, origin and resolution)', () => {
    fc.assert(
      fc.property(gridArbitrary(fc.integer({ min: -1, max: 100 })), (grid) => {
        expect(roundTrip(grid, 'raw')).toEqual(grid);
      }),
    );
  });

  it('a trinary grid saved trinary loads back identically, so ROS tools read what spinal wrote', () => {
    fc.assert(
      fc.property(gridArbitrary(fc.constantFrom(-1, 0, 100)), (grid) => {
        expect(roundTrip(grid, 'trinary')).toEqual(grid);
      }),
    );
  });
});
