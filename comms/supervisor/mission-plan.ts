import { z } from 'zod';
import { ConfigError } from '../../config/config-error.js';
import { readYamlFile } from '../../config/yaml-file.js';
import { readMissionJson } from '../../messages/mission-shape.js';
import type { Mission } from '../../messages/mission.js';
import type { PlannedMission } from './supervisor-server.js';

const finiteNumber = z.number().finite();
const gotoSchema = z
  .object({ xM: finiteNumber, yM: finiteNumber, toleranceM: finiteNumber.nonnegative().default(0.2) })
  .strict();
const driveSchema = z
  .object({ vMps: finiteNumber, wRadps: finiteNumber.default(0), durationS: finiteNumber.positive() })
  .strict();
const entrySchema = z
  .object({
    robot: z.string().min(1),
    id: z.string().min(1),
    priority: z.number().int().min(0).max(100).optional(),
    goto: gotoSchema.optional(),
    drive: driveSchema.optional(),
    /** Any kind, in the shape `POST /api/v1/missions` takes (`{kind: patrol, waypoints: [...], laps: 3}`). */
    mission: z.unknown().optional(),
  })
  .strict()
  .refine(
    (e) => [e.goto, e.drive, e.mission].filter((m) => m !== undefined).length === 1,
    'give exactly one of goto, drive, mission',
  );
const planSchema = z.object({ missions: z.array(entrySchema) }).strict();

/**
 * The missions `spinal supervisor --missions FILE` assigns, each to its robot when it first says
 * hello:
 *
 * ```yaml
 * missions:
 *   - { robot: robot-1, id: m-1, goto: { xM: 3, yM: 0.5, toleranceM: 0.2 } }
 *   - { robot: robot-2, id: m-2, drive: { vMps: 0.2, durationS: 5 } }
 *   - { robot: robot-1, id: m-3, priority: 80, mission: { kind: patrol, waypoints: [{ xM: 1, yM: 1 }], laps: 2 } }
 * ```
 */
export function loadMissionPlan(file: string): PlannedMission[] {
  const parsed = planSchema.safeParse(readYamlFile(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(file, issue.path.join('.'), issue.message);
  }
  return parsed.data.missions.map((entry, i): PlannedMission => {
    let mission: Mission;
    if (entry.goto) {
      mission = { kind: 'goto', goal: { xM: entry.goto.xM, yM: entry.goto.yM }, toleranceM: entry.goto.toleranceM };
    } else if (entry.drive) {
      mission = { kind: 'drive', vMps: entry.drive.vMps, wRadps: entry.drive.wRadps, durationS: entry.drive.durationS };
    } else {
      const read = readMissionJson(entry.mission, 'mission');
      if (!read.ok) {
        const split = read.reason.indexOf(': ');
        throw new ConfigError(file, `missions.${i}.${read.reason.slice(0, split)}`, read.reason.slice(split + 2));
      }
      mission = read.value;
    }
    return {
      robotId: entry.robot,
      missionId: entry.id,
      mission,
      ...(entry.priority === undefined ? {} : { priority: entry.priority }),
    };
  });
}
