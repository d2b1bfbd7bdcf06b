import { openCircuitVoltsAt } from '../../messages/lithium-pack-curve.js';

/** What a simulated battery pack is made of (a scenario robot's `battery`, resolved). */
export interface BatteryPackSpec {
  /** Energy of the full pack, watt-hours. */
  capacityWh: number;
  /** Energy in it at the start, watt-hours (at most `capacityWh`). */
  initialWh: number;
  /** Internal resistance, ohms: the terminals sag by this times the current. */
  internalOhms: number;
  /** Current drawn by everything but the drive motors (computer, sensors), amperes. */
  electronicsLoadA: number;
}

/**
 * A robot's battery: a 3S lithium pack whose open-circuit voltage follows the state-of-charge curve
 * of `messages/lithium-pack-curve.ts` as energy is drawn from it. Each step draws the loads' current
 * (the drive motors' plus the electronics'); the chemistry gives up open-circuit voltage × current ×
 * time, which covers what the loads get (terminal voltage × current) and what heats the internal
 * resistance. The energy may go below zero, a flat pack's truth: its voltage stays at the empty end
 * of the curve.
 */
export class BatteryPack {
  private energyWh: number;

  constructor(readonly spec: BatteryPackSpec) {
    this.energyWh = spec.initialWh;
  }

  /** Draws `motorCurrentA` plus the electronics' current for `dtS` seconds. */
  step(dtS: number, motorCurrentA: number): void {
    this.energyWh -= (this.openCircuitV() * this.currentA(motorCurrentA) * dtS) / 3600;
  }

  /** The whole current drawn when the motors draw `motorCurrentA`, amperes. */
  currentA(motorCurrentA: number): number {
    return motorCurrentA + this.spec.electronicsLoadA;
  }

  /** Energy left, watt-hours (negative once the pack has been drawn past empty). */
  remainingWh(): number {
    return this.energyWh;
  }

  /** Share of the capacity left, 0..1. */
  stateOfCharge(): number {
    return Math.min(1, Math.max(0, this.energyWh / this.spec.capacityWh));
  }

  /** Open-circuit voltage now, volts. */
  openCircuitV(): number {
    return openCircuitVoltsAt(this.stateOfCharge());
  }
}
