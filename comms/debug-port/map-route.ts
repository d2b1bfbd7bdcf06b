import type { NavigationStatus } from '../../messages/cortex-comms-protocol.js';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import type { Route } from './routes.js';

/** The latest map and navigation status the cortex sent. */
export class MapStore {
  map: OccupancyGridMessage | null = null;
  navigation: NavigationStatus | null = null;
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
}

/**
 * `GET /api/v1/map`: the robot's occupancy grid as a compact, versioned JSON body (ROS
 * OccupancyGrid conventions, the cells as base64 of their bytes), with the navigation status
 * (localisation state and quality, the current path). 503 before the cortex has sent a map.
 */
export function mapRoutes(store: MapStore): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/map',
      mutating: false,
      handle: () => {
        const map = store.map;
        if (!map)
          return { status: 503, body: { error: 'no map yet', reason: 'the robot has no mission and no map yet' } };
        const body: MapBody = {
          version: map.version,
          resolutionM: map.resolutionM,
          widthCells: map.widthCells,
          heightCells: map.heightCells,
          origin: map.origin,
          encoding: 'int8-base64',
          cells: Buffer.from(map.cells.buffer, map.cells.byteOffset, map.cells.byteLength).toString('base64'),
          navigation: store.navigation,
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
