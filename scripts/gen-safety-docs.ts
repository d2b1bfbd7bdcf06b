/**
 * Writes `docs/safety.md` from the reflex's rule table (`REFLEX_RULES`), the autopilot comparison in
 * `reflex/failsafe-comparison.ts` and the `reflex.*` parameter definitions in `config/params.ts`, so the
 * page cannot drift from the code. Runs from the build output:
 *
 *     node dist/scripts/gen-safety-docs.js [--check] [--out FILE]
 *
 * `--check` writes nothing and exits 1 when the file differs from what would be written (for CI);
 * `--out` writes elsewhere (default: `docs/safety.md` in the package root). A rule without a
 * comparison entry, or naming a parameter that does not exist, fails the render.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { code, renderTable, runDocGenerator } from './generated-doc.js';
import { resolveParams } from '../config/param-values.js';
import { paramList, type ParamDefinition } from '../config/params.js';
import { TUNABLE_PARAMS } from '../config/param-tuning.js';
import {
  ACTION_SEVERITY,
  OUTPUT_STAGES,
  REFLEX_RULES,
  stoppingDistanceM,
  type ReflexAction,
  type ReflexSettings,
} from '../reflex/arbiter.js';
import { reflexSettingsFromParams } from '../reflex/reflex-settings.js';
import { FAILSAFE_COMPARISON, type FailsafeEquivalents } from '../reflex/failsafe-comparison.js';
import { STOP_BEHAVIOURS_BY_CHIP } from '../hal/motor/stop-behaviours.js';

/** Path of the generated page inside the package. */
export const SAFETY_DOC_PATH = 'docs/safety.md';

/** The fields of a reflex rule the page shows; `params` and `latched` are optional so any rule table renders. */
export interface DocumentedRule {
  readonly id: string;
  readonly trigger: string;
  readonly action: ReflexAction;
  readonly clears: string;
  /** Parameters that tune the rule; when absent, the `reflex.*` names its trigger and clearing mention. */
  readonly params?: readonly string[];
  /** Holds until an explicit reset. */
  readonly latched?: boolean;
  /** The reflex comes up held by it. */
  readonly startsHeld?: boolean;
  /** Turning in place stays allowed while its stop clears. */
  readonly turnsWhileClearing?: boolean;
  clearHoldUs(settings: ReflexSettings): number;
}

/** A rule with no entry in the comparison table, or naming an unknown parameter. */
export class SafetyDocError extends Error {
  override readonly name = 'SafetyDocError';
}

const PARAM_PREFIX = 'reflex.';

/** What the motors get under each action and how it ends; a new action fails to compile until described here. */
const ACTION_EFFECTS: Readonly<Record<ReflexAction, { motors: string; ends: string }>> = {
  none: { motors: 'the command as given', ends: '—' },
  limit: {
    motors:
      'the command, scaled down (v and ω by one factor, so an arc keeps its curvature) to the speed and turn-rate limits',
    ends: 'as soon as the condition is gone',
  },
  slow: {
    motors: 'the command, v and ω scaled together by the fraction the free distance along the swept path allows',
    ends: 'as soon as the path opens',
  },
  stop: {
    motors:
      'a controlled stop: the motors brake; a stop that only concerns driving on (an obstacle in the path) may still let the robot turn in place, so it is never trapped',
    ends: 'once the condition has stayed clear for the clear hold of the rule',
  },
  estop: {
    motors: 'the motors brake and stay braked (latched)',
    ends: 'only on an explicit reset (`POST /api/v1/estop/reset`, or the supervisor), and only once the cause is gone: a button still pressed keeps it',
  },
};

/**
 * The whole `docs/safety.md` page: the hierarchy of override and the ordered actions, the failsafe
 * matrix (one row per rule, with the PX4 and ArduPilot Rover counterparts), the hazards spinal
 * deliberately does not stop for, and where and when the reflex runs. Throws a SafetyDocError for a
 * rule without a comparison entry or naming an unknown parameter.
 */
