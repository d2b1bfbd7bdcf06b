import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pointSegmentDistance } from './polyline-distance.js';
import type { Rect, SteppingRobot } from '../../test/harness/right-of-way-stepping.js';
import { runFleet } from '../../test/harness/right-of-way-stepping.js';

const settings = { claimAheadM: 4, claimForMs: 2_000 };

/** A uniform number in [min, max] in steps of 1/1000 (a double arbitrary crowds its values near 0 and the bounds). */
const uniform = (min: number, max: number): fc.Arbitrary<number> =>
  fc.integer({ min: Math.round(min * 1000), max: Math.round(max * 1000) }).map((k) => k / 1000);

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

  it('GIVEN four robots meeting at a four-way intersection THEN they cross it without touching, no two crossing paths in it at once, and all arrive', () => {
    // Two-lane roads 2.4 m wide; robots keep to the right lane.
    const roads: Rect[] = [
      { x0: -10, y0: -1.2, x1: 10, y1: 1.2 },
      { x0: -1.2, y0: -10, x1: 1.2, y1: 10 },
    ];
    const fleet = [
      robot('east', [-8, -0.5], [[8, -0.5]], 30),
      robot('north', [0.5, -8], [[0.5, 8]], 20),
      robot('west', [8, 0.5], [[-8, 0.5]], 10),
      robot('south', [-0.5, 8], [[-0.5, -8]], 0),
    ];
    const out = runFleet(fleet, { space: roads, settings, maxSteps: 6_000 });
    expect(out.overlaps).toEqual([]);
    expect(out.allArrived).toBe(true);
    expect(out.deadlocksSeen).toBe(0);
    const steps = out.trace.get('east')?.length ?? 0;
    const inBox = (id: string, k: number): boolean => {
      const p = out.trace.get(id)?.[Math.min(k, (out.trace.get(id)?.length ?? 1) - 1)];
      return p !== undefined && Math.abs(p.xM) < 1.2 && Math.abs(p.yM) < 1.2;
    };
    for (let k = 0; k < steps; k++) {
      const horizontal = ['east', 'west'].some((id) => inBox(id, k));
      const vertical = ['north', 'south'].some((id) => inBox(id, k));
      expect(horizontal && vertical).toBe(false);
    }
    // Someone had to wait: they all reached the crossing together.
    expect([...out.holdSteps.values()].some((n) => n > 0)).toBe(true);
  });

  it('GIVEN up to ten robots crossing an open area in random directions THEN all arrive, no footprints ever touch and no deadlock is left', () => {
    // Starts and goals on slots around a circle (goals half a slot off the starts), each robot going
    // to a far slot across the area, with random offsets, radii, speeds and priorities: every path
    // crosses many others near the middle.
    const scenario = fc
      .record({
        n: fc.integer({ min: 2, max: 10 }),
        turn: uniform(0, 2 * Math.PI),
        across: uniform(0.35, 0.65),
        wobble: fc.array(uniform(-0.15, 0.15), { minLength: 20, maxLength: 20 }),
        radii: fc.array(uniform(5.5, 7), { minLength: 20, maxLength: 20 }),
        speeds: fc.array(uniform(0.3, 0.6), { minLength: 10, maxLength: 10 }),
        priorities: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 10, maxLength: 10 }),
      })
      .map(({ n, turn, across, wobble, radii, speeds, priorities }) => {
        const slot = (2 * Math.PI) / n;
        const shift = Math.max(1, Math.min(n - 1, Math.round(across * n)));
        return Array.from({ length: n }, (_, i) => {
          const a = turn + slot * (i + (wobble[i] as number));
          const g = turn + slot * (((i + shift) % n) + 0.5 + (wobble[10 + i] as number));
          const rs = radii[i] as number;
          const rg = radii[10 + i] as number;
          return {
            ...robot(
              `r${i}`,
              [rs * Math.cos(a), rs * Math.sin(a)],
              [[rg * Math.cos(g), rg * Math.sin(g)]],
              priorities[i],
            ),
            speedMps: speeds[i] as number,
          };
        });
      })
      .filter((fleet) =>
        fleet.every((r, i) =>
          fleet.every((o, j) => {
            if (i === j) return true;
            const goal = r.route[0] as { xM: number; yM: number };
            const apart = Math.hypot(r.start.xM - o.start.xM, r.start.yM - o.start.yM) > 1.2;
            const goalsApart = Math.hypot(goal.xM - (o.route[0]?.xM ?? 0), goal.yM - (o.route[0]?.yM ?? 0)) > 1.2;
            // No robot's goal lies on another's way (it would stand there for good).
            const goalOff = pointSegmentDistance(goal, o.start, o.route[0] as { xM: number; yM: number }) > 1;
            return apart && goalsApart && goalOff;
          }),
        ),
      );
    fc.assert(
      fc.property(scenario, (fleet) => {
        const out = runFleet(fleet, { space: null, settings, maxSteps: 5_000 });
        expect(out.overlaps).toEqual([]);
        expect(out.allArrived).toBe(true);
      }),
      { numRuns: 12, endOnFailure: true },
    );
  }, 300_000);
});
