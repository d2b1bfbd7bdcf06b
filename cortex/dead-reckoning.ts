import type { AppliedDrive } from '../messages/drive.js';
import { integrateArc, type Pose2D } from '../messages/geometry.js';

/**
 * Pose from the body motion the reflex applied, integrated exactly along arcs. It drifts with
 * wheel slip and motor lag; wheel encoders and scan matching replace it when a board has them.
 */
export class DeadReckoning {
  private pose: Pose2D;
  private motion: AppliedDrive;

  constructor(initial: Pose2D, startUs: number) {
    this.pose = { ...initial };
    this.motion = { vMps: 0, wRadps: 0, stampUs: startUs };
  }

  /** A new applied motion from the reflex, valid from its stamp on. */
  applied(motion: AppliedDrive): void {
    this.pose = this.poseAt(motion.stampUs);
    this.motion = motion;
  }

  /** The pose at `nowUs`, assuming the last applied motion continued. */
  poseAt(nowUs: number): Pose2D {
    const dt = Math.max(0, (nowUs - this.motion.stampUs) / 1e6);
    return integrateArc(this.pose, this.motion.vMps, this.motion.wRadps, dt);
  }
}
