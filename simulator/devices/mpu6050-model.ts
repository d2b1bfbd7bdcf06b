import createDebug from 'debug';
import {
  MPU6050_WHO_AM_I,
  Mpu6050Registers,
  STANDARD_GRAVITY_MPS2,
  rawFromSample,
  sensorFromRobot,
} from '../../hal/imu/mpu6050/codec.js';
import type { Vector3 } from '../../hal/imu/mpu6050/codec.js';
import type { Mpu6050Params } from '../../hal/imu/mpu6050/params.js';
import { SimBusError } from './sim-device.js';
import type { SimI2cDevice, SimStuckable, SimWorldView } from './sim-device.js';

const log = createDebug('spinal:sim:mpu6050');

const DEG_TO_RAD = Math.PI / 180;
/** How long {@link Mpu6050SimDevice.impact} lasts by default, milliseconds: a hard bump on a small robot. */
const DEFAULT_IMPACT_MS = 20;

/** How a simulated MPU-6050 behaves beyond its mount. */
export interface Mpu6050SimOptions {
  /**
   * Standard deviation of the accelerometer noise on each axis, m/s². Default 0.03 (PS §6.2: 400
   * µg/√Hz over a 44 Hz filter is about 0.026 m/s²).
   */
  accelNoiseMps2?: number;
  /** Standard deviation of the gyro noise on each axis, rad/s. Default 0.001 (PS §6.1: 0.005 °/s/√Hz at 42 Hz). */
  gyroNoiseRadps?: number;
  /** Die temperature, °C. Default 30. */
  temperatureC?: number;
  /** What WHO_AM_I reads. Default 0x68; a clone's value (0x70, 0x72, 0x98, ...) tests the driver's check. */
  whoAmI?: number;
}

/** A simulated MPU-6050, plus the hooks scenarios use to inject faults. */
export interface Mpu6050SimDevice extends SimI2cDevice, SimStuckable {
  /** The chip's registers, for inspection. */
  readonly registers: Mpu6050Registers;
  /**
   * Moves the chip's time to `toUs`: a new measurement of the world reaches the output registers at
   * each tick of the chip's sample rate (while awake and not stuck). The world calls it every
   * physics step, as it asks serial devices for their output.
   */
  advance(toUs: number, world: SimWorldView): void;
  /**
   * Tilts the robot's body: roll about its forward axis (positive: left side up) and pitch about
   * its left axis (positive: nose down), degrees. Gravity then shows on x and y. Default 0, 0.
   */
  setTiltDeg(rollDeg: number, pitchDeg: number): void;
  /**
   * A collision: `g` standard gravities along the robot's −x axis (a hit from the front; negative
   * for a hit from behind) on every sample taken in the `durationMs` (default 20) from the next one on.
   */
  impact(g: number, durationMs?: number): void;
  /** While false the chip acknowledges nothing: every transfer fails with EREMOTEIO. Default true. */
  setResponding(responding: boolean): void;
  /** The chip loses power and comes back: registers to power-on values (asleep). */
  powerCycle(): void;
}

