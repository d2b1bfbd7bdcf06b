import { integrateArc, type Pose2D } from '../../messages/geometry.js';

/** One stretch of given motion: forward speed and turn rate held from `stampUs` until the next stretch. */
interface Stretch {
  stampUs: number;
  vMps: number;
  wRadps: number;
}

/** Where the given motion takes the robot over an interval, in the robot frame at its start. */
export interface GivenDisplacement {
  xM: number;
  yM: number;
  /** Turn over the interval, radians, summed (not wrapped). */
  turnRad: number;
}

/**
 * The motion the robot was given (what the reflex applied, or what the cortex asked for when that
 * is not known), as stretches of constant body motion, kept for a trailing span, so the
 * displacement it explains between any two recent moments can be integrated exactly.
 */
export class GivenMotionTrack {
  private readonly stretches: Stretch[] = [];

  constructor(private readonly keepUs: number) {}

  /** The motion given from `stampUs` on (stamps in order). */
  add(stampUs: number, vMps: number, wRadps: number): void {
    const last = this.stretches[this.stretches.length - 1];
    if (last && last.vMps === vMps && last.wRadps === wRadps) return;
    if (last && last.stampUs >= stampUs) this.stretches.pop();
    this.stretches.push({ stampUs, vMps, wRadps });
    // Drop stretches that ended before the kept span (keeping the one in force at its start).
    while (this.stretches.length > 1 && (this.stretches[1]?.stampUs ?? 0) <= stampUs - this.keepUs) {
      this.stretches.shift();
    }
  }

  /** The displacement the given motion explains from `fromUs` to `toUs` (none before the first stretch). */
  displacement(fromUs: number, toUs: number): GivenDisplacement {
    let pose: Pose2D = { xM: 0, yM: 0, yawRad: 0 };
    let turnRad = 0;
    for (let i = 0; i < this.stretches.length; i++) {
      const stretch = this.stretches[i]!;
      const endUs = this.stretches[i + 1]?.stampUs ?? Infinity;
      const a = Math.max(fromUs, stretch.stampUs);
      const b = Math.min(toUs, endUs);
      if (b <= a) continue;
      const dtS = (b - a) / 1e6;
      pose = integrateArc(pose, stretch.vMps, stretch.wRadps, dtS);
      turnRad += stretch.wRadps * dtS;
    }
    return { xM: pose.xM, yM: pose.yM, turnRad };
  }
}
