import createDebug from 'debug';
import type { BridgeOutputState } from '../../hal/motor/bridge-codec.js';
import type { Pose2D } from '../../messages/geometry.js';

const log = createDebug('spinal:sim:diff-drive');

export interface DiffDrivePhysicsOptions {
  /** Distance between the wheels' contact points, metres. */
  wheelBaseM: number;
  /** Wheel surface speed at full duty, metres per second. */
  maxWheelSpeedMps: number;
  /** Largest change of a driven wheel's speed, m/s². Default 1.5. */
  maxWheelAccelMps2?: number;
  /** Deceleration of a braked wheel, m/s². Default 3.0. */
  brakeDecelMps2?: number;
  /** Deceleration of a coasting wheel, m/s². Default 0.8. */
  coastDecelMps2?: number;
  /** Longest integration sub-step, seconds; `step()` splits longer steps. Default 0.005. */
  maxSubstepS?: number;
  /** Wheel speed reached per unit of commanded speed, left and right motor. Default 1 (exact). */
  motorGainLeft?: number;
  motorGainRight?: number;
  /** Share of a wheel's surface speed lost to slip per m/s² of its acceleration. Default 0. */
  slipPerMps2?: number;
  /** Relative standard deviation of the travel the encoders count per sub-step. Default 0. */
  encoderNoise?: number;
  /** Uniform random numbers in [0, 1) for the encoder noise (needed when `encoderNoise` > 0). */
  random?: () => number;
}

/** A standard normal sample from two uniform ones (Box–Muller). */
function gaussian(random: () => number): number {
  const u1 = 1 - random();
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** The largest share of a wheel's speed slip can take. */
const MAX_SLIP = 0.5;

export interface WheelSpeeds {
  leftMps: number;
  rightMps: number;
}

export interface BodyVelocity {
  /** Forward speed of the axle's centre, metres per second. */
  vMps: number;
  /** Turn rate, radians per second, counter-clockwise positive. */
  wRadps: number;
}

function positiveOption(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0)
    throw new RangeError(`DiffDrivePhysics: ${name} must be a number > 0, got ${value}`);
  return v;
}

/** Wraps an angle to (-π, π]. */
function wrapAngle(rad: number): number {
  const wrapped = rad - 2 * Math.PI * Math.floor((rad + Math.PI) / (2 * Math.PI));
  return wrapped === -Math.PI ? Math.PI : wrapped;
}

/**
 * A wheel's speed after `dtS` and its mean over the step: it moves toward `targetMps` at `rateMps2`
 * and stays there once reached.
 */
function advanceWheel(v0: number, targetMps: number, rateMps2: number, dtS: number): { v1: number; meanMps: number } {
  const gap = targetMps - v0;
  const reachS = Math.abs(gap) / rateMps2;
  if (reachS >= dtS) {
    const v1 = v0 + Math.sign(gap) * rateMps2 * dtS;
    return { v1, meanMps: (v0 + v1) / 2 };
  }
  return { v1: targetMps, meanMps: (((v0 + targetMps) / 2) * reachS + targetMps * (dtS - reachS)) / dtS };
}

/**
 * The body of a differential-drive robot: two wheels whose speeds follow the motor outputs with
 * limited acceleration, and the pose they carry.
 *
 * Each sub-step moves every wheel toward its target (driven: `duty x maxWheelSpeedMps` at no more
 * than `maxWheelAccelMps2`; braked or coasting: toward 0 at `brakeDecelMps2` / `coastDecelMps2`),
 * takes each wheel's exact mean speed over the sub-step, and integrates the unicycle exactly for
 * that constant (v, ω): a straight line when ω = 0, a circular arc otherwise. Distance and heading
 * are therefore exact for any step size; the position error while accelerating through a turn
 * is second order in the sub-step.
 */
export class DiffDrivePhysics {
  private readonly wheelBaseM: number;
  private readonly maxWheelSpeedMps: number;
  private readonly maxWheelAccelMps2: number;
  private readonly brakeDecelMps2: number;
  private readonly coastDecelMps2: number;
  private readonly maxSubstepS: number;
  private readonly gainLeft: number;
  private readonly gainRight: number;
  private readonly slipPerMps2: number;
  private readonly encoderNoise: number;
  private readonly random: () => number;
  private encoderLeftM = 0;
  private encoderRightM = 0;
  private x: number;
  private y: number;
  private yaw: number;
  private left = 0;
  private right = 0;
  private leftCommand: BridgeOutputState = { duty: 0, mode: 'coast' };
  private rightCommand: BridgeOutputState = { duty: 0, mode: 'coast' };
  private travelledM = 0;
  private leftTravelM = 0;
  private rightTravelM = 0;

  constructor(options: DiffDrivePhysicsOptions, startPose: Pose2D) {
    this.wheelBaseM = positiveOption('wheelBaseM', options.wheelBaseM, NaN);
    this.maxWheelSpeedMps = positiveOption('maxWheelSpeedMps', options.maxWheelSpeedMps, NaN);
    this.maxWheelAccelMps2 = positiveOption('maxWheelAccelMps2', options.maxWheelAccelMps2, 1.5);
    this.brakeDecelMps2 = positiveOption('brakeDecelMps2', options.brakeDecelMps2, 3.0);
    this.coastDecelMps2 = positiveOption('coastDecelMps2', options.coastDecelMps2, 0.8);
    this.maxSubstepS = positiveOption('maxSubstepS', options.maxSubstepS, 0.005);
    this.gainLeft = positiveOption('motorGainLeft', options.motorGainLeft, 1);
    this.gainRight = positiveOption('motorGainRight', options.motorGainRight, 1);
    this.slipPerMps2 = Math.max(0, options.slipPerMps2 ?? 0);
    this.encoderNoise = Math.max(0, options.encoderNoise ?? 0);
    this.random = options.random ?? Math.random;
    this.x = startPose.xM;
    this.y = startPose.yM;
    this.yaw = wrapAngle(startPose.yawRad);
  }

