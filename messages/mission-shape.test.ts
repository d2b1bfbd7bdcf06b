import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mission as anyMission } from '../test/harness/message-arbitraries.js';
import { missionShapeProblem, readMissionJson, readMissionOrderJson } from './mission-shape.js';

const newId = (): string => 'generated';

describe('readMissionOrderJson: what POST /api/v1/missions takes', () => {
  it('reads an order with its id and priority, and gives an id and the default priority when left out', () => {
    const read = readMissionOrderJson(
      { id: 'patrol-1', priority: 70, mission: { kind: 'patrol', waypoints: [{ xM: 1, yM: 1 }], laps: 3 } },
      'debug-port',
      newId,
      50,
    );
    expect(read).toEqual({
      ok: true,
      value: {
        id: 'patrol-1',
        priority: 70,
        source: 'debug-port',
        mission: { kind: 'patrol', waypoints: [{ xM: 1, yM: 1 }], laps: 3, toleranceM: 0.2 },
      },
    });
    const bare = readMissionOrderJson({ mission: { kind: 'return-to-base' } }, 'debug-port', newId, 50);
    expect(bare).toMatchObject({ ok: true, value: { id: 'generated', priority: 50 } });
  });

  it.each([
    [null, 'body: must be an object'],
    [{ mission: { kind: 'goto', goal: { xM: 1, yM: 1 } }, extra: 1 }, 'extra: is not a field of a mission order'],
    [{ id: 'a b', mission: { kind: 'return-to-base' } }, 'id: must be 1..64 letters'],
    [{ priority: 101, mission: { kind: 'return-to-base' } }, 'priority: must be a whole number 0..100, got 101'],
    [{ priority: 1.5, mission: { kind: 'return-to-base' } }, 'priority: must be a whole number 0..100'],
    [
      { mission: { kind: 'fly' } },
      'mission.kind: must be one of goto, drive, patrol, survey, return-to-base, got "fly"',
    ],
    [{ mission: { kind: 'goto', goal: { xM: 'x', yM: 1 } } }, 'mission.goal.xM: must be a finite number'],
    [{ mission: { kind: 'goto', goal: { xM: 1e9, yM: 1 } } }, 'mission.goal.xM: must be within ±10000 m'],
    [{ mission: { kind: 'goto', goal: { xM: 1, yM: 1 }, toleranceM: -1 } }, 'mission.toleranceM: must be > 0'],
    [{ mission: { kind: 'patrol', waypoints: [], laps: 1 } }, 'mission.waypoints: needs at least 1 point(s), got 0'],
    [{ mission: { kind: 'patrol', waypoints: [{ xM: 0, yM: 0 }], laps: -1 } }, 'mission.laps: must be a whole number'],
    [
      {
        mission: {
          kind: 'survey',
          area: [
            { xM: 0, yM: 0 },
            { xM: 1, yM: 0 },
          ],
          laneSpacingM: 1,
        },
      },
      'mission.area: needs at least 3',
    ],
    [{ mission: { kind: 'drive', vMps: 0.1, wRadps: 0, durationS: 0 } }, 'mission.durationS: must be > 0'],
  ])('refuses %j naming the field: %s', (body, reason) => {
    const read = readMissionOrderJson(body, 'debug-port', newId, 50);
    expect(read.ok).toBe(false);
    expect(read.ok ? '' : read.reason).toContain(reason);
  });
});

describe('missionShapeProblem (property)', () => {
  it('accepts every well-formed mission of every kind, and its JSON reads back the same', () => {
    fc.assert(
      fc.property(anyMission, (mission) => {
        expect(missionShapeProblem(mission)).toBeNull();
        expect(readMissionJson(JSON.parse(JSON.stringify(mission)))).toEqual({ ok: true, value: mission });
      }),
    );
  });

  it('refuses a mission with any one number made NaN, infinite or absurdly far, naming that field', () => {
    const bad = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1e12);
    fc.assert(
      fc.property(anyMission, bad, fc.nat(), (mission, value, pick) => {
        // Every numeric leaf of the mission except the turn rates and speeds of a drive (any finite value is fine there).
        const leaves: Array<{ path: string; set: () => void }> = [];
        const walk = (node: Record<string, unknown>, path: string): void => {
          for (const [key, child] of Object.entries(node)) {
            if (
              typeof child === 'number' &&
              !(Number.isFinite(value) && (key === 'vMps' || key === 'wRadps' || key === 'headingRad'))
            ) {
              leaves.push({ path: `${path}.${key}`, set: () => (node[key] = value) });
            } else if (typeof child === 'object' && child !== null) {
              walk(child as Record<string, unknown>, Array.isArray(node) ? `${path}[${key}]` : `${path}.${key}`);
            }
          }
        };
        const copy = structuredClone(mission) as unknown as Record<string, unknown>;
        walk(copy, 'mission');
        fc.pre(leaves.length > 0);
        const leaf = leaves[pick % leaves.length]!;
        leaf.set();
        const problem = missionShapeProblem(copy as never);
        expect(problem).not.toBeNull();
        expect(problem!.startsWith(leaf.path.replace(/\.(\d+)(?=\.|$)/g, '[$1]'))).toBe(true);
      }),
    );
  });
});
