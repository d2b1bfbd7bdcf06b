import { isHostName, isLoopbackHost, readListenAddress } from './listen-address.js';

/**
 * Every runtime parameter of spinal, defined once: type, unit, range, default and description.
 * Values are resolved from these definitions by `param-values.ts` (default < board file <
 * `--config` file < `SPINAL_*` environment), and `docs/configuration.md` is generated from them.
 */

/** How a parameter's value is typed; `integer` is a number that must be whole. */
export type ParamType = 'number' | 'integer' | 'string' | 'boolean';

/** A rule a string value must follow, beyond being a string. */
export interface ParamFormat {
  /** Short form for the docs' range column, e.g. `host:port`. */
  readonly summary: string;
  /** The problem with `value` in plain words, or `undefined` when it is fine. */
  problemWith(value: string): string | undefined;
}

interface ParamSpecBase {
  /** Unit of the value (`ms`, `m/s`, `Hz`, ...), or `''` for none. */
  readonly unit: string;
  /** One or two sentences for the docs and `--help`. */
  readonly description: string;
  /** Never printed or logged: shown as `***`. */
  readonly secret?: true;
  /**
   * Changeable while the runtime runs, by a config update from the supervisor (docs/uplink.md): the
   * thread that uses it takes the new value between two of its steps. Without it a parameter is
   * fixed from start to stop (device paths, thread layout, rates, addresses, what sizes memory).
   */
  readonly tunable?: true;
}

