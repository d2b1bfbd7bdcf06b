import { describe, expect, it } from 'vitest';
import { LockstepCell } from './lockstep-cell.js';
import { LockstepFollowerClock } from './lockstep-follower-clock.js';

describe('LockstepFollowerClock', () => {
  it("reads the robot's time between ticks and never goes back behind its own", () => {
    const cell = new LockstepCell(1_000);
    const clock = new LockstepFollowerClock(cell, 1_000);
    expect(clock.nowUs()).toBe(1_000);
    cell.setRobotNowUs(7_000);
    expect(clock.nowUs()).toBe(7_000);
    clock.advanceTo(9_000);
    cell.setRobotNowUs(8_000);
    expect(clock.nowUs()).toBe(9_000);
  });

  it('writes when its next timer is due, timers counted from the time it reads', () => {
    const cell = new LockstepCell(0);
    const clock = new LockstepFollowerClock(cell);
    expect(cell.nextDueUs()).toBe(Infinity);
    cell.setRobotNowUs(5_000);
    const cancelPeriodic = clock.every(100_000, () => undefined);
    expect(cell.nextDueUs()).toBe(105_000);
    const cancelSoon = clock.after(2_000, () => undefined);
    expect(cell.nextDueUs()).toBe(7_000);
    cancelSoon();
    expect(cell.nextDueUs()).toBe(105_000);
    clock.advanceTo(105_000);
    expect(cell.nextDueUs()).toBe(205_000);
    cancelPeriodic();
    expect(cell.nextDueUs()).toBe(Infinity);
  });

  it('fires its timers at the ticks in due order, each seeing its own due time', () => {
    const cell = new LockstepCell(0);
    const clock = new LockstepFollowerClock(cell);
    const seen: Array<[string, number]> = [];
    clock.after(30, () => seen.push(['b', clock.nowUs()]));
    clock.after(10, () => seen.push(['a', clock.nowUs()]));
    cell.setRobotNowUs(50);
    expect(seen).toEqual([]);
    clock.advanceTo(50);
    expect(seen).toEqual([
      ['a', 10],
      ['b', 30],
    ]);
    expect(clock.nowUs()).toBe(50);
  });
});
