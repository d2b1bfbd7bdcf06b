import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config-error.js';
import { loadMissionPlan } from './mission-plan.js';

function planFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'spinal-plan-')), 'missions.yaml');
  writeFileSync(file, text);
  return file;
}

describe('loadMissionPlan (spinal supervisor --missions FILE)', () => {
  it('reads goto and drive shorthands and any kind in the debug port JSON shape, with priorities', () => {
    const file = planFile(`missions:
  - { robot: robot-1, id: m-1, goto: { xM: 3, yM: 0.5 } }
  - { robot: robot-2, id: m-2, drive: { vMps: 0.2, durationS: 5 } }
  - { robot: robot-1, id: m-3, priority: 80, mission: { kind: patrol, waypoints: [{ xM: 1, yM: 1 }, { xM: 4, yM: 1 }], laps: 2 } }
`);
    expect(loadMissionPlan(file)).toEqual([
      { robotId: 'robot-1', missionId: 'm-1', mission: { kind: 'goto', goal: { xM: 3, yM: 0.5 }, toleranceM: 0.2 } },
      { robotId: 'robot-2', missionId: 'm-2', mission: { kind: 'drive', vMps: 0.2, wRadps: 0, durationS: 5 } },
      {
        robotId: 'robot-1',
        missionId: 'm-3',
        priority: 80,
        mission: {
          kind: 'patrol',
          waypoints: [
            { xM: 1, yM: 1 },
            { xM: 4, yM: 1 },
          ],
          laps: 2,
          toleranceM: 0.2,
        },
      },
    ]);
  });

  it('names the file and the field of a malformed mission', () => {
    const file = planFile(`missions:
  - { robot: robot-1, id: m-1, mission: { kind: survey, area: [{ xM: 0, yM: 0 }], laneSpacingM: 1 } }
`);
    expect(() => loadMissionPlan(file)).toThrow(ConfigError);
    expect(() => loadMissionPlan(file)).toThrow(`${file}: missions.0.mission.area: needs at least 3 point(s), got 1`);
    const both = planFile(`missions:
  - { robot: robot-1, id: m-1, goto: { xM: 1, yM: 1 }, drive: { vMps: 0.1, durationS: 1 } }
`);
    expect(() => loadMissionPlan(both)).toThrow('give exactly one of goto, drive, mission');
  });
});
