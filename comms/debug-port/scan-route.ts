import type { LidarPoints } from '../../messages/lidar-points.js';
import type { Route } from './routes.js';

const RAD_TO_DEG = 180 / Math.PI;

/** The latest whole revolution of each lidar, as the main thread posts them. */
export class ScanStore {
  private readonly latest = new Map<string, LidarPoints>();

  set(scan: LidarPoints): void {
    this.latest.set(scan.deviceId, scan);
  }

  /** The latest revolution of `deviceId`, or of the first lidar that sent one when none is named. */
  get(deviceId?: string): LidarPoints | undefined {
    if (deviceId !== undefined) return this.latest.get(deviceId);
    return this.latest.values().next().value;
  }

  devices(): string[] {
    return [...this.latest.keys()];
  }
}

/** Rounds to millimetres (and to 0.01° for bearings): the JSON stays small and readable. */
const mm = (value: number): number => Math.round(value * 1000) / 1000;

/**
 * `GET /api/v1/scan[?device=ID]`: the latest whole revolution of a lidar, in the robot frame
 * (x forward, y left, metres; bearing counter-clockwise from ahead, degrees), stamped with the
 * runtime clock time of its last packet, so a field engineer can check a lidar's mounting and
 * direction: a wall ahead must show at bearing 0. 503 before any revolution, 404 for an unknown
 * device.
 */
export function scanRoutes(scans: ScanStore): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/scan',
      mutating: false,
      handle: (request) => {
        const wanted = request.query.get('device') ?? undefined;
        const scan = scans.get(wanted);
        if (!scan) {
          if (wanted !== undefined && scans.devices().length > 0) {
            return { status: 404, body: { error: `no lidar "${wanted}"`, devices: scans.devices() } };
          }
          return { status: 503, body: { error: 'no scan yet', reason: 'no lidar has sent a whole revolution yet' } };
        }
        const points = Array.from({ length: scan.count }, (_, i) => {
          const xM = scan.xM[i] as number;
          const yM = scan.yM[i] as number;
          return {
            xM: mm(xM),
            yM: mm(yM),
            rangeM: mm(scan.rangeM[i] as number),
            bearingDeg: Math.round(Math.atan2(yM, xM) * RAD_TO_DEG * 100) / 100,
            intensity: scan.intensity[i] as number,
          };
        });
        return {
          status: 200,
          body: { deviceId: scan.deviceId, stampUs: scan.stampUs, frame: 'robot', count: scan.count, points },
        };
      },
    },
  ];
}
