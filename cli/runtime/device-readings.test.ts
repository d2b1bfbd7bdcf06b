import { describe, expect, it } from 'vitest';
import type { Device } from '../../hal/device-api.js';
import { latestReadings } from './device-readings.js';

const base = { id: 'x', compatible: 'test', health: () => ({ state: 'ok', reason: '', sinceUs: 0 }) };

describe('latestReadings', () => {
  it('flattens a battery reading with its units and stamp', () => {
    const battery = {
      ...base,
      kind: 'battery',
      lastReading: () => ({ voltageV: 11.98765, currentA: 1.5, powerW: 18, stampUs: 42 }),
    } as unknown as Device;
    expect(latestReadings(battery)).toEqual({ voltageV: 11.9877, currentA: 1.5, powerW: 18, stampUs: 42 });
  });

  it('reads the encoders a motor driver offers as a capability, and nothing before a first reading', () => {
    let reading: { counts: Record<string, number>; travelM: Record<string, number>; stampUs: number } | null = null;
    const encoders = { ...base, kind: 'encoder', lastReading: () => reading, channelNames: () => ['M1'] };
    const driver = { ...base, kind: 'motor-driver', capabilities: () => [encoders] } as unknown as Device;
    expect(latestReadings(driver)).toBeNull();
    reading = { counts: { M1: 120 }, travelM: { M1: 0.25 }, stampUs: 7 };
    expect(latestReadings(driver)).toEqual({ 'M1.counts': 120, 'M1.travelM': 0.25, stampUs: 7 });
  });

  it('gives null for a device with no readings (a lidar)', () => {
    expect(latestReadings({ ...base, kind: 'lidar' } as unknown as Device)).toBeNull();
  });
});

describe('latestReadings of a switch', () => {
  it('says whether it is active and why', () => {
    const button = {
      ...base,
      kind: 'digital-input',
      state: () => ({ active: true, reason: 'pressed', stampUs: 9 }),
    } as unknown as Device;
    expect(latestReadings(button)).toEqual({ active: 'yes', why: 'pressed', stampUs: 9 });
  });
});
