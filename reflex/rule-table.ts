import { ACCELERATION_RAMP } from './acceleration-ramp.js';
import type { OutputStage, ReflexRule } from './reflex-types.js';
import { CONDITION_RULES } from './rules/condition-rules.js';
import { GEOFENCE_RULE } from './rules/geofence-rule.js';
import { LATCHED_RULES } from './rules/latched-rules.js';
import { OBSTACLE_RULE } from './rules/obstacle-rule.js';
import { SWARM_HOLD_RULE } from './rules/swarm-rule.js';
import { WATCHDOG_RULES } from './rules/watchdog-rules.js';

/**
 * The failsafe table, most fundamental first. Order does not decide: severity does (a latched
 * e-stop beats a stop beats a slow beats a limit); order only breaks ties between equals.
 */
export const REFLEX_RULES: readonly ReflexRule[] = [
  ...LATCHED_RULES,
  ...WATCHDOG_RULES,
  OBSTACLE_RULE,
  GEOFENCE_RULE,
  ...CONDITION_RULES,
  SWARM_HOLD_RULE,
];

/** What happens to the arbiter's decision on its way to the motors, in order. */
export const OUTPUT_STAGES: readonly OutputStage[] = [ACCELERATION_RAMP];
