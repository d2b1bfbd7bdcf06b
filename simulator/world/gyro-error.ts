/**
 * A MEMS gyro's error about z: a constant bias plus a random walk of the bias (its drift), as
 * datasheets give them (rad/s, and rad/s per √s). Stepped with the physics; the IMU models add
 * {@link radps} to the true rate.
 */
export class GyroError {
  private walkRadps = 0;

  constructor(
    private readonly biasRadps: number,
    private readonly driftRadpsPerSqrtS: number,
    private readonly random: () => number,
  ) {}

  step(dtS: number): void {
    if (this.driftRadpsPerSqrtS === 0 || dtS <= 0) return;
    const u1 = 1 - this.random();
    const u2 = this.random();
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    this.walkRadps += this.driftRadpsPerSqrtS * Math.sqrt(dtS) * normal;
  }

  /** The error the gyro adds to the true z rate now, rad/s. */
  radps(): number {
    return this.biasRadps + this.walkRadps;
  }
}
