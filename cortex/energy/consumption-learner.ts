/** How the learner is set up. */
export interface ConsumptionLearnerOptions {
  /** The figure taken before anything is learned, watt-hours per metre. */
  priorWhPerM: number;
  /** Each measurement covers this much driving, metres. Default 2. */
  windowM?: number;
  /** The prior weighs as much as this many measurements. Default 3. */
  priorWeight?: number;
  /** Each measurement moves the figure by at least this share, so it follows a change (a load, a floor). Default 0.1. */
  minGain?: number;
}

/**
 * The energy the robot uses per metre driven, learned on the move. It is fed, reading by reading,
 * the energy drawn and the distance driven over the same time (only while the robot moves: time
 * standing still is not a cost of distance). Every `windowM` of driving gives one measurement, the
 * energy over the distance; the figure is the running mean of the prior (weighing `priorWeight`
 * measurements) and the measurements, each new one weighing at least `minGain`, so the figure
 * settles quickly and still follows the robot's load. Pure: no clock.
 */
export class ConsumptionLearner {
  private figure: number;
  private readonly windowM: number;
  private readonly priorWeight: number;
  private readonly minGain: number;
  private windowWh = 0;
  private windowDistanceM = 0;
  private measurements = 0;
  private learnedDistanceM = 0;

  constructor(options: ConsumptionLearnerOptions) {
    if (!(options.priorWhPerM > 0)) throw new RangeError(`priorWhPerM must be > 0, got ${options.priorWhPerM}`);
    this.figure = options.priorWhPerM;
    this.windowM = options.windowM ?? 2;
    this.priorWeight = options.priorWeight ?? 3;
    this.minGain = options.minGain ?? 0.1;
    if (!(this.windowM > 0)) throw new RangeError(`windowM must be > 0, got ${this.windowM}`);
    if (!(this.priorWeight >= 0)) throw new RangeError(`priorWeight must be >= 0, got ${this.priorWeight}`);
    if (!(this.minGain > 0 && this.minGain <= 1))
      throw new RangeError(`minGain must be in (0, 1], got ${this.minGain}`);
  }

  /** `energyWh` was drawn while the robot drove `distanceM`. Non-finite or negative amounts are ignored. */
  observe(energyWh: number, distanceM: number): void {
    if (!(energyWh >= 0 && distanceM >= 0 && Number.isFinite(energyWh) && Number.isFinite(distanceM))) return;
    this.windowWh += energyWh;
    this.windowDistanceM += distanceM;
    if (this.windowDistanceM < this.windowM) return;
    const measured = this.windowWh / this.windowDistanceM;
    this.measurements++;
    const gain = Math.max(this.minGain, 1 / (this.priorWeight + this.measurements));
    this.figure += gain * (measured - this.figure);
    this.learnedDistanceM += this.windowDistanceM;
    this.windowWh = 0;
    this.windowDistanceM = 0;
  }

  /** Energy per metre driven, watt-hours per metre: the prior until the first measurement. */
  whPerM(): number {
    return this.figure;
  }

  /** Distance the figure has been learned from, metres (0: it is still the prior). */
  learnedM(): number {
    return this.learnedDistanceM;
  }
}
