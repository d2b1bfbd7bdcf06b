import createDebug from 'debug';
import type { BatteryReading } from '../../messages/battery-reading.js';
import { curveSlopeVPerSoc, stateOfChargeAtVolts } from '../../messages/lithium-pack-curve.js';

const log = createDebug('spinal:cortex:energy:battery');

/** What the estimator believes about the battery after a reading. */
export interface BatteryEstimate {
  /** Energy left in the cells, watt-hours (0 at the empty end of the curve). */
  remainingWh: number;
  /** `remainingWh` as a share of the capacity, 0..1. */
  stateOfCharge: number;
  /** Estimated resistance between the cells and the monitor, ohms. */
  internalOhms: number;
  /** Energy counted out of the cells since the first reading, watt-hours (never corrected). */
  drawnWh: number;
  /** Stamp of the reading it is based on, microseconds. */
  stampUs: number;
}

export interface BatteryEstimatorOptions {
  /** Energy of the full battery, watt-hours. */
  capacityWh: number;
  /** First guess of the resistance between the cells and the monitor, ohms. */
  internalOhms: number;
  /**
   * How slowly the count is pulled toward the voltage's figure where the curve is steep and the
   * current small, seconds: after this long, about 63 % of a difference is gone. Default 600.
   */
  voltageTimeConstantS?: number;
  /** Readings further apart than this count only this long (a gap in the feed), seconds. Default 2. */
  maxGapS?: number;
  /**
   * Until the resistance has been measured, and for this long after its first measurement, the
   * count is pulled toward the voltage's figure with the much shorter `settleTimeConstantS` (the
   * start rests on one reading taken with the first guess of the resistance), seconds. Default 120.
   */
  settleS?: number;
  /** The time constant while settling, seconds. Default 15. */
  settleTimeConstantS?: number;
}

/** A curve this steep (volts per unit of state of charge, the 3S curve's mean) is trusted fully. */
const TRUSTED_SLOPE_V_PER_SOC = 2.7;
/** At this current the voltage's figure is trusted half as much as at none, amperes. */
const HALF_TRUST_CURRENT_A = 2;
/** A step of the current at least this large between two readings tells the resistance, amperes. */
const RESISTANCE_STEP_A = 0.3;
/** ...when the two readings are at most this far apart, seconds (the cells' voltage has not moved). */
const RESISTANCE_STEP_MAX_S = 1;
/** Weight of each new resistance measurement in the running estimate, at least (the first ones weigh more). */
const RESISTANCE_GAIN = 0.1;
/** Resistance measurements outside 0..this are noise (a load change mid-conversion), ohms. */
const RESISTANCE_MAX_OHMS = 2;

/**
 * Energy left in the battery from its monitor's readings (an INA219's bus voltage and current).
 *
 * The method: energy counting, corrected toward the voltage curve.
 * - The cells give up their open-circuit voltage times the current; the monitor sees the terminal
 *   voltage V = V_oc − I·R, so the open-circuit voltage is V + I·R, with R estimated as below. Each
 *   reading draws (V + I·R)·I over the time since the previous one (the mean of the two readings'
 *   power; a gap counts at most `maxGapS`).
 * - R: whenever the current steps by at least 0.3 A between two readings at most 1 s apart, the
 *   cells' voltage has not moved, so R ≈ −ΔV/ΔI; each such measurement in 0..2 Ω moves the estimate
 *   a tenth of the way.
 * - The count drifts (a wrong capacity, a wrong start), the curve does not but is noisy under load and
 *   says little where it is flat. So each reading moves the count toward the curve's figure
 *   (state of charge of V + I·R, times the capacity) by dt / τ, where τ is `voltageTimeConstantS`,
 *   stretched where the curve is flatter than its mean slope and by (1 + I / 2 A) under load.
 * - The first reading starts the count at the curve's figure. Until the resistance has been
 *   measured, and for `settleS` after its first measurement, τ is the short `settleTimeConstantS`:
 *   the start rests on a guess, and the count follows the voltage until the guess is replaced.
 *
 * Pure: it reads no clock; time comes from the readings' stamps. A reading without a finite voltage
 * is dropped (and counted); one without a current (NaN) corrects toward the curve only, taking the
 * current as nil.
 */
