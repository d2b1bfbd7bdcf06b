import { describe, expect, it } from 'vitest';
import type { Rect, SteppingRobot } from '../../test/harness/right-of-way-stepping.js';
import { runFleet } from '../../test/harness/right-of-way-stepping.js';

const settings = { claimAheadM: 4, claimForMs: 2_000 };

function robot(id: string, start: [number, number], route: [number, number][], missionPriority = 0): SteppingRobot {
  return {
    robotId: id,
    safetyStopped: false,
    carryingPayload: false,
    missionPriority,
    start: { xM: start[0], yM: start[1] },
    route: route.map(([xM, yM]) => ({ xM, yM })),
    radiusM: 0.3,
    speedMps: 0.5,
  };
}

/** A corridor 1 m wide (narrower than two 0.6 m robots) from x=0.6 to x=19.4 (no room beyond the ends), with a bay on its side at `bayX`. */
function corridorWithBay(bayX: number): Rect[] {
  return [
    { x0: 0.6, y0: -0.5, x1: 19.4, y1: 0.5 },
    { x0: bayX - 0.6, y0: 0.4, x1: bayX + 0.6, y1: 1.8 },
  ];
}

describe('right of way in a stepping fleet', () => {
  const cases = [
    { bayX: 10, where: 'where they meet', yields: 'b', onlyOne: true },
    { bayX: 13, where: 'behind the lower one', yields: 'b', onlyOne: true },
    // The lower finds no passing place, so after the patience the next of the cycle backs off (b then
    // slips past a's bay mouth, and may step aside once more while a is still leaving the corridor).
    { bayX: 7, where: 'behind the higher one', yields: 'a', onlyOne: false },
  ];
  for (const { bayX, where, yields, onlyOne } of cases) {
    it(`GIVEN a head-on meeting in a one-robot corridor with a bay ${where} THEN ${yields} waits in the bay and both arrive`, () => {
      const high = robot('a', [1, 0], [[19, 0]], 50);
      const low = robot('b', [19, 0], [[1, 0]], 10);
      const out = runFleet([high, low], { space: corridorWithBay(bayX), settings, maxSteps: 4_000 });
      expect(out.overlaps).toEqual([]);
      expect(out.allArrived).toBe(true);
      const other = yields === 'a' ? 'b' : 'a';
      expect(out.backOffSteps.get(yields)).toBeGreaterThan(0);
      // It went into the bay: off the corridor by more than the corridor's half width.
      const trace = out.trace.get(yields) ?? [];
      expect(Math.max(...trace.map((p) => p.yM))).toBeGreaterThan(0.5);
      if (onlyOne) {
        expect(out.backOffSteps.get(other)).toBe(0);
        expect(Math.max(...(out.trace.get(other) ?? []).map((p) => Math.abs(p.yM)))).toBeLessThan(0.01);
      }
    });
  }
});
