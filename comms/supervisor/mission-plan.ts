import { z } from 'zod';
import { ConfigError } from '../../config/config-error.js';
import { readYamlFile } from '../../config/yaml-file.js';
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
    goto: gotoSchema.optional(),
    drive: driveSchema.optional(),
  })
  .strict()
  .refine((e) => (e.goto === undefined) !== (e.drive === undefined), 'give exactly one of goto, drive');
const planSchema = z.object({ missions: z.array(entrySchema) }).strict();

/**
 * The missions `spinal supervisor --missions FILE` assigns, each to its robot when it first says
 * hello:
 *
 * ```yaml
 * missions:
 *   - { robot: robot-1, id: m-1, goto: { xM: 3, yM: 0.5, toleranceM: 0.2 } }
 *   - { robot: robot-2, id: m-2, drive: { vMps: 0.2, durationS: 5 } }
 * ```
 */
export function loadMissionPlan(file: string): PlannedMission[] {
  const parsed = planSchema.safeParse(readYamlFile(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(file, issue.path.join('.'), issue.message);
  }
  return parsed.data.missions.map((entry) => ({
    robotId: entry.robot,
    missionId: entry.id,
    mission: entry.goto
      ? { kind: 'goto', goal: { xM: entry.goto.xM, yM: entry.goto.yM }, toleranceM: entry.goto.toleranceM }
      : { kind: 'drive', vMps: entry.drive!.vMps, wRadps: entry.drive!.wRadps, durationS: entry.drive!.durationS },
  }));
}
