import type { Pose2D } from '../../messages/geometry.js';
import type { LidarPoints } from '../../messages/lidar-points.js';

/** A 6 m x 4 m room with a 0.6 m square pillar, as wall segments [x1, y1, x2, y2], metres. */
export const ROOM_WALLS: ReadonlyArray<readonly [number, number, number, number]> = [
  [0, 0, 6, 0],
  [6, 0, 6, 4],
  [6, 4, 0, 4],
  [0, 4, 0, 0],
  [2, 1.5, 2.6, 1.5],
  [2.6, 1.5, 2.6, 2.1],
  [2.6, 2.1, 2, 2.1],
  [2, 2.1, 2, 1.5],
];

/** Distance from (x, y) along `angle` to the nearest wall of the room (exact), metres. */
export function castInRoom(x: number, y: number, angle: number): number {
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  let best = Infinity;
  for (const [x1, y1, x2, y2] of ROOM_WALLS) {
    const ex = x2 - x1;
    const ey = y2 - y1;
    const den = dx * ey - dy * ex;
    if (Math.abs(den) < 1e-12) continue;
    const t = ((x1 - x) * ey - (y1 - y) * ex) / den;
    const u = ((x1 - x) * dy - (y1 - y) * dx) / den;
    if (t > 0 && u >= 0 && u <= 1) best = Math.min(best, t);
  }
  return best;
}

/** A revolution of 450 beams from a robot standing at `pose`: robot-frame points with ±1 cm noise from a seeded sequence. */
export function roomRevolution(pose: Pose2D, seed: number, stampUs = 0): LidarPoints {
  const n = 450;
  const xM = new Float32Array(n);
  const yM = new Float32Array(n);
  const rangeM = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    const bearing = (2 * Math.PI * i) / n;
    const r = castInRoom(pose.xM, pose.yM, pose.yawRad + bearing) + (s / 2147483647 - 0.5) * 0.02;
    xM[i] = r * Math.cos(bearing);
    yM[i] = r * Math.sin(bearing);
    rangeM[i] = r;
  }
  return { deviceId: 'lidar', stampUs, count: n, xM, yM, rangeM, intensity: new Uint8Array(n) };
}
