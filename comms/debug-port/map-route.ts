import type { NavigationStatus } from '../../messages/cortex-comms-protocol.js';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import type { PeerView } from '../../messages/peer.js';
import type { Route } from './routes.js';

/** Map versions kept to answer `?since=` with a delta (an older version gets the whole map). */
export const MAP_VERSIONS_KEPT = 4;
/** Side of the square tiles a delta is made of, cells. */
export const MAP_TILE_CELLS = 32;

/** The latest map and navigation status the cortex sent, the few maps before it, and the peers the mesh knows. */
export class MapStore {
  navigation: NavigationStatus | null = null;
  /** Where the peers come from (the comms thread's mesh); none when absent. */
  peers: () => PeerView[] = () => [];
  private readonly history: OccupancyGridMessage[] = [];

  /** The latest map (null before the first). */
  get map(): OccupancyGridMessage | null {
    return this.history.at(-1) ?? null;
  }

  set map(map: OccupancyGridMessage | null) {
    if (!map) {
      this.history.length = 0;
      return;
    }
    if (this.map?.version === map.version) this.history.pop();
    this.history.push(map);
    if (this.history.length > MAP_VERSIONS_KEPT) this.history.shift();
  }

  /** The kept map of `version`, or undefined. */
  version(version: number): OccupancyGridMessage | undefined {
    return this.history.find((m) => m.version === version);
  }
}

/** One changed square of the grid: its cells row-major as base64 of their bytes. */
export interface MapTile {
  /** Column and row of the tile's first cell. */
  x: number;
  y: number;
  widthCells: number;
  heightCells: number;
  cells: string;
}

/** The answer to `GET /api/v1/map?since=V` when V is kept: only the tiles that changed since. */
export interface MapDeltaBody {
  version: number;
  since: number;
  encoding: 'int8-base64-tiles';
  tiles: MapTile[];
  navigation: NavigationStatus | null;
  peers: PeerView[];
}

const base64Of = (cells: Int8Array): string =>
  Buffer.from(cells.buffer, cells.byteOffset, cells.byteLength).toString('base64');

/** The tiles of `now` whose cells differ from `before` (same size and origin). */
export function changedTiles(before: OccupancyGridMessage, now: OccupancyGridMessage): MapTile[] {
  const tiles: MapTile[] = [];
  const width = now.widthCells;
  for (let ty = 0; ty < now.heightCells; ty += MAP_TILE_CELLS) {
    for (let tx = 0; tx < width; tx += MAP_TILE_CELLS) {
      const w = Math.min(MAP_TILE_CELLS, width - tx);
      const h = Math.min(MAP_TILE_CELLS, now.heightCells - ty);
      let changed = false;
      for (let row = ty; row < ty + h && !changed; row++) {
        const start = row * width + tx;
        for (let i = start; i < start + w; i++) {
          if (before.cells[i] !== now.cells[i]) {
            changed = true;
            break;
          }
        }
      }
      if (!changed) continue;
      const cells = new Int8Array(w * h);
      for (let row = 0; row < h; row++) {
        const start = (ty + row) * width + tx;
        cells.set(now.cells.subarray(start, start + w), row * w);
      }
      tiles.push({ x: tx, y: ty, widthCells: w, heightCells: h, cells: base64Of(cells) });
    }
  }
  return tiles;
}

function sameFrame(a: OccupancyGridMessage, b: OccupancyGridMessage): boolean {
  return (
    a.widthCells === b.widthCells &&
    a.heightCells === b.heightCells &&
    a.resolutionM === b.resolutionM &&
    a.origin.xM === b.origin.xM &&
    a.origin.yM === b.origin.yM &&
    a.origin.yawRad === b.origin.yawRad
  );
}

/** The body of `GET /api/v1/map`: what `spinal map save` reads back (see {@link gridFromMapBody}). */
export interface MapBody {
  version: number;
  resolutionM: number;
  widthCells: number;
  heightCells: number;
  origin: { xM: number; yM: number; yawRad: number };
  /** `int8-base64`: the cells row-major from the origin, -1 unknown, 0..100 occupied, as base64 of the bytes. */
  encoding: 'int8-base64';
  cells: string;
  navigation: NavigationStatus | null;
  /** The peers the mesh knows (empty without a mesh). */
  peers: PeerView[];
}

/**
 * `GET /api/v1/map[?since=VERSION]`: the robot's occupancy grid as a compact, versioned JSON body
 * (ROS OccupancyGrid conventions, the cells as base64 of their bytes), with the navigation status
 * (localisation state and quality, the current path) and the peers. With `since` naming one of the
 * last {@link MAP_VERSIONS_KEPT} versions (same size and origin) it answers a {@link MapDeltaBody}:
 * only the {@link MAP_TILE_CELLS}-cell tiles changed since (none when nothing changed), so a page
 * can follow the map without fetching it whole; otherwise the whole map. 503 before the cortex has
 * sent a map.
 */
export function mapRoutes(store: MapStore): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/map',
      mutating: false,
      handle: (request) => {
        const map = store.map;
        if (!map)
          return { status: 503, body: { error: 'no map yet', reason: 'the robot has no mission and no map yet' } };
        const sinceText = request.query.get('since');
        const since = sinceText === null ? NaN : Number(sinceText);
        if (sinceText !== null && !Number.isInteger(since)) {
          return { status: 400, body: { error: 'since must be a whole number (a map version)' } };
        }
        const before = Number.isInteger(since) ? store.version(since) : undefined;
        if (before && sameFrame(before, map)) {
          const delta: MapDeltaBody = {
            version: map.version,
            since,
            encoding: 'int8-base64-tiles',
            tiles: before === map ? [] : changedTiles(before, map),
            navigation: store.navigation,
            peers: store.peers(),
          };
          return { status: 200, body: delta };
        }
        const body: MapBody = {
          version: map.version,
          resolutionM: map.resolutionM,
          widthCells: map.widthCells,
          heightCells: map.heightCells,
          origin: map.origin,
          encoding: 'int8-base64',
          cells: base64Of(map.cells),
          navigation: store.navigation,
          peers: store.peers(),
        };
        return { status: 200, body };
      },
    },
  ];
}

/** A map body read back into a grid; null when it is not one. */
export function gridFromMapBody(body: unknown): OccupancyGridMessage | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Partial<MapBody>;
  if (b.encoding !== 'int8-base64' || typeof b.cells !== 'string' || !b.origin) return null;
  const bytes = Buffer.from(b.cells, 'base64');
  const width = b.widthCells ?? 0;
  const height = b.heightCells ?? 0;
  if (!(width > 0 && height > 0 && bytes.length === width * height && (b.resolutionM ?? 0) > 0)) return null;
  return {
    resolutionM: b.resolutionM as number,
    widthCells: width,
    heightCells: height,
    origin: { xM: b.origin.xM, yM: b.origin.yM, yawRad: b.origin.yawRad },
    cells: new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length).slice(),
    version: b.version ?? 0,
  };
}
