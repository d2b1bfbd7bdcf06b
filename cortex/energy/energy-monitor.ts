import type { BatteryReading } from '../../messages/battery-reading.js';
import type { OdometrySample } from '../../messages/odometry.js';
import { BatteryEstimator } from './battery-estimator.js';
import { ConsumptionLearner } from './consumption-learner.js';
import type { EnergySettings } from './energy-settings.js';
import { decideReturn, type ReturnDecision } from './return-decision.js';

/** The robot's energy as the cortex sees it. */
export interface EnergyEstimate {
  /** Energy left in the battery, watt-hours. */
  remainingWh: number;
  /** Share of the capacity left, 0..1. */
  stateOfCharge: number;
  /** Energy used per metre driven (learned, or the prior until then), watt-hours per metre. */
  whPerM: number;
}

/** Below this speed over a reading's interval the robot counts as standing, metres per second. */
const MOVING_MIN_MPS = 0.02;

/**
 * The cortex's energy model: the battery estimate from the monitor's readings, the energy per metre
 * learned from the energy drawn while driving against the distance driven, and the return rule on
 * top. Distance comes from the wheel encoders' travel when there are encoders, else from the
 * odometry of record (its applied speed over the time until the next sample). Pure: time comes from
 * the stamps of what it is fed.
 */
export class EnergyMonitor {
  private readonly battery: BatteryEstimator;
  private readonly learner: ConsumptionLearner;
  /** Distance driven since the last battery reading, metres. */
  private pendingM = 0;
  private lastWheels: { leftM: number; rightM: number } | null = null;
  /** The odometry's applied speed and the stamp up to which its distance is counted. */
  private odometrySpeed: { vMps: number; sinceUs: number } | null = null;
  private lastReadingUs: number | null = null;
  private lastDrawnWh = 0;

  constructor(private readonly settings: EnergySettings) {
    this.battery = new BatteryEstimator({
      capacityWh: settings.batteryCapacityWh,
      internalOhms: settings.batteryInternalOhms,
    });
    this.learner = new ConsumptionLearner({ priorWhPerM: settings.consumptionPriorWhPerM });
  }

  /** A battery monitor's reading: the estimate moves on, and the energy since the last one is set against the distance driven. */
  reading(reading: BatteryReading): void {
    const before = this.battery.dropped;
    const estimate = this.battery.update(reading);
    if (!estimate || this.battery.dropped !== before) return;
    if (!this.lastWheels) this.countOdometryUntil(reading.stampUs);
    const drawnWh = estimate.drawnWh - this.lastDrawnWh;
    const distanceM = this.pendingM;
    const previousUs = this.lastReadingUs;
    this.lastDrawnWh = estimate.drawnWh;
    this.lastReadingUs = reading.stampUs;
    this.pendingM = 0;
    if (previousUs === null) return;
    const dtS = (reading.stampUs - previousUs) / 1e6;
    if (distanceM / dtS >= MOVING_MIN_MPS) this.learner.observe(drawnWh, distanceM);
  }

  /** The wheel encoders' travel since start, metres, forward positive: the robot's centre drove the mean of the two. */
  wheels(travel: { leftM: number; rightM: number }): void {
    if (this.lastWheels) {
      const dLeft = travel.leftM - this.lastWheels.leftM;
      const dRight = travel.rightM - this.lastWheels.rightM;
      this.pendingM += Math.abs(dLeft + dRight) / 2;
    }
    this.lastWheels = { leftM: travel.leftM, rightM: travel.rightM };
  }

  /** The odometry of record (used for distance while no encoder travel has come). */
  odometry(sample: OdometrySample): void {
    if (!this.lastWheels) this.countOdometryUntil(sample.stampUs);
    const sinceUs = Math.max(sample.stampUs, this.odometrySpeed?.sinceUs ?? -Infinity);
    this.odometrySpeed = { vMps: sample.vMps, sinceUs };
  }

  /** Energy left, state of charge and energy per metre; null before the first battery reading. */
  estimate(): EnergyEstimate | null {
    const battery = this.battery.estimate();
    if (!battery) return null;
    return { remainingWh: battery.remainingWh, stateOfCharge: battery.stateOfCharge, whPerM: this.learner.whPerM() };
  }

  /**
   * Whether to head back to base now, given the length of the planned path back (metres; Infinity
   * when there is none), with the figures as evidence; null before the first battery reading.
   */
  shouldReturn(pathBackM: number): ReturnDecision | null {
    const estimate = this.estimate();
    if (!estimate) return null;
    return decideReturn({
      remainingWh: estimate.remainingWh,
      pathBackM,
      whPerM: estimate.whPerM,
      reserveFactor: this.settings.returnReserveFactor,
      reserveFloorWh: this.settings.returnReserveFloorWh,
    });
  }

  private countOdometryUntil(stampUs: number): void {
    const speed = this.odometrySpeed;
    if (!speed || stampUs <= speed.sinceUs) return;
    this.pendingM += (Math.abs(speed.vMps) * (stampUs - speed.sinceUs)) / 1e6;
    speed.sinceUs = stampUs;
  }
}
