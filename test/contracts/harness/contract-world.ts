import type { Pose2D } from '../../../messages/geometry.js';
import type { SimWorldView } from '../../../simulator/devices/sim-device.js';
import { fakeWorldView } from '../../harness/fake-world-view.js';
import { seededRandom } from '../../harness/sim-link-pair.js';

/**
 * The world of a contract test, set by hand: the robot at the origin facing +x, at rest unless
 * its wheels are given speeds, optionally one endless wall along the world line x = `wallXM`,
 * optionally touching something, its motors drawing `motorCurrentA`. Noise comes from a fixed
 * seed. The rig moves it to each step's end ({@link ContractWorld.moveTo}) before the models see it.
 */
export class ContractWorld {
  /** The wall's x, metres; `Infinity` for no wall. */
  wallXM = Infinity;
  /** Current the drive motors draw, amperes. */
  motorCurrentA = 0;
  /** Surface speed of each drive wheel, m/s. */
  leftMps = 0;
  rightMps = 0;
  /** Whether the robot's footprint touches something (a bumper's trigger). */
  touching = false;

  readonly view: SimWorldView;
  private nowUs = 0;
  private leftM = 0;
  private rightM = 0;

  constructor(seed = 20_240_701) {
    const pose: Pose2D = { xM: 0, yM: 0, yawRad: 0 };
    this.view = fakeWorldView({
      robotPose: () => pose,
      raycast: (xM, _yM, angleRad, maxRangeM) => this.raycast(xM, angleRad, maxRangeM),
      random: seededRandom(seed),
      wheelTravelM: () => ({ leftM: this.leftM, rightM: this.rightM }),
      bodyVelocity: () => ({ vMps: (this.leftMps + this.rightMps) / 2, wRadps: 0 }),
      inContact: () => this.touching,
      motorCurrentA: () => this.motorCurrentA,
      nowUs: () => this.nowUs,
    });
  }

  /** Moves the world's time to `nowUs`, the wheels travelling at their speeds meanwhile. */
  moveTo(nowUs: number): void {
    if (nowUs <= this.nowUs) return;
    const dtS = (nowUs - this.nowUs) / 1e6;
    this.leftM += this.leftMps * dtS;
    this.rightM += this.rightMps * dtS;
    this.nowUs = nowUs;
  }

  /** Signed travel of each wheel so far, metres. */
  wheelTravelM(): { leftM: number; rightM: number } {
    return { leftM: this.leftM, rightM: this.rightM };
  }

  private raycast(xM: number, angleRad: number, maxRangeM: number): number {
    const dx = Math.cos(angleRad);
    if (!Number.isFinite(this.wallXM) || dx < 1e-9) return Infinity;
    const distanceM = (this.wallXM - xM) / dx;
    return distanceM >= 0 && distanceM <= maxRangeM ? distanceM : Infinity;
  }
}
