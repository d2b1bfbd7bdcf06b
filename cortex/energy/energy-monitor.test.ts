import { describe, expect, it } from 'vitest';
import { EnergyMonitor } from './energy-monitor.js';
import type { EnergySettings } from './energy-settings.js';

const SETTINGS: EnergySettings = {
  batteryCapacityWh: 50,
  batteryInternalOhms: 0,
  consumptionPriorWhPerM: 0.03,
  returnReserveFactor: 1.5,
  returnReserveFloorWh: 3,
};

/** 12 V at `currentA`, at `tS` seconds. */
const reading = (tS: number, currentA = 2) => ({ voltageV: 12, currentA, powerW: 12 * currentA, stampUs: tS * 1e6 });

describe('EnergyMonitor', () => {
  it('has no estimate and no decision before a battery reading', () => {
    const energy = new EnergyMonitor(SETTINGS);
    expect(energy.estimate()).toBeNull();
    expect(energy.shouldReturn(10)).toBeNull();
  });

  it('GIVEN encoder travel between readings WHEN the robot drives THEN it learns the energy per metre from them', () => {
    const energy = new EnergyMonitor(SETTINGS);
    energy.reading(reading(0));
    // 24 W for 1 s per reading (1/150 Wh) while the wheels travel 0.5 m: 0.0133 Wh/m, against a prior of 0.03.
    for (let s = 1; s <= 200; s++) {
      energy.wheels({ leftM: s * 0.5, rightM: s * 0.5 });
      energy.reading(reading(s));
    }
    expect(energy.estimate()!.whPerM).toBeCloseTo(24 / 3600 / 0.5, 3);
  });

  it('does not count standing still, or turning on the spot, as a cost of distance', () => {
    const energy = new EnergyMonitor(SETTINGS);
    energy.reading(reading(0));
    for (let s = 1; s <= 200; s++) {
      energy.wheels({ leftM: -s * 0.2, rightM: s * 0.2 });
      energy.reading(reading(s));
    }
    expect(energy.estimate()!.whPerM).toBe(0.03);
  });

  it('without encoders takes the distance from the odometry of record: its applied speed over the time', () => {
    const energy = new EnergyMonitor(SETTINGS);
    energy.odometry({ stampUs: 0, pose: { xM: 0, yM: 0, yawRad: 0 }, vMps: 0.5, wRadps: 0 });
    energy.reading(reading(0));
    for (let s = 1; s <= 200; s++) energy.reading(reading(s));
    expect(energy.estimate()!.whPerM).toBeCloseTo(24 / 3600 / 0.5, 3);
  });

  it('answers the return rule with its own figures: far from base it returns, near it goes on', () => {
    const energy = new EnergyMonitor(SETTINGS);
    energy.reading(reading(0, 0));
    const estimate = energy.estimate()!;
    // 12 V at rest is 4 V per cell: about 79 % of 50 Wh.
    expect(estimate.remainingWh).toBeGreaterThan(35);
    const farM = (estimate.remainingWh - 3) / (0.03 * 1.5) + 1;
    expect(energy.shouldReturn(farM)).toMatchObject({ returnNow: true, remainingWh: estimate.remainingWh });
    expect(energy.shouldReturn(farM - 2)!.returnNow).toBe(false);
  });
});