export function renderSafetyDoc(
  rules: readonly DocumentedRule[] = REFLEX_RULES,
  comparison: Readonly<Record<string, FailsafeEquivalents>> = FAILSAFE_COMPARISON,
): string {
  const settings = defaultSettings();
  const lines = [
    '# Safety',
    '',
    '<!-- Generated from the reflex rule table (REFLEX_RULES), reflex/failsafe-comparison.ts and config/params.ts',
    '     by scripts/gen-safety-docs.ts: change those and regenerate this page; CI fails when it differs (`--check`). -->',
    '',
    'The safety of a spinal robot lives in the reflex (`reflex/`), the only path to the motors. Every drive command,',
    'from the planner or from a field engineer driving by hand, goes through it; a pure state machine given the clock',
    '(`update(nowUs, inputs)`) applies a table of rules and decides what the motors may do, with the rule that',
    'decided and a reason in plain words. This page lists every rule, what it does and when it lets go, the',
    'parameters that tune it, and what PX4 and ArduPilot Rover do for the same hazard.',
    '',
    '## Hierarchy of override',
    '',
    'Highest first:',
    '',
    '1. **Safety.** The reflex stops or limits motion whatever anyone says: the planner, the supervisor, a peer or a',
    '   manual override from the debug port.',
    "2. **Swarm.** A peer's right-of-way claim holds the robot back (`swarm-hold`), whatever the mission says; it never",
    '   outranks a safety rule.',
    "3. **Mission.** The supervisor's order is executed when it is safe and cleared.",
    '',
    'When the supervisor uplink is lost, the robot keeps executing its last valid mission and coordinating with its',
    'peers. When the reflex loses its planner (no fresh command), it stops.',
    '',
    '## Actions, in order of severity',
    '',
    'Each rule that speaks gives one of these actions. When several speak at once the most severe decides, and the',
    'speed caps of `limit` and `slow` combine (the lowest wins). A `stop` or `estop` that begins is a **trip**: it is',
    'reported with its rule and reason (`GET /api/v1/status`, and a `reflex-trip` event in the event log).',
    '',
    ...renderTable(['Action', 'Severity', 'What the motors get', 'How it ends'], actionRows()),
    '',
    '## Failsafe matrix',
    '',
    'One row per rule, in the order of the rule table (order does not decide: severity does). Parameters are shown',
    'with their defaults; [configuration.md](configuration.md) gives their ranges and how to set them. The last two',
    'columns say what PX4 and ArduPilot Rover do for the same hazard, and where spinal differs.',
    '',
    ...renderTable(
      ['Rule', 'Trigger', 'Action', 'Clears', 'Parameters (default)', 'PX4', 'ArduPilot Rover'],
      rules.map((rule) => ruleCells(rule, comparison, settings)),
    ),
    '',
    ...startHeldNote(rules),
    ...outputStagesSection(settings),
    ...sweptAreaSection(),
    '## Hazards spinal deliberately does not stop for',
    '',
    '- **Supervisor link lost** (PX4 `NAV_DLL_ACT` after `COM_DL_LOSS_T`; ArduPilot `FS_GCS_ENABLE`): the robot keeps',
    '  executing its last valid mission and coordinating with its peers; every rule above still applies. The uplink',
    '  replays unacknowledged events once it is back.',
    '- **Radio control lost** (PX4 `NAV_RCL_ACT`; ArduPilot `FS_THR_ENABLE`): there is no radio. Driving by hand from',
    '  the debug port is a drive command like any other, so the dead-man stops the robot when it stops coming.',
    '- **Position estimate lost** (PX4 `COM_POS_FS_*`; ArduPilot `FS_EKF_ACTION`): the obstacle check needs no global',
    '  position; it works on fresh lidar returns kept in a short-horizon odometry frame.',
    '',
    '## Placement and timing',
    '',
    ...placementNotes(settings),
    '',
    ...brakingSection(settings),
    ...retuningSection(),
  ];
  return lines.join('\n');
}

