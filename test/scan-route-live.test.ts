import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { debugPortOf, startCli } from './harness/run-cli.js';

/**
 * GIVEN a robot standing still at (1, 1), facing +x, in a 4 m × 3 m room: walls 1 m behind, 3 m
 * ahead, 1 m to its right and 2 m to its left. The room is lopsided on purpose: a lidar turned
 * the wrong way, or mirrored, would put points where there is no wall.
 */
const SCENARIO = `
name: scan-room
description: A robot stands still in a lopsided room; its scan must show the room's walls.
durationS: 30
seed: 4
world:
  walls:
    - [0, 0, 4, 0]
    - [4, 0, 4, 3]
    - [4, 3, 0, 3]
    - [0, 3, 0, 0]
robots:
  - id: robot-1
    board: rpi5-rplidar-roboclaw
    start: { xM: 1, yM: 1, yawDeg: 0 }
    mission:
      drive: { vMps: 0, wRadps: 0, durationS: 30 }
`;

interface ScanBody {
  deviceId: string;
  stampUs: number;
  frame: string;
  count: number;
  points: Array<{ xM: number; yM: number; rangeM: number; bearingDeg: number }>;
}

/** Distance from a world point to the nearest of the room's four walls, metres. */
function toNearestWall(xM: number, yM: number): number {
  return Math.min(Math.abs(xM), Math.abs(xM - 4), Math.abs(yM), Math.abs(yM - 3));
}

describe('GET /api/v1/scan while `spinal sim` runs', () => {
  it('GIVEN the rpi5 board (an RPLIDAR A1 mounted backwards) in a known room WHEN the scan is fetched THEN its points lie on the walls, the wall ahead at bearing 0', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'spinal-scan-test-')), 'scan-room.yaml');
    writeFileSync(file, SCENARIO);
    const child = startCli(['sim', '--scenario', file, '--speed', '1']);
    const announced = debugPortOf(child);
    const address = await announced.address;
    const stderr = announced.stderr;
    try {
      // The first revolution may be cut short (100 ms) while the turn rate is not measured yet.
      let response = await fetch(`http://${address}/api/v1/scan`);
      let scan = (await response.json()) as ScanBody;
      for (let i = 0; i < 100 && (response.status !== 200 || scan.count < 600); i++) {
        await new Promise((r) => setTimeout(r, 100));
        response = await fetch(`http://${address}/api/v1/scan`);
        scan = (await response.json()) as ScanBody;
      }
      expect(response.status, stderr()).toBe(200);
      expect(scan).toMatchObject({ deviceId: 'lidar', frame: 'robot' });
      expect(scan.stampUs).toBeGreaterThan(0);
      // One turn of the express scan: 4000 samples/s at 5.5 turns/s, about 727.
      expect(scan.count).toBeGreaterThan(600);
      expect(scan.count).toBeLessThan(800);
      // The robot stands at (1, 1) facing +x: robot frame = world frame shifted by (1, 1).
      for (const point of scan.points) expect(toNearestWall(point.xM + 1, point.yM + 1)).toBeLessThan(0.03);
      const near = (bearingDeg: number) =>
        scan.points.filter((p) => Math.abs(((p.bearingDeg - bearingDeg + 540) % 360) - 180) < 1);
      for (const [bearingDeg, wallM] of [
        [0, 3],
        [90, 2],
        [180, 1],
        [-90, 1],
      ] as const) {
        const points = near(bearingDeg);
        expect(points.length, `points at bearing ${bearingDeg}°`).toBeGreaterThan(0);
        for (const point of points) expect(Math.abs(point.rangeM - wallM)).toBeLessThan(0.1);
      }
      const devices = (await (await fetch(`http://${address}/api/v1/devices`)).json()) as {
        devices: Array<{ id: string; details?: Record<string, unknown> }>;
      };
      expect(devices.devices.find((d) => d.id === 'lidar')?.details).toMatchObject({
        scanMode: 'Express',
        scanKind: 'express',
        sampleRateHz: 4000,
      });
    } finally {
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    }
  }, 60_000);
});
