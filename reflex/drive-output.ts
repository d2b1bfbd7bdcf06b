import type { MotorChannel } from '../hal/motor/api.js';
import type { AppliedDrive } from '../messages/drive.js';
import { rampedSpeedMps } from './acceleration-ramp.js';
import type { CommandedOdometry } from './commanded-odometry.js';
import type { DecelerationObserver } from './deceleration-observer.js';
import { MotorOutput } from './motor-output.js';
import { mixWheelDuties, type DriveGeometry } from './wheel-mixer.js';

/**
 * The way from the arbiter's decision to the wheels: the output stages (the acceleration ramp),
 * the odometry of record told of every change of the applied motion, the deceleration observer
 * told when a stop starts, and the wheel duties (or a brake) to the motors.
 */
export class DriveOutput {
  private readonly motors: MotorOutput;
  private lastApplyUs: number;

  constructor(
    private readonly o: {
      left: MotorChannel;
      right: MotorChannel;
      geometry: DriveGeometry;
      /** The ramp's rate, m/s² (the braking deceleration). */
      rampMps2: number;
      odometry: CommandedOdometry;
      deceleration: DecelerationObserver;
      startUs: number;
    },
  ) {
    this.motors = new MotorOutput(o.left, o.right);
    this.lastApplyUs = o.startUs;
  }

  /** Applies the decided (v, ω) at `nowUs`; returns the new applied motion when it changed, else null. */
  apply(nowUs: number, vMps: number, wRadps: number): AppliedDrive | null {
    const { odometry, deceleration } = this.o;
    const previous = odometry.motion();
    const v = rampedSpeedMps(vMps, previous.vMps, (nowUs - this.lastApplyUs) / 1e6, this.o.rampMps2);
    const changed = v !== previous.vMps || wRadps !== previous.wRadps ? odometry.apply(v, wRadps, nowUs) : null;
    this.lastApplyUs = nowUs;
    if (v === 0 && wRadps === 0) {
      deceleration.stopCommanded(nowUs);
      this.motors.brake();
    } else {
      deceleration.motionCommanded();
      const duties = mixWheelDuties(v, wRadps, this.o.geometry);
      this.motors.drive(duties.left, duties.right);
    }
    return changed;
  }

  /** Brakes both wheels, whatever was applied. */
  brake(): void {
    this.motors.brake();
  }

  writeErrors(): number {
    return this.motors.writeErrors();
  }
}
