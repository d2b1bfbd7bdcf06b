import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RobotPriority } from '../../messages/peer.js';
import { comparePriority, lowestPriority } from './priority.js';

const base: RobotPriority = { robotId: 'm', safetyStopped: false, carryingPayload: false, missionPriority: 10 };

const priority = fc.record({
  robotId: fc.string({ maxLength: 3 }),
  safetyStopped: fc.boolean(),
  carryingPayload: fc.boolean(),
  missionPriority: fc.integer({ min: 0, max: 100 }),
});

describe('comparePriority', () => {
  it('puts a safety-stopped robot before one carrying a payload, before a higher mission priority, before the smaller id', () => {
    const stopped = { ...base, robotId: 'z', safetyStopped: true, missionPriority: 0 };
    const carrying = { ...base, robotId: 'y', carryingPayload: true, missionPriority: 0 };
    const urgent = { ...base, robotId: 'x', missionPriority: 90 };
    const plain = { ...base, robotId: 'a', missionPriority: 10 };
    const later = { ...base, robotId: 'b', missionPriority: 10 };
    const order = [later, plain, urgent, carrying, stopped].sort(comparePriority).map((r) => r.robotId);
    expect(order).toEqual(['z', 'y', 'x', 'a', 'b']);
    expect(comparePriority(plain, later)).toBeLessThan(0);
    expect(comparePriority(later, plain)).toBeGreaterThan(0);
  });

  it('ranks a mission priority that is not a number as none', () => {
    expect(
      comparePriority({ ...base, robotId: 'a', missionPriority: NaN }, { ...base, robotId: 'b', missionPriority: 1 }),
    ).toBeGreaterThan(0);
  });

  it('is a total order: antisymmetric, transitive, 0 only for the same id', () => {
    fc.assert(
      fc.property(priority, priority, priority, (a, b, c) => {
        expect(Math.sign(comparePriority(a, b))).toBe(-Math.sign(comparePriority(b, a)));
        if (comparePriority(a, b) === 0) expect(a.robotId).toBe(b.robotId);
        if (a.robotId !== b.robotId) expect(comparePriority(a, b)).not.toBe(0);
        if (comparePriority(a, b) < 0 && comparePriority(b, c) < 0) expect(comparePriority(a, c)).toBeLessThan(0);
      }),
    );
  });

  it('lowestPriority finds the one that goes last', () => {
    const robots = [
      { ...base, robotId: 'a' },
      { ...base, robotId: 'c' },
      { ...base, robotId: 'b', missionPriority: 50 },
    ];
    expect(lowestPriority(robots)?.robotId).toBe('c');
    expect(lowestPriority([])).toBeUndefined();
  });
});
