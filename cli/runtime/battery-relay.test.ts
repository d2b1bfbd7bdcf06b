import { describe, expect, it } from 'vitest';
import type { BatteryDevice } from '../../hal/battery/api.js';
import type { BatteryReading } from '../../messages/battery-reading.js';
import { relayBattery } from './battery-relay.js';

/** A battery device whose readings the test emits. */
function fakeBattery(): { device: BatteryDevice; emit(reading: BatteryReading): void } {
  const listeners: Array<(reading: BatteryReading) => void> = [];
  const device = {
    kind: 'battery',
    onReading(listener: (reading: BatteryReading) => void) {
      listeners.push(listener);
      return () => undefined;
    },
  } as unknown as BatteryDevice;
  return { device, emit: (reading) => listeners.forEach((l) => l(reading)) };
}

describe('relayBattery', () => {
  it("sends the cortex a reading at most every 100 ms of the readings' own stamps", () => {
    const battery = fakeBattery();
    const sent: number[] = [];
    relayBattery(battery.device, { battery: (reading) => sent.push(reading.stampUs) });
    for (let us = 0; us <= 1_000_000; us += 20_000)
      battery.emit({ voltageV: 12, currentA: 1, powerW: 12, stampUs: us });
    expect(sent).toEqual([
      0, 100_000, 200_000, 300_000, 400_000, 500_000, 600_000, 700_000, 800_000, 900_000, 1_000_000,
    ]);
  });

  it('sends every reading of a slow monitor, and nothing without one', () => {
    const battery = fakeBattery();
    const sent: number[] = [];
    relayBattery(battery.device, { battery: (reading) => sent.push(reading.stampUs) });
    for (const us of [0, 150_000, 400_000]) battery.emit({ voltageV: 12, currentA: 1, powerW: 12, stampUs: us });
    expect(sent).toEqual([0, 150_000, 400_000]);
    expect(() => relayBattery(null, { battery: () => undefined })).not.toThrow();
  });
});
