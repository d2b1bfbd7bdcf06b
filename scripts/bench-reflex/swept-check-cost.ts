import type { LidarPoints } from '../../messages/lidar-points.js';
import { ObstacleView } from '../../reflex/obstacle-view.js';
import type { ReflexSettings } from '../../reflex/arbiter.js';
import { summarizeLatency, type LatencySummary } from './latency-summary.js';

/** LD06-like revolution: 450 beams, in packets of 12. */
const BEAMS = 450;
const BEAMS_PER_PACKET = 12;
/** Room the robot stands in, robot frame: 1 m to the wall ahead, 0.6 m to the left, 3 m behind and right. */
const ROOM = { minX: -3, maxX: 1, minY: -3, maxY: 0.6 };
/** Posts of 2 cm radius around the robot, robot frame. */
const POSTS = [
  [0.5, 0.3],
  [0.35, -0.35],
  [-0.4, 0.4],
];
const ORIGIN = { xM: 0, yM: 0, yawRad: 0 };

/** Where a beam from the robot's centre at `angle` first meets a post or the room's walls. */
function rangeAt(angle: number): number {
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  let best = Infinity;
  for (const [px, py] of POSTS) {
    const along = px! * ux + py! * uy;
    const across2 = px! * px! + py! * py! - along * along;
    if (along > 0 && across2 < 0.02 * 0.02) best = Math.min(best, along - Math.sqrt(0.02 * 0.02 - across2));
  }
  if (ux > 0) best = Math.min(best, ROOM.maxX / ux);
  if (ux < 0) best = Math.min(best, ROOM.minX / ux);
  if (uy > 0) best = Math.min(best, ROOM.maxY / uy);
  if (uy < 0) best = Math.min(best, ROOM.minY / uy);
  return best;
}

function revolution(stampUs: number, phase: number): LidarPoints[] {
  const step = (2 * Math.PI) / BEAMS;
  const packets: LidarPoints[] = [];
  for (let start = 0; start < BEAMS; start += BEAMS_PER_PACKET) {
    const n = Math.min(BEAMS_PER_PACKET, BEAMS - start);
    const xs = new Float32Array(n);
    const ys = new Float32Array(n);
    const rs = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const a = phase + (start + i) * step;
      const r = rangeAt(a);
      xs[i] = r * Math.cos(a);
      ys[i] = r * Math.sin(a);
      rs[i] = r;
    }
    packets.push({
      deviceId: 'lidar',
      stampUs,
      count: n,
      xM: xs,
      yM: ys,
      rangeM: rs,
      intensity: new Uint8Array(n).fill(200),
      originXM: 0,
      originYM: 0,
      sweepFirstRad: phase + start * step,
      sweepLastRad: phase + (start + n - 1) * step,
      beamStepRad: step,
    });
  }
  return packets;
}

/** What one swept-area evaluation costs, per kind of command. */
export interface SweptCheckCost {
  /** Remembered points the checks looked at. */
  points: number;
  straight: LatencySummary;
  arc: LatencySummary;
  rotation: LatencySummary;
}

/**
 * Times the obstacle inputs the reflex gathers on every lidar packet and loop tick (`ObstacleView.inputs`:
 * collect the remembered returns, the swept-area checks of the command, the applied motion and the turn
 * in place, the blind-sector probe) in a furnished room: a wall 1 m ahead, one 0.6 m to the side, three
 * posts within 0.6 m, ten revolutions remembered. The same code the reflex runs, timed on this thread.
 */
export function measureSweptCheckCost(
  settings: ReflexSettings,
  footprint: { lengthM: number; widthM: number },
  wheelBaseM: number,
  evaluations = 2_000,
): SweptCheckCost {
  const view = new ObstacleView({ settings, footprint, wheelBaseM });
  let nowUs = 1_000_000;
  for (let r = 0; r < 10; r++) {
    for (const packet of revolution(nowUs, r * 0.37)) view.addLidarPoints(packet, ORIGIN);
    nowUs += 100_000;
  }
  nowUs -= 100_000;
  const time = (vMps: number, wRadps: number): LatencySummary => {
    const command = { source: 'cortex' as const, vMps, wRadps, stampUs: nowUs };
    const applied = { vMps: vMps * 0.8, wRadps: wRadps * 0.8, stampUs: nowUs };
    const samples: number[] = [];
    for (let i = 0; i < evaluations; i++) {
      const start = performance.now();
      view.inputs(command, applied, ORIGIN, nowUs);
      samples.push(performance.now() - start);
    }
    return summarizeLatency(samples);
  };
  return {
    points: view.pointsInReach(ORIGIN, nowUs),
    straight: time(0.4, 0),
    arc: time(0.3, 0.8),
    rotation: time(0, 1.5),
  };
}
