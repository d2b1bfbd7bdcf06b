import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openCircuitVoltsAt } from '../../messages/lithium-pack-curve.js';
import { BatteryPack } from './battery-pack.js';

const spec = { capacityWh: 10, initialWh: 10, internalOhms: 0.1, electronicsLoadA: 0.3 };

describe('BatteryPack', () => {
  it('starts at 12.6 V when full and gives up V_oc × I × t: 1 A for an hour from a full 100 Wh pack draws a little under 12.6 Wh', () => {
    const pack = new BatteryPack({ ...spec, capacityWh: 100, initialWh: 100 });
    expect(pack.openCircuitV()).toBeCloseTo(12.6, 9);
    for (let i = 0; i < 3600; i++) pack.step(1, 0.7);
    // 1 A (0.7 motors + 0.3 electronics) at 12.6 V falling to about 12.5 V over the hour: a little under 12.6 Wh.
    expect(100 - pack.remainingWh()).toBeGreaterThan(12.4);
    expect(100 - pack.remainingWh()).toBeLessThan(12.6);
    expect(pack.openCircuitV()).toBeCloseTo(openCircuitVoltsAt(pack.remainingWh() / 100), 9);
  });

  it('draws nothing but the electronics when the motors are off', () => {
    const pack = new BatteryPack(spec);
    pack.step(3600, 0);
    expect(10 - pack.remainingWh()).toBeCloseTo(0.3 * 12.6, 9);
  });

  it('its voltage falls as energy is drawn, and stays at the empty end once drawn past empty', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 1, maxLength: 50 }), (loads) => {
        const pack = new BatteryPack({ ...spec, capacityWh: 1, initialWh: 1 });
        let volts = pack.openCircuitV();
        let wh = pack.remainingWh();
        for (const currentA of loads) {
          pack.step(30, currentA);
          expect(pack.remainingWh()).toBeLessThan(wh);
          expect(pack.openCircuitV()).toBeLessThanOrEqual(volts);
          volts = pack.openCircuitV();
          wh = pack.remainingWh();
        }
        if (pack.remainingWh() < 0) expect(pack.openCircuitV()).toBeCloseTo(9.9, 9);
      }),
    );
  });
});
