import createDebug from 'debug';
import { z } from 'zod';
import type { ParamFileValues } from './param-values.js';
import { parseYamlText, readYamlFile, validateConfig } from './yaml-file.js';

const log = createDebug('spinal:config:runtime-config-file');

/**
 * The `--config FILE` YAML: parameter overrides by dotted name, applied over the board file's
 * `params:` and under `SPINAL_*` environment variables.
 *
 * ```yaml
 * params:
 *   reflex.deadmanTimeoutMs: 400
 *   debug.listen: 0.0.0.0:8080
 * geofence: [[0, 0], [20, 0], [20, 12], [0, 12]]   # the site's safe area, world frame, metres
 * dock: [1, 1]                                      # where RETURN_TO_BASE goes, world frame, metres
 * ```
 *
 * Names and values are checked by `resolveParams`, which names this file in its errors.
 */
export const runtimeConfigSchema = z
  .object({
    /** `params:` with every entry commented out reads as null: that sets nothing too. */
    params: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((params) => params ?? {}),
    /** The area the robot must stay in: a polygon of at least three [x, y] points, world frame, metres. */
    geofence: z
      .array(z.tuple([z.number().finite(), z.number().finite()]))
      .min(3)
      .optional(),
    /** Where the robot's dock is (RETURN_TO_BASE goes there): [x, y], world frame, metres. */
    dock: z.tuple([z.number().finite(), z.number().finite()]).optional(),
  })
  .strict();

export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;

/** Reads and checks a `--config` file; any problem is a ConfigError naming the file and field. */
export function loadRuntimeConfigFile(file: string): ParamFileValues {
  return toParamFileValues(readYamlFile(file), file);
}

/** Like `loadRuntimeConfigFile`, from text already read; `file` is named in errors. */
export function parseRuntimeConfigText(text: string, file: string): ParamFileValues {
  return toParamFileValues(parseYamlText(text, file), file);
}

/** The geofence a `--config` file gives (null when it gives none). */
export function loadGeofence(file: string): Array<{ xM: number; yM: number }> | null {
  const config = validateConfig(runtimeConfigSchema, readYamlFile(file) ?? {}, file);
  return config.geofence ? config.geofence.map(([xM, yM]) => ({ xM, yM })) : null;
}

/** The dock a `--config` file gives (null when it gives none). */
export function loadDock(file: string): { xM: number; yM: number } | null {
  const config = validateConfig(runtimeConfigSchema, readYamlFile(file) ?? {}, file);
  return config.dock ? { xM: config.dock[0], yM: config.dock[1] } : null;
}

function toParamFileValues(document: unknown, file: string): ParamFileValues {
  // An empty file (or one holding only comments) sets nothing.
  const config = validateConfig(runtimeConfigSchema, document ?? {}, file);
  log('%s: %d parameter(s)', file, Object.keys(config.params).length);
  return { file, values: config.params };
}