/** A `number` or `integer` parameter; `min` and `max` are inclusive, in `unit`. */
export interface NumberParamSpec extends ParamSpecBase {
  readonly type: 'number' | 'integer';
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

export interface StringParamSpec extends ParamSpecBase {
  readonly type: 'string';
  readonly default: string;
  readonly format?: ParamFormat;
}

export interface BooleanParamSpec extends ParamSpecBase {
  readonly type: 'boolean';
  readonly default: boolean;
}

/** One parameter's definition, without its name (the name is its key in `paramSpecs`). */
export type ParamSpec = NumberParamSpec | StringParamSpec | BooleanParamSpec;

/** A string format given by a regular expression, with the rule in words for error messages. */
export function patternFormat(pattern: RegExp, rule: string): ParamFormat {
  return {
    summary: `pattern \`${pattern.source}\``,
    problemWith: (value) => (pattern.test(value) ? undefined : `${JSON.stringify(value)} ${rule}`),
  };
}

const hostPortFormat: ParamFormat = {
  summary: 'host:port',
  problemWith: (value) => {
    const read = readListenAddress(value);
    return 'problem' in read ? read.problem : undefined;
  },
};

/** `host:port` on loopback, or empty (off): for servers that have no token to guard them. */
const loopbackListenFormat: ParamFormat = {
  summary: 'empty or loopback host:port',
  problemWith: (value) => {
    if (value === '') return undefined;
    const read = readListenAddress(value);
    if ('problem' in read) return read.problem;
    return isLoopbackHost(read.host)
      ? undefined
      : `${JSON.stringify(value)} is not a loopback address (e.g. 127.0.0.1:8765)`;
  },
};

/** The names of a comma-separated host list (`robot.local, robot-1`), trimmed, lower case, empty ones left out. */
export function hostListOf(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

const hostListFormat: ParamFormat = {
  summary: 'comma-separated host names',
  problemWith: (value) => {
    const bad = hostListOf(value).find((name) => !isHostName(name));
    return bad === undefined ? undefined : `${JSON.stringify(bad)} is not a host name`;
  },
};

/**
 * The parameter definitions, keyed by name (dotted camelCase: `<section>.<name>`). Add a
 * parameter here and it is resolvable, typed in `ParamValues`, settable by `SPINAL_*` and documented.
 */
export const paramSpecs = {
  'robot.id': {
    type: 'string',
    unit: '',
    default: 'robot-1',
    format: patternFormat(
      /^[a-z0-9][a-z0-9-]{0,62}$/,
      'must be 1 to 63 lower-case letters, digits or dashes, not starting with a dash',
    ),
    description: "The robot's id in the fleet: used in mesh topics and in the uplink hello.",
  },

  'reflex.loopRateHz': {
    type: 'integer',
    unit: 'Hz',
    min: 10,
    max: 1000,
    default: 100,
    description: 'Rate of the reflex safety loop.',
  },
  'reflex.deadmanTimeoutMs': {
    type: 'number',
    unit: 'ms',
    min: 20,
    max: 5000,
    default: 500,
    description: 'The reflex stops the motors when no fresh drive command has arrived for this long.',
  },
  'reflex.lidarStaleTimeoutMs': {
    type: 'number',
    unit: 'ms',
    min: 20,
    max: 5000,
    default: 300,
    description: 'The reflex stops the motors when the newest lidar scan is older than this.',
  },
  'reflex.brakingDecelMps2': {
    type: 'number',
    unit: 'm/s²',
    min: 0.1,
    max: 10,
    default: 1.0,
    description: 'Deceleration the stopping distance assumes.',
  },
  'reflex.brakingObservedMinSpeedMps': {
    type: 'number',
    unit: 'm/s',
    min: 0.01,
    max: 5,
    default: 0.15,
    description:
      'With wheel encoders the reflex measures the deceleration real stops achieve; stops from below this speed are not measured (they measure poorly).',
  },
  'reflex.brakingObservedStops': {
    type: 'integer',
    unit: '',
    min: 1,
    max: 100,
    default: 5,
    description: 'How many recent measured stops the observed deceleration covers; the lowest of them counts.',
  },
  'reflex.brakingObservedFloorMps2': {
    type: 'number',
    unit: 'm/s²',
    min: 0.01,
    max: 10,
    default: 0.05,
    description:
      'No measured stop counts as braking slower than this (a robot pushed along while braked is no reason never to move again).',
  },
  'reflex.obstacleMemoryMs': {
    type: 'number',
    unit: 'ms',
    min: 50,
    max: 10000,
    default: 1000,
    description:
      'How long the reflex remembers an obstacle return that no later beam has seen through (thin obstacles are missed by most beams).',
  },
  'reflex.seeThroughM': {
    type: 'number',
    unit: 'm',
    min: 0,
    max: 1,
    default: 0.05,
    description:
      'A beam erases a remembered return only when it passes through its place and measures at least this much beyond it (more than the range noise).',
  },
  'reflex.sectorStaleMs': {
    type: 'number',
    unit: 'ms',
    min: 20,
    max: 5000,
    default: 300,
    description:
      'A 5° sector of the lidar view that the commanded motion sweeps and that no valid packet has covered for this long is blind: the reflex stops.',
  },
  'reflex.reactionLatencyMs': {
    type: 'number',
    unit: 'ms',
    min: 0,
    max: 1000,
    default: 50,
    description: 'Time from an obstacle appearing to the motors starting to brake; added to the stopping distance.',
  },
  'reflex.stopMarginM': {
    type: 'number',
    unit: 'm',
    min: 0,
    max: 2,
    default: 0.1,
    tunable: true,
    description: 'Distance kept free beyond the stopping distance.',
  },
  'reflex.slowZoneM': {
    type: 'number',
    unit: 'm',
    min: 0,
    max: 5,
    default: 0.5,
    tunable: true,
    description: 'Extra distance beyond the stopping distance where speed is scaled down.',
  },
  'reflex.sideMarginM': {
    type: 'number',
    unit: 'm',
    min: 0,
    max: 1,
    default: 0.05,
    description: "Clearance added to each side of the robot's footprint when checking the path ahead.",
  },
  'reflex.maxSpeedMps': {
    type: 'number',
    unit: 'm/s',
    min: 0,
    max: 5,
    default: 0.5,
    tunable: true,
    description: 'Forward or backward speed limit the reflex enforces, whatever is commanded.',
  },
  'reflex.maxTurnRateRadps': {
    type: 'number',
    unit: 'rad/s',
    min: 0,
    max: 10,
    default: 2.0,
    tunable: true,
    description: 'Turn rate limit the reflex enforces, whatever is commanded.',
  },
  'reflex.creepSpeedMps': {
    type: 'number',
    unit: 'm/s',
    min: 0,
    max: 0.5,
    default: 0.02,
    description:
      'Slowest wheel speed worth moving at near an obstacle: a motion (forward, reverse, arc or a turn in place) that the swept-area check allows only below this is stopped instead of crept.',
  },
  'reflex.releaseSpeedMps': {
    type: 'number',
    unit: 'm/s',
    min: 0,
    max: 0.5,
    default: 0.05,
    description:
      'An obstacle stop releases only once the swept-area check allows at least this wheel speed again (hysteresis against range noise); keep it above reflex.creepSpeedMps.',
  },
  'reflex.overspeedToleranceMps': {
    type: 'number',
    unit: 'm/s',
    min: 0,
    max: 0.5,
    default: 0.05,
    description:
      'How far the wheel speed the motors were last given may exceed the speed that can still stop before an obstacle before that is a stop of its own.',
  },
  'reflex.clearHoldMs': {
    type: 'number',
    unit: 'ms',
    min: 0,
    max: 10000,
    default: 300,
    tunable: true,
    description: 'How long an obstacle stop must stay clear before motion resumes.',
  },

  'reflex.rangeStaleTimeoutMs': {
    type: 'number',
    unit: 'ms',
    min: 20,
    max: 5000,
    default: 300,
    description: 'Range-sensor (TFmini-S, ...) data older than this stops the robot, as stale lidar data does.',
  },

  'reflex.cortexHeartbeatTimeoutMs': {
    type: 'number',
    unit: 'ms',
    min: 50,
    max: 10000,
    default: 1000,
    description: 'No heartbeat from the planner thread for this long stops the robot (the thread is stalled or dead).',
  },

  'reflex.batteryLowV': {
    type: 'number',
    unit: 'V',
    min: 0,
    max: 60,
    default: 10.8,
    tunable: true,
    description:
      'Battery voltage below which speed is halved (0: off). The default suits a 3S LiPo (3.6 V per cell); set it for your battery.',
  },

  'reflex.batteryCriticalV': {
    type: 'number',
    unit: 'V',
    min: 0,
    max: 60,
    default: 10.2,
    tunable: true,
    description: 'Battery voltage below which the robot stops (0: off). The default suits a 3S LiPo (3.4 V per cell).',
  },

  'reflex.batteryHoldMs': {
    type: 'number',
    unit: 'ms',
    min: 0,
    max: 60000,
    default: 2000,
    description:
      'How long the voltage must stay below a battery threshold before it counts (filters the sag of a hard acceleration).',
  },

  'reflex.batteryLowSpeedFactor': {
    type: 'number',
    unit: '',
    min: 0.1,
    max: 1,
    default: 0.5,
    tunable: true,
    description: 'Share of reflex.maxSpeedMps the robot may still drive at while the battery is low (0.5: half speed).',
  },

  'reflex.tiltLimitDeg': {
    type: 'number',
    unit: '°',
    min: 0,
    max: 90,
    default: 30,
    tunable: true,
    description: 'Tilt from level beyond which the robot stops (0: off).',
  },

  'reflex.impactLimitG': {
    type: 'number',
    unit: 'g',
    min: 0,
    max: 16,
    default: 3,
    description: 'Acceleration beyond gravity that counts as an impact and latches an e-stop (0: off).',
  },

  'reflex.stallMinCommandMps': {
    type: 'number',
    unit: 'm/s',
    min: 0.01,
    max: 5,
    default: 0.1,
    description: 'Commanded speed above which wheels that do not turn count as stalled.',
  },

  'reflex.stallTimeMs': {
    type: 'number',
    unit: 'ms',
    min: 100,
    max: 10000,
    default: 1000,
    description: 'How long commanded motion without encoder motion lasts before it is a stall.',
  },

  'reflex.stallRatio': {
    type: 'number',
    unit: '',
    min: 0.01,
    max: 0.9,
    default: 0.25,
    description:
      'Wheels whose encoders show less than this share of the commanded speed count as stalled (0.25: under a quarter).',
  },

  'reflex.readingMaxAgeMs': {
    type: 'number',
    unit: 'ms',
    min: 50,
    max: 10000,
    default: 1000,
    description:
      "Battery, IMU and wheel-encoder readings older than this are not acted on by the battery, tilt and stall rules (a silent device shows in the device's health instead).",
  },

  'reflex.loopOverrunLimit': {
    type: 'integer',
    unit: '',
    min: 1,
    max: 1000,
    default: 5,
    description: 'Deadline misses of the reflex loop within one second that make the loop itself a fault (stop).',
  },

  'cortex.rateHz': {
    type: 'integer',
    unit: 'Hz',
    min: 1,
    max: 200,
    default: 20,
    description: 'Rate of the planner and mission executor.',
  },
  'cortex.cruiseSpeedMps': {
    type: 'number',
    unit: 'm/s',
    min: 0,
    max: 5,
    default: 0.4,
    tunable: true,
    description: 'Speed the planner asks for on open ground (the reflex may lower it).',
  },
  'cortex.headingGain': {
    type: 'number',
    unit: '1/s',
    min: 0.1,
    max: 20,
    default: 2.0,
    tunable: true,
    description: 'Turn rate commanded per radian of heading error when following a path.',
  },
  'cortex.goalToleranceM': {
    type: 'number',
    unit: 'm',
    min: 0.01,
    max: 5,
    default: 0.1,
    tunable: true,
    description:
      "The planner stops within this distance of a goal, or within half the mission's own tolerance when that is smaller (so odometry drift stays inside the tolerance).",
  },
  'cortex.localisation': {
    type: 'boolean',
    unit: '',
    default: true,
    description:
      'Correct the pose by matching each lidar revolution against the map; off, the pose is the odometry of record alone (for comparison runs).',
  },
  'cortex.mapResolutionM': {
    type: 'number',
    unit: 'm',
    min: 0.01,
    max: 0.5,
    default: 0.05,
    description: 'Cell size of the occupancy grid the robot builds when it has no prior map.',
  },
  'cortex.mapSizeM': {
    type: 'number',
    unit: 'm',
    min: 4,
    max: 200,
    default: 40,
    description: 'Side of the square occupancy grid the robot builds around its start when it has no prior map.',
  },
  'cortex.mapRangeM': {
    type: 'number',
    unit: 'm',
    min: 1,
    max: 30,
    default: 8,
    description: 'Lidar returns beyond this range only clear free space in the map (far returns are the noisiest).',
  },
  'cortex.mapFile': {
    type: 'string',
    unit: '',
    default: '',
    description:
      "A prior map in ROS map_server format (the map.yaml path); empty: the robot maps as it goes. A scenario's or board's `map:` sets it.",
  },
  'cortex.keepMapPath': {
    type: 'string',
    unit: '',
    default: 'spinal-map.yaml',
    description:
      "Where `spinal run` keeps the robot's place across restarts (relative to the working directory): the map it built, as a ROS map_server map, and its last pose beside it (`<name>.pose.json`); with a prior map only the pose. Empty: nothing kept, the robot starts at the origin. `spinal sim` keeps nothing: its robots start where the scenario puts them.",
  },
  'cortex.inflationRadiusM': {
    type: 'number',
    unit: 'm',
    min: 0,
    max: 3,
    default: 0.45,
    description:
      'Distance from an obstacle over which the planner cost falls from lethal to none (the footprint itself is always lethal).',
  },
  'cortex.lookaheadM': {
    type: 'number',
    unit: 'm',
    min: 0.1,
    max: 3,
    default: 0.45,
    tunable: true,
    description: 'Lookahead distance of the pure-pursuit path follower.',
  },
  'cortex.maxAccelMps2': {
    type: 'number',
    unit: 'm/s²',
    min: 0.05,
    max: 5,
    default: 0.8,
    tunable: true,
    description: 'Largest change of forward speed per second the path follower asks for.',
  },
  'cortex.planExpansionsPerCycle': {
    type: 'integer',
    unit: 'cells',
    min: 100,
    max: 10_000_000,
    default: 50_000,
    tunable: true,
    description:
      'Most grid cells the path planner expands in one cortex cycle; a longer plan carries on at the next cycle while the robot keeps to its old path at reduced speed (or holds), so drive commands and the heartbeat never pause for a plan.',
  },
  'cortex.batteryCapacityWh': {
    type: 'number',
    unit: 'Wh',
    min: 1,
    max: 10_000,
    default: 55,
    description:
      "Energy of the robot's full battery, for the battery estimate and the return to base (a 3S 5000 mAh LiPo holds about 55 Wh).",
  },
  'cortex.batteryInternalOhms': {
    type: 'number',
    unit: 'Ω',
    min: 0,
    max: 2,
    default: 0.15,
    description:
      "First guess of the resistance between the battery's cells and the voltage monitor (cells, wiring, shunt); the battery estimate learns it from the sag at each step of the current.",
  },
  'cortex.consumptionPriorWhPerM': {
    type: 'number',
    unit: 'Wh/m',
    min: 0.0001,
    max: 10,
    default: 0.03,
    description:
      'Energy the robot is taken to use per metre driven until it has learned its own figure on the move (docs/cortex.md, "Energy").',
  },
  'cortex.returnReserveFactor': {
    type: 'number',
    unit: '',
    min: 1,
    max: 10,
    default: 1.5,
    description:
      'The robot heads back to base once the energy left falls to this many times what the planned path back needs, plus cortex.returnReserveFloorWh.',
  },
  'cortex.returnReserveFloorWh': {
    type: 'number',
    unit: 'Wh',
    min: 0,
    max: 1_000,
    default: 3,
    description:
      'Energy the robot keeps in hand on top of the path back times cortex.returnReserveFactor: what it should still have when it reaches base.',
  },

  'consistency.motionWindowMs': {
    type: 'integer',
    unit: 'ms',
    min: 300,
    max: 10_000,
    default: 1_500,
    description:
      'The consistency checker compares the motion the robot was given with the motion it measured (wheel encoders, scan matching) over this trailing window: a wedge or a push is raised once a whole window shows it.',
  },
  'consistency.wedgedMinSpeedMps': {
    type: 'number',
    unit: 'm/s',
    min: 0.01,
    max: 2,
    default: 0.08,
    description:
      'Mean forward speed over the window the motion given must reach before a missing movement counts as wedged (slower, it is not judged).',
  },
  'consistency.wedgedMinTurnRateRadps': {
    type: 'number',
    unit: 'rad/s',
    min: 0.01,
    max: 5,
    default: 0.3,
    description:
      'Mean turn rate over the window a turn in place must reach before a missing turn counts as wedged (slower, it is not judged).',
  },
  'consistency.wedgedRatio': {
    type: 'number',
    unit: '',
    min: 0.01,
    max: 0.9,
    default: 0.25,
    description: 'Wedged: the robot measured less than this share of the motion it was given, over the window.',
  },
  'consistency.wedgedClearRatio': {
    type: 'number',
    unit: '',
    min: 0.05,
    max: 1,
    default: 0.6,
    description:
      'A wedge clears once the robot measured at least this share of the motion it was given (above consistency.wedgedRatio: the gap between them is the hysteresis).',
  },
  'consistency.pushedDistanceM': {
    type: 'number',
    unit: 'm',
    min: 0.02,
    max: 5,
    default: 0.2,
    description:
      'Pushed or slipping: over the window the robot moved this far more than the motion it was given explains (sideways, further, or against it; less of it is a wedge); clears below half of it.',
  },
  'consistency.pushedTurnDeg': {
    type: 'number',
    unit: '°',
    min: 1,
    max: 180,
    default: 20,
    description:
      'Pushed or slipping, turning: over the window the robot turned this much more than it was told, or against it; clears below half of it.',
  },
  'consistency.clearHoldMs': {
    type: 'integer',
    unit: 'ms',
    min: 0,
    max: 60_000,
    default: 1_000,
    description: 'A consistency violation clears only when its clearing condition has held this long (no flapping).',
  },
  'consistency.pathLookaheadM': {
    type: 'number',
    unit: 'm',
    min: 0.2,
    max: 20,
    default: 2.0,
    description:
      'Length of the planned path ahead of the robot that each lidar revolution is checked against the map on.',
  },
  'consistency.pathMarginM': {
    type: 'number',
    unit: 'm',
    min: 0,
    max: 1,
    default: 0.05,
    description:
      "Returns within the robot's radius plus this of the path ahead, in cells the plan took as free, contradict the map (a new obstacle, a closed door).",
  },
  'consistency.pathBlockedMinPoints': {
    type: 'integer',
    unit: '',
    min: 1,
    max: 1_000,
    default: 3,
    description:
      'Returns a revolution needs on the path ahead to contradict the map (fewer but some: not judged; none: clear).',
  },
  'consistency.pathBlockedRaiseMs': {
    type: 'integer',
    unit: 'ms',
    min: 0,
    max: 10_000,
    default: 250,
    description:
      'How long revolutions must keep contradicting the map on the path before it is raised as path-blocked.',
  },
  'consistency.lostRaiseMs': {
    type: 'integer',
    unit: 'ms',
    min: 0,
    max: 60_000,
    default: 500,
    description: 'How long the localisation must stay lost before the checker raises localisation-lost.',
  },
  'consistency.reactionTimeoutMs': {
    type: 'integer',
    unit: 'ms',
    min: 500,
    max: 120_000,
    default: 8_000,
    description:
      'A reaction to a consistency violation (replan, rotate, back off, then the mission driving on) that has not cleared it within this from its start has failed; the next row of the reaction table is tried.',
  },
  'consistency.attemptResetMs': {
    type: 'integer',
    unit: 'ms',
    min: 0,
    max: 600_000,
    default: 10_000,
    description:
      'A violation that has stayed clear this long starts again from the first row of the reaction table when it comes back.',
  },
  'consistency.exploreSpeedMps': {
    type: 'number',
    unit: 'm/s',
    min: 0.02,
    max: 1,
    default: 0.1,
    description: 'Speed of the back-off reaction (reversing, slowly).',
  },
  'consistency.exploreTurnRateRadps': {
    type: 'number',
    unit: 'rad/s',
    min: 0.05,
    max: 5,
    default: 0.6,
    description: 'Turn rate of the rotate-in-place reaction.',
  },
  'consistency.backOffRearMarginM': {
    type: 'number',
    unit: 'm',
    min: 0,
    max: 2,
    default: 0.15,
    description:
      'The back-off reaction is proposed only when the free distance behind the robot exceeds its length by this much (the reflex still guards the motion).',
  },

  'debug.listen': {
    type: 'string',
    unit: '',
    default: '127.0.0.1:8080',
    format: hostPortFormat,
    description: 'Address of the local HTTP debug port (host:port; port 0 picks a free port).',
  },
  'debug.token': {
    type: 'string',
    unit: '',
    default: '',
    secret: true,
    description:
      'Bearer token for the mutating debug endpoints (e-stop, reset, override); required when debug.listen is beyond loopback, where it also opens the read-only endpoints.',
  },
  'debug.readToken': {
    type: 'string',
    unit: '',
    default: '',
    secret: true,
    description:
      'Read-only bearer token (status, events, logs, metrics, the page) when debug.listen is beyond loopback; empty: reading needs debug.token.',
  },
  'debug.allowedHosts': {
    type: 'string',
    unit: '',
    default: '',
    format: hostListFormat,
    description:
      "Comma-separated host names the debug port answers to besides its bound address and loopback names (e.g. the robot's DNS name); a request naming any other host is refused.",
  },

  'foxglove.listen': {
    type: 'string',
    unit: '',
    default: '',
    format: loopbackListenFormat,
    description:
      'Address of the Foxglove WebSocket server (host:port on loopback only, port 0 picks a free port; empty: off). It is read-only and has no token, so it never listens beyond loopback: reach it from a laptop through an SSH tunnel.',
  },
  'foxglove.maxClients': {
    type: 'integer',
    unit: '',
    min: 1,
    max: 32,
    default: 4,
    description: 'Foxglove clients served at once; a further connection is refused.',
  },
  'ledger.path': {
    type: 'string',
    unit: '',
    default: 'spinal-ledger.db',
    description:
      "The ledger's SQLite file (relative to the working directory); `:memory:` keeps events in memory only. `spinal sim` keeps its robots' ledgers in memory unless SPINAL_LEDGER_PATH names a file.",
  },
  'ledger.durability': {
    type: 'string',
    unit: '',
    default: 'batch',
    format: patternFormat(/^(batch|interval)$/, 'is neither "batch" nor "interval"'),
    description:
      'When commits reach the disk: `batch` syncs every batch before it is reported committed; `interval` syncs every ledger.syncIntervalMs (a crash of the process loses nothing, a power loss may lose the last interval).',
  },
  'ledger.syncIntervalMs': {
    type: 'integer',
    unit: 'ms',
    min: 10,
    max: 60_000,
    default: 1_000,
    description: 'With ledger.durability `interval`: how often committed events are synced to the disk.',
  },
  'ledger.maxBatch': {
    type: 'integer',
    unit: '',
    min: 1,
    max: 100_000,
    default: 2_000,
    description: 'Events committed in one transaction at most (a burst is split into batches of this size).',
  },
  'ledger.maxSizeMb': {
    type: 'number',
    unit: 'MB',
    min: 0.1,
    max: 1_000_000,
    default: 256,
    description:
      'Event payloads kept at most: above it telemetry is thinned out, then dropped oldest first, then device health; safety and mission events are never dropped.',
  },
  'ledger.maxAgeH': {
    type: 'number',
    unit: 'h',
    min: 0,
    max: 100_000,
    default: 720,
    description:
      'Telemetry and device-health events older than this are dropped (0: no age limit); safety and mission events never are.',
  },
  'ledger.diskReserveKb': {
    type: 'integer',
    unit: 'KiB',
    min: 0,
    max: 1_048_576,
    default: 1_024,
    description:
      'Space kept in a reserve file beside the ledger and given back when the disk fills up, so that safety events can still be written.',
  },
  'ledger.flapWindowMs': {
    type: 'integer',
    unit: 'ms',
    min: 100,
    max: 600_000,
    default: 10_000,
    description:
      'A device whose health changes ledger.flapChanges times within this window is flapping: one event when it starts and one when it has been steady for a whole window.',
  },
  'ledger.flapChanges': {
    type: 'integer',
    unit: '',
    min: 2,
    max: 1_000,
    default: 6,
    description: 'Health changes within ledger.flapWindowMs that make a device flapping.',
  },
  'ledger.telemetryMaxSizeMb': {
    type: 'number',
    unit: 'MB',
    min: 0,
    max: 1_000_000,
    default: 64,
    description:
      "Recorded telemetry (the ledger's `telemetry` table: pose, motion, scans, path, reflex state, map) kept at most; above it the oldest goes first, and it is the first thing dropped when the disk fills up. 0: no telemetry is recorded.",
  },
  'ledger.telemetryMaxAgeH': {
    type: 'number',
    unit: 'h',
    min: 0,
    max: 100_000,
    default: 24,
    description: 'Recorded telemetry older than this is dropped (0: no age limit).',
  },
  'ledger.telemetryFlushMs': {
    type: 'integer',
    unit: 'ms',
    min: 50,
    max: 60_000,
    default: 1_000,
    description: 'Recorded telemetry is committed in one transaction this often (robot clock).',
  },
  'ledger.telemetryPoseHz': {
    type: 'number',
    unit: 'Hz',
    min: 0,
    max: 50,
    default: 5,
    description:
      "The pose with its localisation quality, the applied speed and the planner's command are recorded at most this often, as status snapshots arrive (5 Hz); 0: not recorded.",
  },
  'ledger.telemetryScanHz': {
    type: 'number',
    unit: 'Hz',
    min: 0,
    max: 20,
    default: 2,
    description: 'Lidar revolutions recorded at most this often (binned by bearing, 3 bytes a beam); 0: not recorded.',
  },
  'ledger.telemetryPathHz': {
    type: 'number',
    unit: 'Hz',
    min: 0,
    max: 10,
    default: 1,
    description: 'The planned path is recorded when it changes, at most this often; 0: not recorded.',
  },
  'ledger.telemetryMapPeriodS': {
    type: 'number',
    unit: 's',
    min: 0,
    max: 86_400,
    default: 60,
    description:
      'The occupancy grid is recorded when it changed, at most once a period (its cells deflated); 0: not recorded.',
  },

  'uplink.target': {
    type: 'string',
    unit: '',
    default: '',
    description: "The fleet supervisor's gRPC address (host:port); empty: no uplink.",
  },
  'uplink.tls': {
    type: 'string',
    unit: '',
    default: 'none',
    format: patternFormat(/^(none|tls|mtls)$/, 'is none of "none", "tls", "mtls"'),
    description:
      '`none` (plain, for a supervisor on the same machine or network), `tls` (the server proven by uplink.caFile, or the system roots), `mtls` (and the robot by uplink.certFile and uplink.keyFile).',
  },
  'uplink.caFile': {
    type: 'string',
    unit: '',
    default: '',
    description: 'PEM file of the certificate authority the supervisor is checked against (empty: the system roots).',
  },
  'uplink.certFile': {
    type: 'string',
    unit: '',
    default: '',
    description: "With uplink.tls `mtls`: the robot's certificate (PEM).",
  },
  'uplink.keyFile': {
    type: 'string',
    unit: '',
    default: '',
    description: "With uplink.tls `mtls`: the robot's private key (PEM).",
  },
  'uplink.token': {
    type: 'string',
    unit: '',
    default: '',
    secret: true,
    description: 'Bearer token sent with the link (`authorization: Bearer ...`); empty: none.',
  },
  'uplink.telemetryHz': {
    type: 'number',
    unit: 'Hz',
    min: 0.1,
    max: 50,
    default: 5,
    tunable: true,
    description: 'Telemetry frames a second; a frame is skipped while the link is backed up, never an event.',
  },
  'uplink.keepaliveMs': {
    type: 'integer',
    unit: 'ms',
    min: 500,
    max: 600_000,
    default: 2_000,
    description: 'Interval of the HTTP/2 keepalive pings on the link.',
  },
  'uplink.keepaliveTimeoutMs': {
    type: 'integer',
    unit: 'ms',
    min: 200,
    max: 60_000,
    default: 2_000,
    description: 'A ping unanswered this long marks the link dead (it is reopened with the shared backoff).',
  },

  'mesh.enabled': {
    type: 'boolean',
    unit: '',
    default: true,
    description: 'Talk to peer robots over the MQTT mesh (state, presence, hazards, right-of-way claims).',
  },
  'mesh.broker': {
    type: 'string',
    unit: '',
    default: '',
    format: patternFormat(
      /^$|^(mqtt|mqtts):\/\/[^\s/]+(:\d+)?\/?$/,
      'is not empty nor an address like mqtt://host:1883 or mqtts://host:8883',
    ),
    description:
      'The MQTT broker of the fleet (`mqtt://host:port`, or `mqtts://` for TLS); empty: spinal starts an embedded broker on mesh.listen.',
  },
  'mesh.listen': {
    type: 'string',
    unit: '',
    default: '127.0.0.1:1884',
    format: hostPortFormat,
    description: 'With mesh.broker empty: where the embedded broker listens (host:port; port 0 picks a free port).',
  },
  'mesh.fleet': {
    type: 'string',
    unit: '',
    default: 'default',
    format: patternFormat(
      /^[a-z0-9][a-z0-9-]{0,62}$/,
      'must be 1 to 63 lower-case letters, digits or dashes, not starting with a dash',
    ),
    description: 'The fleet, the second level of the mesh topics (`spinal/v1/<fleet>/<robotId>/...`).',
  },
  'mesh.caFile': {
    type: 'string',
    unit: '',
    default: '',
    description:
      'With an `mqtts://` broker: PEM file of the certificate authority it is checked against (empty: the system roots).',
  },
  'mesh.certFile': {
    type: 'string',
    unit: '',
    default: '',
    description: "The robot's client certificate (PEM) for brokers that authenticate by certificate (empty: none).",
  },
  'mesh.keyFile': {
    type: 'string',
    unit: '',
    default: '',
    description: 'The private key (PEM) of mesh.certFile.',
  },
  'mesh.username': {
    type: 'string',
    unit: '',
    default: '',
    description: 'User name given to the broker (empty: the robot id when mesh.password is set, else none).',
  },
  'mesh.password': {
    type: 'string',
    unit: '',
    default: '',
    secret: true,
    description: 'Password given to the broker (empty: none).',
  },
  'mesh.stateHz': {
    type: 'number',
    unit: 'Hz',
    min: 1,
    max: 50,
    default: 10,
    description: "How often the robot's state (pose, velocity, path preview, priority) goes to its peers (QoS 0).",
  },
  'mesh.peerStaleMs': {
    type: 'integer',
    unit: 'ms',
    min: 100,
    max: 60_000,
    default: 1_000,
    description: 'A peer not heard from this long is stale: its state and claim are no longer relied on.',
  },
  'mesh.maxPayloadBytes': {
    type: 'integer',
    unit: 'bytes',
    min: 256,
    max: 1_048_576,
    default: 4_096,
    description: 'A mesh message larger than this is counted and dropped unread.',
  },
  'mesh.hazardTtlMs': {
    type: 'integer',
    unit: 'ms',
    min: 1_000,
    max: 3_600_000,
    default: 30_000,
    description: 'How long a hazard this robot reports (blocked aisle, obstacle) holds for its peers.',
  },
  'mesh.claimAheadM': {
    type: 'number',
    unit: 'm',
    min: 0.5,
    max: 50,
    default: 4,
    description: 'How far along its planned path a robot claims the right of way.',
  },
  'mesh.claimForMs': {
    type: 'integer',
    unit: 'ms',
    min: 200,
    max: 60_000,
    default: 2_000,
    description: 'How long a claim holds unless renewed (claims are renewed with the state).',
  },

  'sim.quantumMs': {
    type: 'integer',
    unit: 'ms',
    min: 1,
    max: 50,
    default: 5,
    description: 'Lock-step quantum of the simulator: virtual time advances by this much per step.',
  },
} as const satisfies Record<string, ParamSpec>;

/** The name of a parameter, e.g. `reflex.deadmanTimeoutMs`. */
export type ParamName = keyof typeof paramSpecs;

type ValueOfType<T extends ParamType> = T extends 'string' ? string : T extends 'boolean' ? boolean : number;

/** Resolved values of every parameter, typed per parameter: `values['reflex.deadmanTimeoutMs']` is a number. */
export type ParamValues = { readonly [K in ParamName]: ValueOfType<(typeof paramSpecs)[K]['type']> };

/** A parameter's definition with its name. */
export type ParamDefinition = ParamSpec & { readonly name: ParamName };

/** Every parameter, in definition order (for docs, `--help` and validation). */
export const paramList: readonly ParamDefinition[] = Object.freeze(
  (Object.keys(paramSpecs) as ParamName[]).map((name): ParamDefinition => Object.freeze({ name, ...paramSpecs[name] })),
);

const definitionsByName = new Map<string, ParamDefinition>(
  paramList.map((definition) => [definition.name, definition]),
);

/** True when `name` is a defined parameter. */
export function isParamName(name: string): name is ParamName {
  return definitionsByName.has(name);
}

/** The definition of one parameter. */
export function paramDefinition(name: ParamName): ParamDefinition {
  const found = definitionsByName.get(name);
  if (!found) throw new Error(`no parameter "${name}"`);
  return found;
}
