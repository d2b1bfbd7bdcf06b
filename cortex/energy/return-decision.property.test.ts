import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideReturn } from './return-decision.js';

const inputs = fc.record({
  remainingWh: fc.double({ min: 0, max: 200, noNaN: true }),
  pathBackM: fc.double({ min: 0, max: 5000, noNaN: true }),
  whPerM: fc.double({ min: 0.0001, max: 1, noNaN: true }),
  reserveFactor: fc.double({ min: 1, max: 5, noNaN: true }),
  reserveFloorWh: fc.double({ min: 0, max: 20, noNaN: true }),
});

describe('decideReturn', () => {
  it('never says go on when the path back times the reserve factor, plus the floor, is more than what remains', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const decision = decideReturn(input);
        const required = input.pathBackM * input.whPerM * input.reserveFactor + input.reserveFloorWh;
        if (required >= input.remainingWh) expect(decision.returnNow).toBe(true);
        else if (required < input.remainingWh * (1 - 1e-12)) expect(decision.returnNow).toBe(false);
        expect(decision.needWh).toBeCloseTo(input.pathBackM * input.whPerM, 9);
        expect(decision.needWh + decision.reserveWh).toBeCloseTo(required, 6);
        expect(decision.remainingWh).toBe(input.remainingWh);
      }),
    );
  });

  it('turns back earlier the farther the robot is from base', () => {
    fc.assert(
      fc.property(inputs, fc.double({ min: 0, max: 5000, noNaN: true }), (input, fartherByM) => {
        if (decideReturn(input).returnNow)
          expect(decideReturn({ ...input, pathBackM: input.pathBackM + fartherByM }).returnNow).toBe(true);
      }),
    );
  });

  it('keeps the floor in hand next to base, and answers return for a figure that is not a number', () => {
    const base = { pathBackM: 0, whPerM: 0.03, reserveFactor: 1.5, reserveFloorWh: 3 };
    expect(decideReturn({ ...base, remainingWh: 3.01 }).returnNow).toBe(false);
    expect(decideReturn({ ...base, remainingWh: 3 }).returnNow).toBe(true);
    expect(decideReturn({ ...base, remainingWh: 50, pathBackM: Infinity }).returnNow).toBe(true);
    expect(decideReturn({ ...base, remainingWh: Number.NaN }).returnNow).toBe(true);
    const decision = decideReturn({ ...base, remainingWh: 4, pathBackM: 100 });
    expect(decision).toMatchObject({ returnNow: true, needWh: 3, reserveWh: 4.5 });
    expect(decision.reason).toMatch(/4\.00 Wh left.*100\.00 m.*3\.00 Wh.*4\.50 Wh reserve: return now/);
  });
});
