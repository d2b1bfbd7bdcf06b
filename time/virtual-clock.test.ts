import { describe, expect, it } from 'vitest';
import { VirtualClock } from './virtual-clock.js';

describe('VirtualClock', () => {
  it('starts at the given time and moves only when advanced', () => {
    const clock = new VirtualClock(5_000);
    expect(clock.nowUs()).toBe(5_000);
    expect(clock.nowUs()).toBe(5_000);
    clock.advanceBy(250);
    expect(clock.nowUs()).toBe(5_250);
    clock.advanceTo(9_000);
    expect(clock.nowUs()).toBe(9_000);
  });

  it('fires timers in due order, each seeing nowUs() equal to its own due time', () => {
    const clock = new VirtualClock(1_000);
    const fired: Array<[string, number]> = [];
    clock.after(300, () => fired.push(['c', clock.nowUs()]));
    clock.after(100, () => fired.push(['a', clock.nowUs()]));
    clock.after(200, () => fired.push(['b', clock.nowUs()]));

    clock.advanceBy(1_000);

    expect(fired).toEqual([
      ['a', 1_100],
      ['b', 1_200],
      ['c', 1_300],
    ]);
    expect(clock.nowUs()).toBe(2_000);
  });

  it('fires timers due at the same time in the order they were scheduled', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.after(50, () => fired.push('first'));
    clock.after(50, () => fired.push('second'));
    clock.every(50, () => fired.push('third'));
    clock.advanceTo(50);
    expect(fired).toEqual(['first', 'second', 'third']);
  });

  it('does not fire a timer before its due time, and fires it when time reaches it exactly', () => {
    const clock = new VirtualClock();
    let fired = 0;
    clock.after(100, () => fired++);
    clock.advanceTo(99);
    expect(fired).toBe(0);
    clock.advanceTo(100);
    expect(fired).toBe(1);
    clock.advanceTo(1_000);
    expect(fired).toBe(1);
  });

  it('treats a negative delay as "now": the timer fires at the next advance, at the current time', () => {
    const clock = new VirtualClock(700);
    const seen: number[] = [];
    clock.after(-50, () => seen.push(clock.nowUs()));
    clock.advanceBy(0);
    expect(seen).toEqual([700]);
  });

  it('repeats periodic timers at their period, whatever the size of the step', () => {
    const clock = new VirtualClock(0);
    const seen: number[] = [];
    clock.every(100, () => seen.push(clock.nowUs()));

    clock.advanceBy(350);
    expect(seen).toEqual([100, 200, 300]);

    clock.advanceBy(1);
    clock.advanceBy(49);
    expect(seen).toEqual([100, 200, 300, 400]);
  });

  it('interleaves periodic and one-shot timers by due time', () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.every(100, () => fired.push(`tick@${clock.nowUs()}`));
    clock.after(150, () => fired.push(`once@${clock.nowUs()}`));
    clock.advanceBy(300);
    expect(fired).toEqual(['tick@100', 'once@150', 'tick@200', 'tick@300']);
  });

  it('rejects a period that is not positive', () => {
    const clock = new VirtualClock();
    expect(() => clock.every(0, () => {})).toThrow(RangeError);
    expect(() => clock.every(-10, () => {})).toThrow(RangeError);
    expect(() => clock.every(Number.NaN, () => {})).toThrow(RangeError);
  });

  describe('cancel', () => {
    it('stops a pending one-shot timer; calling it twice is harmless', () => {
      const clock = new VirtualClock();
      let fired = 0;
      const cancel = clock.after(100, () => fired++);
      cancel();
      cancel();
      clock.advanceBy(1_000);
      expect(fired).toBe(0);
    });

    it('stops a periodic timer between advances', () => {
      const clock = new VirtualClock();
      let fired = 0;
      const cancel = clock.every(100, () => fired++);
      clock.advanceBy(250);
      expect(fired).toBe(2);
      cancel();
      clock.advanceBy(1_000);
      expect(fired).toBe(2);
    });

    it('stops a periodic timer from inside its own callback', () => {
      const clock = new VirtualClock();
      const seen: number[] = [];
      const cancel = clock.every(100, () => {
        seen.push(clock.nowUs());
        if (seen.length === 3) cancel();
      });
      clock.advanceBy(10_000);
      expect(seen).toEqual([100, 200, 300]);
    });

    it('stops another timer due later in the same advance from inside a callback', () => {
      const clock = new VirtualClock();
      const fired: string[] = [];
      clock.after(100, () => {
        fired.push('canceller');
        cancelVictim();
      });
      const cancelVictim = clock.after(200, () => fired.push('victim'));
      clock.after(300, () => fired.push('bystander'));
      clock.advanceBy(1_000);
      expect(fired).toEqual(['canceller', 'bystander']);
    });
  });

  describe('nextDueUs', () => {
    it('is Infinity with nothing pending', () => {
      const clock = new VirtualClock(123);
      expect(clock.nextDueUs()).toBe(Infinity);
    });

    it('names the earliest pending timer, and skips cancelled ones', () => {
      const clock = new VirtualClock(1_000);
      clock.after(500, () => {});
      const cancelEarly = clock.after(200, () => {});
      clock.every(300, () => {});
      expect(clock.nextDueUs()).toBe(1_200);
      cancelEarly();
      expect(clock.nextDueUs()).toBe(1_300);
    });

    it('moves on as timers fire: a periodic timer is next due one period later', () => {
      const clock = new VirtualClock();
      clock.every(100, () => {});
      clock.after(150, () => {});
      clock.advanceTo(100);
      expect(clock.nextDueUs()).toBe(150);
      clock.advanceTo(150);
      expect(clock.nextDueUs()).toBe(200);
    });

    it('is Infinity again once the last one-shot timer has fired', () => {
      const clock = new VirtualClock();
      clock.after(10, () => {});
      clock.advanceBy(10);
      expect(clock.nextDueUs()).toBe(Infinity);
    });
  });

  describe('never moves backwards', () => {
    it('ignores advanceTo() a time in the past', () => {
      const clock = new VirtualClock(10_000);
      clock.advanceTo(5_000);
      expect(clock.nowUs()).toBe(10_000);
    });

    it('ignores a negative advanceBy()', () => {
      const clock = new VirtualClock(10_000);
      clock.advanceBy(-3_000);
      expect(clock.nowUs()).toBe(10_000);
    });

    it('keeps time monotonic as seen from inside callbacks', () => {
      const clock = new VirtualClock();
      const seen: number[] = [];
      for (const delay of [40, 10, 30, 20, 10]) clock.after(delay, () => seen.push(clock.nowUs()));
      clock.every(15, () => seen.push(clock.nowUs()));
      clock.advanceBy(100);
      const sorted = [...seen].sort((a, b) => a - b);
      expect(seen).toEqual(sorted);
      expect(seen.length).toBeGreaterThan(5);
    });
  });

  describe('timers scheduled from inside a callback', () => {
    it('fire in the same advance when due within it, at their own due time', () => {
      const clock = new VirtualClock();
      const fired: Array<[string, number]> = [];
      clock.after(100, () => {
        fired.push(['outer', clock.nowUs()]);
        clock.after(50, () => fired.push(['inner', clock.nowUs()]));
      });
      clock.after(200, () => fired.push(['later', clock.nowUs()]));

      clock.advanceBy(1_000);

      expect(fired).toEqual([
        ['outer', 100],
        ['inner', 150],
        ['later', 200],
      ]);
    });

    it('wait for a later advance when due beyond it', () => {
      const clock = new VirtualClock();
      const fired: number[] = [];
      clock.after(100, () => clock.after(500, () => fired.push(clock.nowUs())));
      clock.advanceTo(400);
      expect(fired).toEqual([]);
      expect(clock.nextDueUs()).toBe(600);
      clock.advanceTo(600);
      expect(fired).toEqual([600]);
    });

    it('a chain of zero-delay timers all run at the same instant', () => {
      const clock = new VirtualClock(42);
      const seen: number[] = [];
      const chain = (left: number): void => {
        seen.push(clock.nowUs());
        if (left > 0) clock.after(0, () => chain(left - 1));
      };
      clock.after(8, () => chain(3));
      clock.advanceBy(8);
      expect(seen).toEqual([50, 50, 50, 50]);
    });
  });
});
