import { describe, expect, it } from 'vitest';
import { BlackBox, type BlackBoxEntry } from './black-box.js';

/** One loop iteration at `tUs`, driving 0.3 m/s. */
function entry(tUs: number): BlackBoxEntry {
  return {
    tUs,
    cmdVMps: 0.3,
    cmdWRadps: 0,
    appliedVMps: 0.3,
    appliedWRadps: 0,
    aheadFreeM: 1.2,
    lidarAgeMs: 4,
    batteryV: 11.9,
    tiltDeg: 1,
    action: 'none',
    rule: '',
  };
}

describe('BlackBox', () => {
  it('freezes nothing before anything is recorded', () => {
    expect(new BlackBox(200).freeze()).toEqual([]);
  });

  it('keeps every entry, oldest first, until it is full', () => {
    // GIVEN a box for 5 iterations
    const box = new BlackBox(5);

    // WHEN 3 are recorded
    for (const t of [10, 20, 30]) box.record(entry(t));

    // THEN all 3 come out in order
    expect(box.freeze().map((e) => e.tUs)).toEqual([10, 20, 30]);
  });

  it('keeps only the last `capacity` entries once it wraps, oldest first', () => {
    // GIVEN a box for 2 s at 100 Hz
    const box = new BlackBox(200);

    // WHEN 3.5 s of iterations are recorded
    for (let i = 0; i < 350; i++) box.record(entry(i * 10_000));

    // THEN the last 200 come out, oldest first, 10 ms apart
    const frozen = box.freeze();
    expect(frozen).toHaveLength(200);
    expect(frozen[0]?.tUs).toBe(150 * 10_000);
    expect(frozen.at(-1)?.tUs).toBe(349 * 10_000);
    frozen.forEach((e, i) => expect(e.tUs).toBe((150 + i) * 10_000));
  });

  it('wraps at every position, not only at a multiple of its capacity', () => {
    const box = new BlackBox(3);
    const seen: number[][] = [];
    for (let t = 1; t <= 7; t++) {
      box.record(entry(t));
      seen.push(box.freeze().map((e) => e.tUs));
    }
    expect(seen).toEqual([[1], [1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 7]]);
  });

  it('gives a copy at freeze: later records do not change it', () => {
    // GIVEN a frozen box
    const box = new BlackBox(3);
    for (const t of [1, 2, 3]) box.record(entry(t));
    const frozen = box.freeze();

    // WHEN more is recorded
    for (const t of [4, 5]) box.record(entry(t));

    // THEN the frozen list is what it was
    expect(frozen.map((e) => e.tUs)).toEqual([1, 2, 3]);
    expect(box.freeze().map((e) => e.tUs)).toEqual([3, 4, 5]);
  });

  it('keeps the entries as recorded', () => {
    const box = new BlackBox(2);
    const recorded = { ...entry(5), action: 'stop', rule: 'obstacle', aheadFreeM: 0.05, batteryV: null, tiltDeg: null };
    box.record(recorded);
    expect(box.freeze()).toEqual([recorded]);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new BlackBox(0)).toThrow(RangeError);
    expect(() => new BlackBox(Number.NaN)).toThrow('BlackBox capacity must be >= 1, got NaN');
    expect(new BlackBox(1).capacity).toBe(1);
  });
});
