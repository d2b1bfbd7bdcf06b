/** Samples kept: a couple of seconds at the usual IMU rates. */
const KEPT = 512;
/** A gyro sample further than this from the interval asked about leaves it uncovered, microseconds. */
const MAX_GAP_US = 100_000;
/** Weight of each sample at rest in the bias estimate. */
const BIAS_GAIN = 0.02;

/**
 * The IMU's yaw rate (about z, counter-clockwise positive) over time, and its bias estimated while
 * the robot stands still: the turn between two moments is the rate, less the bias, integrated.
 */
export class GyroYaw {
  private readonly stampsUs: number[] = [];
  private readonly rates: number[] = [];
  /** The estimated bias, rad/s. */
  biasRadps = 0;

  add(stampUs: number, zRadps: number): void {
    const last = this.stampsUs[this.stampsUs.length - 1];
    if (!Number.isFinite(zRadps) || (last !== undefined && stampUs <= last)) return;
    this.stampsUs.push(stampUs);
    this.rates.push(zRadps);
    if (this.stampsUs.length > KEPT) {
      this.stampsUs.shift();
      this.rates.shift();
    }
  }

  /**
   * The turn between `fromUs` and `toUs`, radians (each sample's rate held back to the one before
   * it), or null when the samples do not cover the interval. `stationary`: the robot stood still
   * meanwhile, so the samples also refine the bias.
   */
  turnBetween(fromUs: number, toUs: number, stationary: boolean): number | null {
    const n = this.stampsUs.length;
    if (n < 2 || (this.stampsUs[0] ?? Infinity) > fromUs || toUs - (this.stampsUs[n - 1] ?? -Infinity) > MAX_GAP_US) {
      return null;
    }
    let turn = 0;
    for (let i = 1; i < n; i++) {
      const start = Math.max(fromUs, this.stampsUs[i - 1]!);
      const end = Math.min(toUs, this.stampsUs[i]!);
      if (end <= start) continue;
      const rate = this.rates[i]!;
      if (stationary) this.biasRadps += (rate - this.biasRadps) * BIAS_GAIN;
      turn += (rate - this.biasRadps) * ((end - start) / 1e6);
    }
    // Past the last sample, its rate is held.
    const lastUs = this.stampsUs[n - 1]!;
    if (toUs > lastUs) turn += (this.rates[n - 1]! - this.biasRadps) * ((toUs - Math.max(fromUs, lastUs)) / 1e6);
    return turn;
  }
}