/** A standard normal sample from two uniform ones (Box–Muller). */
function gaussian(random: () => number): number {
  const u1 = 1 - random();
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * An MPU-6050 on a simulated I2C bus, mounted as `params.mount` says. Transfers go to its register
 * file exactly as on the chip (pointer, auto-increment, DEVICE_RESET, WHO_AM_I, sleep). While awake,
 * at each sample-rate tick it measures the robot: the accelerometer reads the body acceleration
 * (`world.bodyAccelMps2()`) plus the reaction to gravity (+1 g up, split over x and y by the tilt)
 * plus any impact, the gyro reads `world.bodyVelocity().wRadps` about z; both are rotated from the
 * robot frame into the sensor's axes, get gaussian noise, and are stored in the ranges the chip is
 * set to, saturating like its ADC.
 * @param busPath Bus the chip sits on, e.g. `/dev/i2c-1`.
 * @param address 7-bit address, 0x68 (AD0 low) or 0x69.
 * @param params The device node's params (its mount is used).
 */
export function createMpu6050SimDevice(
  busPath: string,
  address: number,
  params: Mpu6050Params,
  options: Mpu6050SimOptions = {},
): Mpu6050SimDevice {
  const accelNoiseMps2 = options.accelNoiseMps2 ?? 0.03;
  const gyroNoiseRadps = options.gyroNoiseRadps ?? 0.001;
  const temperatureC = options.temperatureC ?? 30;
  if (!(accelNoiseMps2 >= 0)) throw new RangeError(`accelNoiseMps2 must be >= 0, got ${accelNoiseMps2}`);
  if (!(gyroNoiseRadps >= 0)) throw new RangeError(`gyroNoiseRadps must be >= 0, got ${gyroNoiseRadps}`);

  const registers = new Mpu6050Registers(options.whoAmI ?? MPU6050_WHO_AM_I);
  const name = `${busPath} 0x${address.toString(16)}`;
  let responding = true;
  let stuck = false;
  let rollRad = 0;
  let pitchRad = 0;
  let impactG = 0;
  let impactDurationUs = 0;
  let impactPending = false;
  let impactUntilUs = -Infinity;
  let nextSampleUs: number | undefined;

  function measure(nowUs: number, world: SimWorldView): void {
    if (impactPending) {
      impactUntilUs = nowUs + impactDurationUs;
      impactPending = false;
    }
    const g = STANDARD_GRAVITY_MPS2;
    const body = world.bodyAccelMps2();
    const force: Vector3 = {
      x: body.xMps2 - g * Math.sin(pitchRad),
      y: body.yMps2 + g * Math.sin(rollRad) * Math.cos(pitchRad),
      z: g * Math.cos(rollRad) * Math.cos(pitchRad),
    };
    if (nowUs < impactUntilUs) force.x -= impactG * g;
    const turn: Vector3 = { x: 0, y: 0, z: world.bodyVelocity().wRadps + (world.gyroErrorRadps?.() ?? 0) };
    const accel = sensorFromRobot(force, params.mount);
    const gyro = sensorFromRobot(turn, params.mount);
    const noisy = (v: Vector3, sigma: number): Vector3 =>
      sigma === 0
        ? v
        : {
            x: v.x + sigma * gaussian(world.random),
            y: v.y + sigma * gaussian(world.random),
            z: v.z + sigma * gaussian(world.random),
          };
    const raw = rawFromSample(
      { accelMps2: noisy(accel, accelNoiseMps2), gyroRadps: noisy(gyro, gyroNoiseRadps), temperatureC },
      registers.accelRangeG,
      registers.gyroRangeDps,
    );
    registers.latch(raw);
  }

  return {
    kind: 'i2c',
    busPath,
    address,
    registers,
    transfer(write: Uint8Array | null, readLength: number): Uint8Array {
      if (!responding) throw new SimBusError('EREMOTEIO', `no acknowledge from ${name}`);
      if (write && write.length > 0) registers.write(write);
      return registers.readFromPointer(readLength);
    },
    advance(toUs: number, world: SimWorldView): void {
      if (registers.sleeping) {
        nextSampleUs = undefined;
        return;
      }
      if (nextSampleUs !== undefined && toUs < nextSampleUs) return;
      const periodUs = 1e6 / registers.sampleRateHz;
      nextSampleUs = nextSampleUs === undefined ? toUs + periodUs : nextSampleUs + periodUs;
      if (nextSampleUs <= toUs) nextSampleUs = toUs + periodUs;
      if (!stuck) measure(toUs, world);
    },
    setStuck(value: boolean): void {
      log('%s: %s', name, value ? 'stuck' : 'unstuck');
      stuck = value;
    },
    setTiltDeg(rollDeg: number, pitchDeg: number): void {
      if (!Number.isFinite(rollDeg) || !Number.isFinite(pitchDeg)) {
        throw new RangeError(`tilt must be finite degrees, got roll ${rollDeg}, pitch ${pitchDeg}`);
      }
      log('%s: tilt roll %d° pitch %d°', name, rollDeg, pitchDeg);
      rollRad = rollDeg * DEG_TO_RAD;
      pitchRad = pitchDeg * DEG_TO_RAD;
    },
    impact(g: number, durationMs = DEFAULT_IMPACT_MS): void {
      if (!Number.isFinite(g)) throw new RangeError(`impact must be a finite number of g, got ${g}`);
      if (!(durationMs > 0)) throw new RangeError(`impact duration must be > 0 ms, got ${durationMs}`);
      log('%s: impact %d g for %d ms', name, g, durationMs);
      impactG = g;
      impactDurationUs = durationMs * 1_000;
      impactPending = true;
    },
    setResponding(value: boolean): void {
      log('%s: %s', name, value ? 'responding' : 'not responding');
      responding = value;
    },
    powerCycle(): void {
      log('%s: power cycle', name);
      registers.powerOn();
      nextSampleUs = undefined;
    },
  };
}