/** Which `reflex.*` parameters a config update may change while the robot runs, and what a change may never do. */
function retuningSection(): string[] {
  const tunable = TUNABLE_PARAMS.filter((name) => name.startsWith('reflex.')).map(code);
  return [
    '## Changing limits while the robot runs',
    '',
    `A config update from the fleet supervisor (\`docs/uplink.md\`, "Config updates") may change ${tunable.join(', ')}`,
    'while the robot runs; every other `reflex.*` parameter is fixed from start to stop. The reflex takes all values',
    'of an update at once, between two evaluations, and decides again at once (a lower speed limit caps the very next',
    'output). What a change may never do:',
    '',
    '- **Release a stop.** A latched e-stop holds until its reset, whatever the new limits; every other stop holding at',
    '  that moment starts its clearing hold again, under the new values, so no stop lets go sooner because of a change.',
    '- **Outrun the obstacle memory.** The remembered returns are kept out to the reach of the fastest motion the start',
    '  values allow; values that would need a wider reach (a speed limit, turn rate, stop margin or slow zone above its',
    '  start value) are refused, and take effect at the next start.',
    "- **Exceed the board.** A speed limit above the board's `robot.maxWheelSpeedMps` is refused, as at load.",
    '',
    'An accepted change is recorded as a `config-change` event with its version and values, and',
    '`GET /api/v1/status` shows the values in force under `config`.',
    '',
  ];
}

/** Which rules the reflex comes up held by (not reported as trips), and which let the robot turn while they clear. */
function startHeldNote(rules: readonly DocumentedRule[]): string[] {
  const held = rules.filter((rule) => rule.startsHeld).map((rule) => code(rule.id));
  const turning = rules.filter((rule) => rule.turnsWhileClearing).map((rule) => code(rule.id));
  return [
    `The reflex comes up stopped, held by ${held.join(', ')} until each has its first data (a start-up hold is not a`,
    `trip). While the stop of ${turning.join(' or ')} clears, turning in place stays allowed when it is itself clear.`,
    '',
  ];
}

/** The stages between the arbiter's decision and the motors. */
function outputStagesSection(settings: ReflexSettings): string[] {
  return [
    '## Output stages',
    '',
    "Between the arbiter's decision and the motors, in order:",
    '',
    ...renderTable(
      ['Stage', 'What it does', 'Parameters (default)'],
      OUTPUT_STAGES.map((stage) => [code(stage.id), withParamNames(stage.what), paramsOf(stage.params, stage.id)]),
    ),
    '',
    `With the defaults the ramp takes ${formatNumber(settings.maxSpeedMps / settings.brakingDecelMps2)} s from standstill to the top speed.`,
    '',
  ];
}

function actionRows(): string[][] {
  const actions = (Object.keys(ACTION_SEVERITY) as ReflexAction[]).sort(
    (a, b) => ACTION_SEVERITY[a] - ACTION_SEVERITY[b],
  );
  return actions.map((action) => [
    code(action),
    String(ACTION_SEVERITY[action]),
    ACTION_EFFECTS[action].motors,
    ACTION_EFFECTS[action].ends,
  ]);
}

function ruleCells(
  rule: DocumentedRule,
  comparison: Readonly<Record<string, FailsafeEquivalents>>,
  settings: ReflexSettings,
): string[] {
  const counterpart = Object.hasOwn(comparison, rule.id) ? comparison[rule.id] : undefined;
  if (!counterpart) {
    throw new SafetyDocError(
      `reflex rule "${rule.id}" has no entry in reflex/failsafe-comparison.ts: add what PX4 and ArduPilot Rover do for it`,
    );
  }
  const holdMs = rule.clearHoldUs(settings) / 1e3;
  const hold =
    Number.isFinite(holdMs) && holdMs > 0 ? `. Clear hold with the defaults: ${formatNumber(holdMs)} ms` : '';
  return [
    code(rule.id),
    withParamNames(rule.trigger),
    rule.latched ? `${code(rule.action)}, latched` : code(rule.action),
    withParamNames(rule.clears) + hold,
    paramsCell(rule),
    counterpart.px4,
    counterpart.ardupilot,
  ];
}

/** The rule's `reflex.*` parameters with their defaults: from `params`, or else from the names its text mentions. */
function paramsCell(rule: DocumentedRule): string {
  return paramsOf(rule.params ?? mentionedParams(`${rule.trigger} ${rule.clears}`), rule.id);
}