export class BatteryEstimator {
  private readonly capacityWh: number;
  private readonly tauS: number;
  private readonly maxGapS: number;
  private readonly settleS: number;
  private readonly settleTauS: number;
  /** Stamp of the first measurement of the resistance (null: none yet, the first guess stands). */
  private resistanceFromUs: number | null = null;
  private ohms: number;
  private resistanceMeasurements = 0;
  private last: { reading: BatteryReading; powerW: number } | null = null;
  private remaining = 0;
  private drawn = 0;
  /** Readings dropped: no finite positive voltage, or a stamp not after the previous one. */
  dropped = 0;

  constructor(options: BatteryEstimatorOptions) {
    if (!(options.capacityWh > 0)) throw new RangeError(`capacityWh must be > 0, got ${options.capacityWh}`);
    if (!(options.internalOhms >= 0)) throw new RangeError(`internalOhms must be >= 0, got ${options.internalOhms}`);
    this.capacityWh = options.capacityWh;
    this.ohms = options.internalOhms;
    this.tauS = options.voltageTimeConstantS ?? 600;
    this.maxGapS = options.maxGapS ?? 2;
    this.settleS = options.settleS ?? 120;
    this.settleTauS = options.settleTimeConstantS ?? 15;
    if (!(this.tauS > 0)) throw new RangeError(`voltageTimeConstantS must be > 0, got ${this.tauS}`);
    if (!(this.maxGapS > 0)) throw new RangeError(`maxGapS must be > 0, got ${this.maxGapS}`);
    if (!(this.settleS >= 0)) throw new RangeError(`settleS must be >= 0, got ${this.settleS}`);
    if (!(this.settleTauS > 0)) throw new RangeError(`settleTimeConstantS must be > 0, got ${this.settleTauS}`);
  }

  /** Takes one reading; returns the estimate after it (null until a reading has been taken). */
  update(reading: BatteryReading): BatteryEstimate | null {
    const last = this.last;
    if (
      !(Number.isFinite(reading.voltageV) && reading.voltageV > 0) ||
      (last && reading.stampUs <= last.reading.stampUs)
    ) {
      this.dropped++;
      log('dropped a reading (%d so far)', this.dropped);
      return this.estimate();
    }
    const currentA = Number.isFinite(reading.currentA) ? reading.currentA : 0;
    if (last) this.learnResistance(last.reading, reading);
    const openCircuitV = reading.voltageV + currentA * this.ohms;
    const powerW = openCircuitV * currentA;
    const curveWh = stateOfChargeAtVolts(openCircuitV) * this.capacityWh;
    if (!last) {
      this.remaining = curveWh;
    } else {
      const dtS = Math.min(this.maxGapS, (reading.stampUs - last.reading.stampUs) / 1e6);
      const drawnWh = (((powerW + last.powerW) / 2) * dtS) / 3600;
      this.remaining -= drawnWh;
      this.drawn += drawnWh;
      const soc = this.remaining / this.capacityWh;
      const slopeTrust = Math.min(1, curveSlopeVPerSoc(soc) / TRUSTED_SLOPE_V_PER_SOC);
      const settling =
        this.resistanceFromUs === null || (reading.stampUs - this.resistanceFromUs) / 1e6 <= this.settleS;
      const tauS = settling ? this.settleTauS : this.tauS;
      const gain = Math.min(1, ((dtS / tauS) * slopeTrust) / (1 + Math.abs(currentA) / HALF_TRUST_CURRENT_A));
      this.remaining += gain * (curveWh - this.remaining);
    }
    this.last = { reading, powerW };
    return this.estimate();
  }

  /** The estimate after the last reading taken, or null before the first. */
  estimate(): BatteryEstimate | null {
    if (!this.last) return null;
    const remainingWh = Math.max(0, this.remaining);
    return {
      remainingWh,
      stateOfCharge: Math.min(1, remainingWh / this.capacityWh),
      internalOhms: this.ohms,
      drawnWh: this.drawn,
      stampUs: this.last.reading.stampUs,
    };
  }

  private learnResistance(before: BatteryReading, after: BatteryReading): void {
    const dI = after.currentA - before.currentA;
    if (!(Math.abs(dI) >= RESISTANCE_STEP_A)) return;
    if ((after.stampUs - before.stampUs) / 1e6 > RESISTANCE_STEP_MAX_S) return;
    const measured = -(after.voltageV - before.voltageV) / dI;
    if (!(measured >= 0 && measured <= RESISTANCE_MAX_OHMS)) return;
    this.resistanceMeasurements++;
    this.resistanceFromUs ??= after.stampUs;
    this.ohms += Math.max(RESISTANCE_GAIN, 1 / this.resistanceMeasurements) * (measured - this.ohms);
  }
}
