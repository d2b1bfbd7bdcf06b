import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MapStore, mapRoutes } from '../../comms/debug-port/map-route.js';
import { ConfigError } from '../../config/config-error.js';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import { loadMapFile } from '../../cortex/map-format/map-files.js';
import { runMapSaveCommand } from './map-save-command.js';

/** A 5 x 3 grid with every kind of cell, off the world origin and turned. */
const GRID: OccupancyGridMessage = {
  resolutionM: 0.05,
  widthCells: 5,
  heightCells: 3,
  origin: { xM: -2.5, yM: 1.25, yawRad: 0.5 },
  cells: Int8Array.from([0, 0, 100, -1, 37, 100, 0, -1, 0, 0, 65, 19, 100, 0, -1]),
  version: 42,
};

const sink = { write: () => true } as unknown as NodeJS.WriteStream;
let server: Server | null = null;

afterEach(() => {
  server?.close();
  server = null;
});

/** A debug port stand-in serving `GET /api/v1/map` from a map store, as the comms thread does. */
async function serve(map: OccupancyGridMessage | null): Promise<string> {
  const store = new MapStore();
  store.map = map;
  const [route] = mapRoutes(store);
  server = createServer((request, response) => {
    const request0 = { method: 'GET', path: request.url ?? '', query: new URLSearchParams(), headers: {} } as never;
    void Promise.resolve(route!.handle(request0)).then((r) => {
      response.writeHead(r.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify((r as { body?: unknown }).body));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('spinal map save', () => {
  it('GIVEN a robot serving its map WHEN saved raw THEN the files load back identically', async () => {
    const from = await serve(GRID);
    const file = join(mkdtempSync(join(tmpdir(), 'spinal-map-')), 'site.yaml');
    expect(await runMapSaveCommand({ file, from, mode: 'raw', out: sink })).toBe(0);
    const loaded = loadMapFile(file);
    expect({ ...loaded, version: GRID.version }).toEqual(GRID);
    expect(readFileSync(file, 'utf8')).toContain('image: site.pgm');
  });

  it('saved trinary (as map_saver does), occupied, free and unknown cells come back as such', async () => {
    const from = await serve(GRID);
    const file = join(mkdtempSync(join(tmpdir(), 'spinal-map-')), 'site.yaml');
    expect(await runMapSaveCommand({ file, from, mode: 'trinary', out: sink })).toBe(0);
    const trinary = [...GRID.cells].map((v) => (v < 0 ? -1 : v >= 65 ? 100 : v <= 19 ? 0 : -1));
    expect([...loadMapFile(file).cells]).toEqual(trinary);
  });

  it('exits 1 when the robot has no map yet or cannot be reached', async () => {
    const from = await serve(null);
    const file = join(mkdtempSync(join(tmpdir(), 'spinal-map-')), 'site.yaml');
    expect(await runMapSaveCommand({ file, from, mode: 'trinary', out: sink })).toBe(1);
    expect(await runMapSaveCommand({ file, from: '127.0.0.1:1', mode: 'trinary', out: sink })).toBe(1);
  });
});

describe('loadMapFile', () => {
  it('reads a map written by hand (P2 image, comments) with the right resolution, origin and cells', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinal-map-'));
    writeFileSync(join(dir, 'hand.pgm'), 'P2\n# by hand\n2 2\n255\n0 254\n205 0\n');
    writeFileSync(
      join(dir, 'hand.yaml'),
      'image: hand.pgm\nresolution: 0.1\norigin: [1.0, -2.0, 0.0]\nnegate: 0\noccupied_thresh: 0.65\nfree_thresh: 0.196\n',
    );
    const grid = loadMapFile(join(dir, 'hand.yaml'));
    expect(grid.resolutionM).toBe(0.1);
    expect(grid.origin).toEqual({ xM: 1, yM: -2, yawRad: 0 });
    expect([...grid.cells]).toEqual([-1, 100, 100, 0]);
  });

  it('names the file and field when the image is missing or broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinal-map-'));
    writeFileSync(join(dir, 'bad.yaml'), 'image: none.pgm\nresolution: 0.1\norigin: [0, 0, 0]\n');
    expect(() => loadMapFile(join(dir, 'bad.yaml'))).toThrow(ConfigError);
    writeFileSync(join(dir, 'broken.pgm'), 'P5 4 4 255\n\0');
    writeFileSync(join(dir, 'broken.yaml'), 'image: broken.pgm\nresolution: 0.1\norigin: [0, 0, 0]\n');
    expect(() => loadMapFile(join(dir, 'broken.yaml'))).toThrow(/image.*short|short/);
  });
});