/** `reflex.*` parameters with their defaults, for the rule or stage `owner`. */
function paramsOf(names: readonly string[], owner: string): string {
  const shown: string[] = [];
  for (const name of names) {
    const definition = paramList.find((candidate) => candidate.name === name);
    if (!definition) {
      throw new SafetyDocError(
        `reflex rule "${owner}" lists parameter "${name}", which config/params.ts does not define`,
      );
    }
    if (!name.startsWith(PARAM_PREFIX) || shown.some((line) => line.startsWith(code(name)))) continue;
    shown.push(`${code(name)} ${valueText(definition)}`);
  }
  return shown.length > 0 ? shown.join('; ') : '—';
}

function mentionedParams(text: string): string[] {
  const found = text.match(/\breflex\.[A-Za-z0-9]+/g) ?? [];
  return [...new Set(found)].filter((name) => paramList.some((definition) => definition.name === name));
}

/** Wraps every defined parameter name in the text in backticks. */
function withParamNames(text: string): string {
  return text.replace(/\breflex\.[A-Za-z0-9]+/g, (name) =>
    paramList.some((definition) => definition.name === name) ? code(name) : name,
  );
}

function valueText(definition: ParamDefinition): string {
  if (typeof definition.default !== 'number') return code(String(definition.default));
  const value = formatNumber(definition.default);
  if (definition.unit === '') return value;
  return definition.unit === '°' || definition.unit === '%'
    ? `${value}${definition.unit}`
    : `${value} ${definition.unit}`;
}

/** Reflex settings at the parameter defaults, as the runtime builds them, on a robot without a geofence. */
function defaultSettings(): ReflexSettings {
  return reflexSettingsFromParams(resolveParams({}), null);
}

/** What the obstacle rule checks for each kind of motion, and what it assumes of sensors and brakes. */
function sweptAreaSection(): string[] {
  return [
    '## The swept area, motion by motion',
    '',
    'The obstacle rule checks the area the footprint sweeps along the motion the command asks for, over the time it',
    'takes to stop under the **stopping model**: each wheel keeps its speed for `reflex.reactionLatencyMs`, then',
    'brakes on its own at `reflex.brakingDecelMps2` until it stands. The footprint is grown by `reflex.sideMarginM` on',
    'each side and, ahead and behind, by a margin that goes from `reflex.stopMarginM` driving straight to the side',
    'margin turning in place, in proportion to the share of translation in the motion; the corners are rounded. The largest',
    'fraction of the command (v and ω scaled together) whose stop keeps clear of every remembered obstacle is allowed,',
    'and inside the slow zone the speed of the footprint point that moves fastest is capped in proportion to its free',
    'travel. Below `reflex.creepSpeedMps` at the wheels the robot is stopped.',
    '',
    ...renderTable(
      ['Motion', 'Area checked', 'Stopping model'],
      [
        [
          'Straight ahead (v > 0, ω = 0)',
          'the corridor of the grown footprint ahead, exactly (no sampling)',
          'v²/2a + latency·v + stop margin: braking keeps to the same line',
        ],
        ['Reverse (v < 0, ω = 0)', 'the same corridor behind', 'the same, backwards'],
        [
          'Arc (v ≠ 0, ω ≠ 0)',
          'the grown footprint at samples along the arc, at most 1 cm of travel of any of its points apart, grown by half that spacing again',
          'per-wheel braking, which bends the path away from the arc (the slower wheel stands first): the braked path itself is checked',
        ],
        [
          'Turning in place (v = 0)',
          'the footprint grown by the side margin, rounded at the corners, swept through the turn',
          'both wheels brake alike, so the turn keeps its centre; ω is stopped within latency·ω + ω²·b/4a',
        ],
      ],
    ),
    '',
    '**What it assumes of the sensors.** An obstacle is a lidar (or range-sensor) return. Returns are remembered in',
    'the odometry frame of the motion the reflex itself commanded for `reflex.obstacleMemoryMs`, unless a later beam',
    'passes through the place (within 0.4 of a beam step) and returns at least `reflex.seeThroughM` beyond it; a new',
    'return never replaces another one elsewhere, so a pole one beam wide survives every beam that passes beside it.',
    'A beam without a return proves nothing. A 5° sector of the view that the swept path crosses and that no whole',
    'packet has covered for `reflex.sectorStaleMs` is unknown space: the `lidar-blind` rule stops the robot and names',
    'the sector; until the lidar has looked all round once after start-up the robot is held without a trip.',
    '',
    '**What it assumes of the brakes.** That each wheel decelerates at least at `reflex.brakingDecelMps2` once',
    'braking; the reflex ramps speed-ups at the same rate. A point already inside the margins blocks driving',
    'towards it; other motions near it are checked against the footprint grown by half its distance, so a robot',
    'stopped close to a wall can always back away or turn when its corners clear.',
    '',
    '### The swept area in the status',
    '',
    'The status (`GET /api/v1/status`, field `sweptArea`) carries the area the check of the command in force looked',
    'at in the latest evaluation, built by the check itself (`SweptPathChecker.checkedArea`, `reflex/swept-area.ts`)',
    'from the motion, margins, look-ahead and sampled path that evaluation used; the loop keeps only the command and',
    'the time of it, and the polygons are built when the status is, five times a second. It is a list of convex',
    'polygons in the robot frame where the robot stood then (`pose`), metres to the millimetre: one rectangle driving',
    'straight (the corridor), otherwise one polygon around every 8 samples of the grown footprint along the path, its',
    'rounded corners drawn from outside. Every place the check looks for an obstacle beyond the margins where the',
    'robot stands lies inside them, and the check finds every point more than 12 mm inside them',
    '(`reflex/swept-area.property.test.ts`); a point within those margins is judged by the near rule above. The page',
    'draws it in yellow and Foxglove gets it on `/reflex/swept_area`; no command, or one that does not move the',
    'robot: `null`.',
    '',
  ];
}

