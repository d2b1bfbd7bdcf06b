import { describe, expect, it } from 'vitest';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import { MAP_TILE_CELLS, MAP_VERSIONS_KEPT, MapStore, changedTiles, gridFromMapBody, mapRoutes } from './map-route.js';
import type { MapDeltaBody } from './map-route.js';

function grid(version: number, width = 70, height = 40, fill = -1): OccupancyGridMessage {
  return {
    version,
    resolutionM: 0.05,
    widthCells: width,
    heightCells: height,
    origin: { xM: -1, yM: -1, yawRad: 0 },
    cells: new Int8Array(width * height).fill(fill),
  };
}

function ask(store: MapStore, since?: string): { status: number; body: unknown } {
  const query = new URLSearchParams(since === undefined ? '' : `since=${since}`);
  const route = mapRoutes(store)[0]!;
  return route.handle({ method: 'GET', path: '/api/v1/map', query, headers: {} }) as { status: number; body: unknown };
}

describe('GET /api/v1/map?since=VERSION', () => {
  it('GIVEN a kept older version WHEN asked since it THEN only the changed tiles come, and they rebuild the map', () => {
    const store = new MapStore();
    const before = grid(1);
    store.map = before;
    const after = grid(2);
    after.cells[5 * 70 + 3] = 100; // tile (0, 0)
    after.cells[39 * 70 + 69] = 0; // the last, partial tile (64, 32)
    store.map = after;
    const { status, body } = ask(store, '1');
    expect(status).toBe(200);
    const delta = body as MapDeltaBody;
    expect(delta.encoding).toBe('int8-base64-tiles');
    expect(delta).toMatchObject({ version: 2, since: 1, peers: [] });
    expect(delta.tiles.map((t) => [t.x, t.y, t.widthCells, t.heightCells])).toEqual([
      [0, 0, MAP_TILE_CELLS, MAP_TILE_CELLS],
      [64, 32, 6, 8],
    ]);
    // Applying the tiles to the old cells gives the new ones.
    const rebuilt = before.cells.slice();
    for (const t of delta.tiles) {
      const cells = new Int8Array(Buffer.from(t.cells, 'base64'));
      for (let row = 0; row < t.heightCells; row++)
        rebuilt.set(cells.subarray(row * t.widthCells, (row + 1) * t.widthCells), (t.y + row) * 70 + t.x);
    }
    expect(rebuilt).toEqual(after.cells);
  });

  it('answers no tiles when asked since the current version', () => {
    const store = new MapStore();
    store.map = grid(7);
    expect((ask(store, '7').body as MapDeltaBody).tiles).toEqual([]);
  });

  it('GIVEN a version it no longer keeps, an unknown one, or a resized map THEN the whole map comes', () => {
    const store = new MapStore();
    for (let v = 1; v <= MAP_VERSIONS_KEPT + 1; v++) store.map = grid(v);
    expect(gridFromMapBody(ask(store, '1').body)?.version).toBe(MAP_VERSIONS_KEPT + 1);
    expect(gridFromMapBody(ask(store, '999').body)).not.toBeNull();
    expect(gridFromMapBody(ask(store).body)).not.toBeNull();
    store.map = grid(50, 80, 40);
    expect(gridFromMapBody(ask(store, String(MAP_VERSIONS_KEPT + 1)).body)?.widthCells).toBe(80);
  });

  it('refuses a since that is not a whole number', () => {
    const store = new MapStore();
    store.map = grid(1);
    expect(ask(store, 'abc').status).toBe(400);
  });

  it('finds no tiles between equal grids and every tile between different ones', () => {
    expect(changedTiles(grid(1), grid(2))).toEqual([]);
    expect(changedTiles(grid(1), grid(2, 70, 40, 0))).toHaveLength(3 * 2);
  });
});