  /** Sets both motor outputs; they hold until the next call. At start both wheels coast. */
  setWheelCommands(left: BridgeOutputState, right: BridgeOutputState): void {
    const next = [left, right].map((c) => ({
      duty: Number.isNaN(c.duty) ? 0 : Math.max(-1, Math.min(1, c.duty)),
      mode: c.mode,
    }));
    const [l, r] = next as [BridgeOutputState, BridgeOutputState];
    if (l.mode !== this.leftCommand.mode || r.mode !== this.rightCommand.mode) log('wheel modes %s/%s', l.mode, r.mode);
    this.leftCommand = l;
    this.rightCommand = r;
  }

  /** Advances the body by `dtS` seconds (0 does nothing; negative or non-finite throws a RangeError). */
  step(dtS: number): void {
    if (!Number.isFinite(dtS) || dtS < 0) throw new RangeError(`DiffDrivePhysics.step(): dtS must be >= 0, got ${dtS}`);
    const substeps = Math.ceil(dtS / this.maxSubstepS);
    for (let i = 0; i < substeps; i++) this.substep(dtS / substeps);
  }

  private wheelTarget(command: BridgeOutputState, gain: number): { targetMps: number; rateMps2: number } {
    if (command.mode === 'drive') {
      return { targetMps: command.duty * this.maxWheelSpeedMps * gain, rateMps2: this.maxWheelAccelMps2 };
    }
    return { targetMps: 0, rateMps2: command.mode === 'brake' ? this.brakeDecelMps2 : this.coastDecelMps2 };
  }

  private substep(dtS: number): void {
    const lt = this.wheelTarget(this.leftCommand, this.gainLeft);
    const rt = this.wheelTarget(this.rightCommand, this.gainRight);
    const l = advanceWheel(this.left, lt.targetMps, lt.rateMps2, dtS);
    const r = advanceWheel(this.right, rt.targetMps, rt.rateMps2, dtS);
    // Slip: while a wheel accelerates, the ground moves less than its surface.
    const groundLeft = l.meanMps * (1 - Math.min(MAX_SLIP, (this.slipPerMps2 * Math.abs(l.v1 - this.left)) / dtS));
    const groundRight = r.meanMps * (1 - Math.min(MAX_SLIP, (this.slipPerMps2 * Math.abs(r.v1 - this.right)) / dtS));
    this.left = l.v1;
    this.right = r.v1;
    const v = (groundLeft + groundRight) / 2;
    const w = (groundRight - groundLeft) / this.wheelBaseM;
    const yaw0 = this.yaw;
    const dYaw = w * dtS;
    if (Math.abs(dYaw) < 1e-12) {
      this.x += v * dtS * Math.cos(yaw0);
      this.y += v * dtS * Math.sin(yaw0);
    } else {
      const radius = v / w;
      this.x += radius * (Math.sin(yaw0 + dYaw) - Math.sin(yaw0));
      this.y -= radius * (Math.cos(yaw0 + dYaw) - Math.cos(yaw0));
    }
    this.yaw = wrapAngle(yaw0 + dYaw);
    this.travelledM += Math.abs(v) * dtS;
    this.leftTravelM += l.meanMps * dtS;
    this.rightTravelM += r.meanMps * dtS;
    const noise = this.encoderNoise;
    this.encoderLeftM += l.meanMps * dtS * (noise > 0 ? 1 + noise * gaussian(this.random) : 1);
    this.encoderRightM += r.meanMps * dtS * (noise > 0 ? 1 + noise * gaussian(this.random) : 1);
  }

  /** True pose of the axle's centre (the simulator puts it at the footprint's centre), world frame; yaw in (-π, π]. */
  pose(): Pose2D {
    return { xM: this.x, yM: this.y, yawRad: this.yaw };
  }

  /** Moves the body to `pose` without changing wheel speeds (a scenario reset, a world-imposed stop). */
  setPose(pose: Pose2D): void {
    this.x = pose.xM;
    this.y = pose.yM;
    this.yaw = wrapAngle(pose.yawRad);
  }

  /** Current forward speed and turn rate. */
  bodyVelocity(): BodyVelocity {
    return { vMps: (this.left + this.right) / 2, wRadps: (this.right - this.left) / this.wheelBaseM };
  }

  /** Current wheel surface speeds, metres per second (forward positive). */
  wheelSpeeds(): WheelSpeeds {
    return { leftMps: this.left, rightMps: this.right };
  }

  /** Signed distance each wheel's surface has rolled since start, metres. */
  wheelTravelM(): { leftM: number; rightM: number } {
    return { leftM: this.leftTravelM, rightM: this.rightTravelM };
  }

  /** What wheel encoders count: the surface travel with the encoders' noise, metres (the models quantise it). */
  encoderTravelM(): { leftM: number; rightM: number } {
    return { leftM: this.encoderLeftM, rightM: this.encoderRightM };
  }

  /** Path length of the axle's centre since start, metres (turning in place adds nothing). */
  distanceTravelledM(): number {
    return this.travelledM;
  }
}