function placementNotes(settings: ReflexSettings): string[] {
  const rate = paramList.find((definition) => definition.name === 'reflex.loopRateHz');
  const rateHz = typeof rate?.default === 'number' ? rate.default : undefined;
  const rateText =
    rateHz === undefined
      ? 'a fixed rate'
      : `${code('reflex.loopRateHz')} (default ${rateHz} Hz, every ${formatNumber(1e3 / rateHz)} ms)`;
  const topSpeed = settings.maxSpeedMps;
  const stopAtM = stoppingDistanceM(topSpeed, settings);
  const slowFromM = stopAtM + settings.slowZoneM;
  const distances =
    Number.isFinite(stopAtM) && Number.isFinite(slowFromM)
      ? [
          `  With the defaults the robot needs ${formatNumber(stopAtM)} m to stop from its top speed of ${formatNumber(topSpeed)} m/s,`,
          `  and the slow zone begins ${formatNumber(slowFromM)} m from an obstacle.`,
        ]
      : [];
  return [
    '- **Main thread.** The reflex and the drivers it needs (lidar, motors, the inputs it watches) own the main',
    '  thread; the planner (cortex) and comms (debug port, mesh, uplink, event log) run in worker threads and talk to',
    '  it only through typed messages. A planner stall, a garbage-collection pause in the planner, a flood of mesh',
    '  messages or a slow disk cannot delay a stop.',
    '- **Per-packet reaction.** The arbiter runs as soon as a lidar packet is decoded (an LD06 sends 375 packets a',
    '  second), not at its next tick, and again on every new drive command and whenever an e-stop button or a bumper',
    '  changes. The points are kept in a short-horizon odometry frame, so a return seen 100 ms ago is checked where it',
    '  is now.',
    `- **Periodic loop.** It also runs at ${rateText},`,
    '  on the injected clock, so the timeouts (dead-man, stale lidar) fire when nothing arrives at all. How late each',
    '  tick starts and how long it takes are measured; the figures are on the debug port.',
    `- **Stopping distance.** v²/2a + reaction latency × v + stop margin, from ${code('reflex.brakingDecelMps2')},`,
    `  ${code('reflex.reactionLatencyMs')} and ${code('reflex.stopMarginM')}; speed-ups are ramped at the same deceleration.`,
    ...distances,
    '- **Motor output.** A decision goes to the motors before anything else hears of it (trip listeners, status).',
    '  One write sequence is on the wire at a time and the latest wanted output wins; both channels are written even',
    '  when one fails, and a failed write is counted and tried again at the next decision.',
    '- **Black box.** The reflex keeps its last seconds of loop iterations in a ring buffer (command, applied motion,',
    '  free distance ahead, lidar age, battery voltage, tilt, action and rule) and freezes it at every trip, so each',
    '  trip is stored with what led up to it.',
  ];
}

