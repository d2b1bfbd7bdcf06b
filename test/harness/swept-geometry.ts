import type { LidarPoints } from '../../messages/lidar-points.js';

/** A round obstacle (a pole, a table leg), robot frame, metres. */
export interface Disc {
  xM: number;
  yM: number;
  radiusM: number;
}

/** A robot as the reference checks see it: its bare footprint and wheel base. */
export interface ReferenceRobot {
  halfLengthM: number;
  halfWidthM: number;
  wheelBaseM: number;
}

/** The stopping model, written out independently of the reflex: each wheel holds its speed for the latency, then brakes at `decelMps2`. */
export interface ReferenceStop {
  latencyS: number;
  decelMps2: number;
}

/** Distance from point (x, y) to the rectangle of half sizes (hl, hw) centred at the origin, 0 inside. */
function rectangleDistance(x: number, y: number, hl: number, hw: number): number {
  return Math.hypot(Math.max(0, Math.abs(x) - hl), Math.max(0, Math.abs(y) - hw));
}

/**
 * Whether the bare footprint touches any disc while the robot drives (vMps, wRadps) and then stops
 * under the stopping model, integrated in 0.5 ms steps. The reference the property tests hold the
 * reflex to: plain Euler integration of the wheel speeds, nothing shared with the reflex's code.
 */
export function stopTouches(
  robot: ReferenceRobot,
  stop: ReferenceStop,
  vMps: number,
  wRadps: number,
  discs: readonly Disc[],
): boolean {
  let left = vMps - (wRadps * robot.wheelBaseM) / 2;
  let right = vMps + (wRadps * robot.wheelBaseM) / 2;
  let x = 0;
  let y = 0;
  let yaw = 0;
  const dt = 0.0005;
  for (let t = 0; left !== 0 || right !== 0; t += dt) {
    for (const d of discs) {
      const dx = d.xM - x;
      const dy = d.yM - y;
      const lx = dx * Math.cos(yaw) + dy * Math.sin(yaw);
      const ly = -dx * Math.sin(yaw) + dy * Math.cos(yaw);
      if (rectangleDistance(lx, ly, robot.halfLengthM, robot.halfWidthM) <= d.radiusM) return true;
    }
    if (t >= stop.latencyS) {
      left = Math.sign(left) * Math.max(0, Math.abs(left) - stop.decelMps2 * dt);
      right = Math.sign(right) * Math.max(0, Math.abs(right) - stop.decelMps2 * dt);
    }
    const v = (left + right) / 2;
    const w = (right - left) / robot.wheelBaseM;
    x += v * Math.cos(yaw + (w * dt) / 2) * dt;
    y += v * Math.sin(yaw + (w * dt) / 2) * dt;
    yaw += w * dt;
    if (t > 60) throw new Error('the stop never ended');
  }
  return false;
}

/**
 * One lidar revolution against `discs`, as packets of `beamsPerPacket` beams from a sensor at
 * (originX, originY) in the robot frame, beams `stepRad` apart starting at `phaseRad`; beams that
 * hit nothing within `maxRangeM` give no point but still count as measured.
 */
export function scanRevolution(
  discs: readonly Disc[],
  origin: { xM: number; yM: number },
  stepRad: number,
  phaseRad: number,
  stampUs: number,
  beamsPerPacket = 12,
  maxRangeM = 8,
): LidarPoints[] {
  const beams = Math.floor((2 * Math.PI) / stepRad);
  const packets: LidarPoints[] = [];
  for (let start = 0; start < beams; start += beamsPerPacket) {
    const xs: number[] = [];
    const ys: number[] = [];
    const ranges: number[] = [];
    const end = Math.min(beams, start + beamsPerPacket) - 1;
    for (let b = start; b <= end; b++) {
      const a = phaseRad + b * stepRad;
      const ux = Math.cos(a);
      const uy = Math.sin(a);
      let best = maxRangeM;
      for (const d of discs) {
        const cx = d.xM - origin.xM;
        const cy = d.yM - origin.yM;
        const along = cx * ux + cy * uy;
        const across2 = cx * cx + cy * cy - along * along;
        if (along <= 0 || across2 > d.radiusM * d.radiusM) continue;
        const t = along - Math.sqrt(d.radiusM * d.radiusM - across2);
        if (t > 0 && t < best) best = t;
      }
      if (best >= maxRangeM) continue;
      xs.push(origin.xM + best * ux);
      ys.push(origin.yM + best * uy);
      ranges.push(best);
    }
    packets.push({
      deviceId: 'lidar',
      stampUs,
      count: xs.length,
      xM: Float32Array.from(xs),
      yM: Float32Array.from(ys),
      rangeM: Float32Array.from(ranges),
      intensity: new Uint8Array(xs.length).fill(200),
      originXM: origin.xM,
      originYM: origin.yM,
      sweepFirstRad: phaseRad + start * stepRad,
      sweepLastRad: phaseRad + end * stepRad,
      beamStepRad: stepRad,
    });
  }
  return packets;
}
