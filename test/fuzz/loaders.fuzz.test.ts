/**
 * Fuzzing the loaders: board files, the `--config` file (and the parameters it sets), scenario
 * files and ROS map_server maps (YAML + PGM). Whatever the text, a loader returns its value or
 * throws a ConfigError naming the file (and the field, where one is at fault), never a TypeError
 * or RangeError from deep inside.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fc, FEW_RUNS } from './fuzz-settings.js';
import { mutatedDocument, randomYaml } from './yaml-mutations.js';
import { ConfigError } from '../../config/config-error.js';
import { parseBoardText } from '../../config/board-loader.js';
import { parseRuntimeConfigText } from '../../config/runtime-config-file.js';
import { resolveParams } from '../../config/param-values.js';
import { parseScenarioText } from '../../simulator/scenario.js';
import { loadMapFile } from '../../cortex/map-format/map-files.js';
import { encodePgm } from '../../cortex/map-format/pgm-codec.js';

/** Runs `load`; anything thrown must be a ConfigError whose message begins with `file`. */
function expectLoadedOrConfigError(file: string, load: () => unknown): void {
  try {
    load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.file).toBe(file);
    expect(error.message.startsWith(`${file}: `)).toBe(true);
    expect(error.message).not.toMatch(/\n\s+at /);
  }
}

const parsed = (path: string): unknown => parse(readFileSync(path, 'utf8'));

describe('YAML the parser reads but cannot build', () => {
  it('an alias to no anchor, or an alias bomb, is a ConfigError naming the file', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ].join('\n');
    for (const text of ['*x', 'board: *missing', bomb]) {
      expect(() => parseBoardText(text, 'b.yaml')).toThrow(ConfigError);
      expect(() => parseBoardText(text, 'b.yaml')).toThrow(/^b\.yaml: invalid YAML/);
    }
  });
});

describe('board files under fuzzing', () => {
  const file = 'board-configs/fuzzed.yaml';
  const valid = ['rpi4-ld06-motorhat', 'rpi5-rplidar-roboclaw', 'jetson-orin-nano-ld19-l298n', 'sim-diffdrive'].map(
    (name) => parsed(`board-configs/${name}.yaml`),
  );
  it('load or name the file on random YAML', () => {
    fc.assert(fc.property(randomYaml, (text) => expectLoadedOrConfigError(file, () => parseBoardText(text, file))));
  });
  it('load or name the file and field when a field of a shipped board is changed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...valid).chain(mutatedDocument), (text) =>
        expectLoadedOrConfigError(file, () => parseBoardText(text, file)),
      ),
    );
  });
});

describe('the --config file under fuzzing', () => {
  const file = 'spinal.yaml';
  const valid = {
    params: { 'reflex.deadmanTimeoutMs': 400, 'debug.listen': '127.0.0.1:8080' },
    geofence: [
      [0, 0],
      [20, 0],
      [20, 12],
    ],
    dock: [1, 1],
  };
  it('loads, with its parameters resolved, or names the file', () => {
    fc.assert(
      fc.property(fc.oneof(randomYaml, mutatedDocument(valid)), (text) =>
        expectLoadedOrConfigError(file, () => resolveParams({ config: parseRuntimeConfigText(text, file) })),
      ),
    );
  });
});

describe('scenario files under fuzzing', () => {
  const file = 'simulator/scenarios/fuzzed.yaml';
  const valid = [
    'default',
    'patrol',
    'lidar-corrupt',
    'four-way',
    'warehouse-prior-map',
    'battery-sag',
    'geofence-return',
  ].map((name) => parsed(`simulator/scenarios/${name}.yaml`));
  it('load or name the file on random YAML', () => {
    fc.assert(fc.property(randomYaml, (text) => expectLoadedOrConfigError(file, () => parseScenarioText(text, file))));
  });
  it('load or name the file and field when a field of a shipped scenario is changed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...valid).chain(mutatedDocument), (text) =>
        expectLoadedOrConfigError(file, () => parseScenarioText(text, file)),
      ),
    );
  });
});

describe('map_server maps under fuzzing', () => {
  const yamlPath = '/maps/fuzzed.yaml';
  const imagePath = '/maps/fuzzed.pgm';
  const validYaml = {
    image: 'fuzzed.pgm',
    resolution: 0.05,
    origin: [-1, -2, 0],
    negate: 0,
    occupied_thresh: 0.65,
    free_thresh: 0.196,
    mode: 'trinary',
  };
  const validImage = fc
    .record({
      width: fc.integer({ min: 1, max: 8 }),
      height: fc.integer({ min: 1, max: 8 }),
      comment: fc.option(fc.string({ maxLength: 10 })),
    })
    .chain(({ width, height, comment }) =>
      fc
        .uint8Array({ minLength: width * height, maxLength: width * height })
        .map((pixels) => encodePgm({ width, height, pixels }, comment ?? undefined)),
    );
  const asciiPgm = fc
    .array(
      fc.constantFrom('P2', 'P5', ' ', '\n', '#c\n', '0', '1', '3', '255', '65535', '65536', '99999999', '-1', 'x'),
      { maxLength: 30 },
    )
    .map((parts) => Uint8Array.from(Buffer.from(parts.join(' '), 'latin1')));
  const image = fc.oneof(
    validImage,
    asciiPgm,
    fc.uint8Array({ maxLength: 100 }),
    validImage.chain((bytes) =>
      fc.tuple(fc.nat(bytes.length), fc.uint8Array({ maxLength: 4 })).map(([at, junk]) => {
        const out = bytes.slice();
        out.set(junk.subarray(0, out.length - at), at);
        return out.subarray(0, Math.max(at, 1));
      }),
    ),
  );
  it('load or name the map file and field, whatever the YAML and the image', () => {
    fc.assert(
      fc.property(fc.oneof(randomYaml, mutatedDocument(validYaml)), image, (text, pgm) => {
        const read = (path: string): Uint8Array => {
          if (path === yamlPath) return Buffer.from(text, 'utf8');
          if (path === imagePath) return pgm;
          throw new Error(`ENOENT: no such file, open '${path}'`);
        };
        expectLoadedOrConfigError(yamlPath, () => loadMapFile(yamlPath, read));
      }),
    );
  });
  it('an image that is one long run of non-space bytes is refused, not read as one huge field', () => {
    const read = (path: string): Uint8Array =>
      path === yamlPath ? Buffer.from(JSON.stringify(validYaml)) : new Uint8Array(300_000).fill(0x35);
    expect(() => loadMapFile(yamlPath, read)).toThrow(/image: .*not a PGM image/);
  });
  it('a header announcing a huge raster is refused as short, not allocated', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 70_000, max: 2 ** 40 }),
        fc.integer({ min: 70_000, max: 2 ** 40 }),
        fc.constantFrom('P5', 'P2'),
        (w, h, magic) => {
          const pgm = Uint8Array.from(Buffer.from(`${magic}\n${w} ${h}\n255\n\u0000\u0000`, 'latin1'));
          const read = (path: string): Uint8Array => (path === yamlPath ? Buffer.from(JSON.stringify(validYaml)) : pgm);
          expect(() => loadMapFile(yamlPath, read)).toThrow(ConfigError);
        },
      ),
      { numRuns: FEW_RUNS },
    );
  });
});