/** What the stopping model assumes about brakes, per motor driver, and how it checks the assumption. */
function brakingSection(settings: ReflexSettings): string[] {
  return [
    '## Braking: what is assumed about brakes',
    '',
    'A stop is the reflex calling `brake()` on both drive channels. What that does depends on the motor driver, and',
    'each driver says so (`stopBehaviour()` in `hal/motor/api.ts`), from its datasheet:',
    '',
    ...renderTable(
      ['Chip', 'Models', 'Stop', 'What happens', 'Reference'],
      STOP_BEHAVIOURS_BY_CHIP.map(({ chip, models, stop }) => [
        chip,
        models,
        code(stop.kind),
        stop.description,
        stop.reference,
      ]),
    ),
    '',
    `- **Assumed.** The stopping distance counts on \`reflex.brakingDecelMps2\` (default ${formatNumber(settings.brakingDecelMps2)} m/s²). A`,
    '  board file declares the deceleration its drive achieves when stopped, `robot.stopDecelMps2` (measured on the',
    '  robot); a `reflex.brakingDecelMps2` above it is refused at load (exit 2, naming both fields), and so is a',
    '  `reflex.maxSpeedMps` above `robot.maxWheelSpeedMps`. A RoboClaw has no brake, so its board declares its',
    '  coast-down, and its `reflex.brakingDecelMps2` is no more.',
    `- **Observed.** With wheel encoders, every stop from \`reflex.brakingObservedMinSpeedMps\` (default ${formatNumber(settings.brakingObservedMinSpeedMps)} m/s) or faster is measured: from the moment the motors`,
    '  are told to stop until the measured speed is a tenth of what it was (the command delay counts against the',
    `  brakes, so the figure errs low). The lowest of the last \`reflex.brakingObservedStops\` (default ${settings.brakingObservedStops}) stops, and no less than`,
    `  \`reflex.brakingObservedFloorMps2\` (default ${formatNumber(settings.brakingObservedFloorMps2)} m/s²), is the observed deceleration.`,
    '- **Used.** The stopping model uses the worse (smaller) of the assumed and the observed deceleration',
    '  (`ReflexInputs.brakingDecelMps2`). `GET /api/v1/status` reports all three under `reflex.braking`',
    '  (`assumedMps2`, `observedMps2`, `usedMps2`, `stopsMeasured`). Without encoders the assumed one is used alone.',
    "- **Simulated.** The simulator stops each wheel the way its driver's bridge does: a short brake (TB6612 IN1 = IN2",
    '  = H, or PWM low with a direction set; L298 EN high with IN1 = IN2) at 3 m/s², an open bridge (TB6612 standby or',
    '  IN1 = IN2 = L, L298 EN low, RoboClaw duty 0) coasts at 0.8 m/s²; a RoboClaw speed command of 0 holds the wheel.',
    '',
  ];
}

function formatNumber(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/** Runs the generator with command-line `args`; returns the exit code. */
export function runGenerator(args: string[]): number {
  return runDocGenerator(
    {
      name: 'gen-safety-docs',
      docPath: SAFETY_DOC_PATH,
      render: () => renderSafetyDoc(),
      knownError: (error) => error instanceof SafetyDocError,
    },
    args,
  );
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(path.resolve(entry)).href) {
  process.exitCode = runGenerator(process.argv.slice(2));
}
