import { describe, expect, it } from 'vitest';
import { LoopTimingMonitor } from './loop-timing.js';

/** 100 Hz: a 10 000 µs period. */
const RATE_HZ = 100;

describe('LoopTimingMonitor', () => {
  it('reports zeros before the first iteration', () => {
    expect(new LoopTimingMonitor(RATE_HZ).snapshot()).toEqual({
      rateHz: RATE_HZ,
      ticks: 0,
      lastDurationUs: 0,
      maxDurationUs: 0,
      latenessP99Us: 0,
      deadlineMisses: 0,
    });
  });

  it('counts ticks and keeps the last and the longest duration', () => {
    const monitor = new LoopTimingMonitor(RATE_HZ);
    monitor.record(0, 120);
    monitor.record(0, 900.4);
    monitor.record(0, 300.6);
    const snapshot = monitor.snapshot();
    expect(snapshot.ticks).toBe(3);
    expect(snapshot.lastDurationUs).toBe(301);
    expect(snapshot.maxDurationUs).toBe(900);
  });

  it('reports the 99th percentile of lateness', () => {
    const monitor = new LoopTimingMonitor(RATE_HZ);
    // 1000 iterations late by 0..999 µs, recorded out of order.
    for (let i = 0; i < 1_000; i++) monitor.record((i * 37) % 1_000, 10);
    expect(monitor.snapshot().latenessP99Us).toBe(990);
  });

  it('lets a few outliers in 1000 iterations show at p99, but not a single one', () => {
    const monitor = new LoopTimingMonitor(RATE_HZ);
    for (let i = 0; i < 999; i++) monitor.record(100, 10);
    monitor.record(51_000, 10);
    expect(monitor.snapshot().latenessP99Us).toBe(100);
    for (let i = 0; i < 10; i++) monitor.record(51_000, 10);
    expect(monitor.snapshot().latenessP99Us).toBe(51_000);
  });

  it('looks only at the most recent 1000 iterations', () => {
    const monitor = new LoopTimingMonitor(RATE_HZ);
    for (let i = 0; i < 1_000; i++) monitor.record(40_000, 10);
    expect(monitor.snapshot().latenessP99Us).toBe(40_000);
    for (let i = 0; i < 1_000; i++) monitor.record(200, 10);
    const snapshot = monitor.snapshot();
    expect(snapshot.latenessP99Us).toBe(200);
    expect(snapshot.ticks).toBe(2_000);
  });

  it('with few samples, p99 is the worst one', () => {
    const monitor = new LoopTimingMonitor(RATE_HZ);
    monitor.record(300, 10);
    monitor.record(7_000, 10);
    monitor.record(50, 10);
    expect(monitor.snapshot().latenessP99Us).toBe(7_000);
  });

  it('counts a deadline miss when lateness + duration exceed the period', () => {
    const monitor = new LoopTimingMonitor(RATE_HZ);
    monitor.record(2_000, 8_000); // exactly the period: on time
    monitor.record(0, 10_000); // exactly the period: on time
    expect(monitor.snapshot().deadlineMisses).toBe(0);
    monitor.record(2_000, 8_001); // 1 µs over
    monitor.record(12_000, 5); // started after the period had passed
    monitor.record(0, 15_000); // took longer than a period
    expect(monitor.snapshot().deadlineMisses).toBe(3);
  });

  it('derives the period from the rate', () => {
    const monitor = new LoopTimingMonitor(50); // 20 000 µs
    monitor.record(5_000, 14_000);
    expect(monitor.snapshot().deadlineMisses).toBe(0);
    monitor.record(5_000, 16_000);
    expect(monitor.snapshot()).toMatchObject({ rateHz: 50, deadlineMisses: 1 });
  });
});
