import { describe, expect, it } from 'vitest';
import type { LidarPoints } from '../../messages/lidar-points.js';
import { isMainToComms } from '../comms-thread-protocol.js';
import { ScanStore, scanRoutes } from './scan-route.js';

function scan(deviceId: string, points: Array<[number, number]>): LidarPoints {
  return {
    deviceId,
    stampUs: 1_500_000,
    count: points.length,
    xM: Float32Array.from(points, ([x]) => x),
    yM: Float32Array.from(points, ([, y]) => y),
    rangeM: Float32Array.from(points, ([x, y]) => Math.hypot(x, y)),
    intensity: Uint8Array.from(points, () => 15),
  };
}

function get(scans: ScanStore, query = ''): { status: number; body: unknown } {
  const [route] = scanRoutes(scans);
  const response = route!.handle({
    method: 'GET',
    path: '/api/v1/scan',
    query: new URLSearchParams(query),
    headers: {},
  });
  return response as { status: number; body: unknown };
}

describe('GET /api/v1/scan', () => {
  it('answers 503 before any revolution', () => {
    expect(get(new ScanStore())).toMatchObject({ status: 503, body: { error: 'no scan yet' } });
  });

  it('gives the latest revolution in the robot frame with its stamp, device and bearings', () => {
    const scans = new ScanStore();
    scans.set(scan('lidar', [[9, 9]]));
    scans.set(
      scan('lidar', [
        [2, 0],
        [0, -1.5],
        [-1, 0.0004],
      ]),
    );
    expect(get(scans)).toEqual({
      status: 200,
      body: {
        deviceId: 'lidar',
        stampUs: 1_500_000,
        frame: 'robot',
        count: 3,
        points: [
          { xM: 2, yM: 0, rangeM: 2, bearingDeg: 0, intensity: 15 },
          { xM: 0, yM: -1.5, rangeM: 1.5, bearingDeg: -90, intensity: 15 },
          { xM: -1, yM: 0, rangeM: 1, bearingDeg: 179.98, intensity: 15 },
        ],
      },
    });
  });

  it('picks a lidar by ?device=, and says which exist for an unknown one', () => {
    const scans = new ScanStore();
    scans.set(scan('front', [[1, 0]]));
    scans.set(scan('rear', [[-1, 0]]));
    expect(get(scans, 'device=rear')).toMatchObject({ status: 200, body: { deviceId: 'rear' } });
    expect(get(scans)).toMatchObject({ status: 200, body: { deviceId: 'front' } });
    expect(get(scans, 'device=top')).toEqual({
      status: 404,
      body: { error: 'no lidar "top"', devices: ['front', 'rear'] },
    });
  });

  it('accepts a scan message from the main thread only with its typed arrays', () => {
    const good = scan('lidar', [[1, 0]]);
    expect(isMainToComms({ t: 'scan', scan: good })).toBe(true);
    expect(isMainToComms({ t: 'scan', scan: { ...good, xM: [1] } })).toBe(false);
    expect(isMainToComms({ t: 'scan', scan: { ...good, count: 5 } })).toBe(false);
    expect(isMainToComms({ t: 'scan', scan: null })).toBe(false);
  });
});
