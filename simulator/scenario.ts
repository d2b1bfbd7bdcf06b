import createDebug from 'debug';
import { z } from 'zod';
import { ConfigError, formatFieldPath } from '../config/config-error.js';
import { parseYamlText, readYamlFile, validateConfig } from '../config/yaml-file.js';
import type { Point2D, Pose2D } from '../messages/geometry.js';
import type { Mission } from '../messages/mission.js';
import {
  boundsOf,
  crossingEdges,
  pointInBounds,
  polygonArea,
  pointInShape,
  rectanglePolygon,
  type Bounds,
  type Circle,
  type Polygon,
  type Segment,
  type Shape,
} from './world/geometry.js';
import { imperfectionsSchema } from './imperfections.js';
import { batterySpecSchema } from './scenario-battery.js';
import { checkFaultTiming, faultTimingShape } from './faults/fault-trigger.js';
import { isSystemFaultTarget, SYSTEM_FAULT_SCHEMAS, type SystemFault } from './faults/system-fault-schema.js';
import {
  isRuntimeFault,
  namesRuntimeFault,
  runtimeFaultSchema,
  type RuntimeFault,
} from './faults/runtime-fault-schema.js';

/**
 * A simulator scenario (`simulator/scenarios/*.yaml`): the world (walls, obstacles and movers), the robots
 * in it, where they start and what each is asked to do. World frame: x east, y north, metres;
 * headings in degrees counter-clockwise from east in the file, radians everywhere else.
 */

const log = createDebug('spinal:sim:scenario');

/** Default goal tolerance of a `goto` mission, metres. */
export const DEFAULT_GOTO_TOLERANCE_M = 0.15;
/** Default run length when `--duration` is not given, seconds. */
export const DEFAULT_SCENARIO_DURATION_S = 60;
/** Default noise seed. */
export const DEFAULT_SCENARIO_SEED = 1;
/** Board config used when a robot names none (`board-configs/<name>.yaml`). */
export const DEFAULT_SCENARIO_BOARD = 'sim-diffdrive';

const metres = z.number().finite();
const positiveMetres = z.number().finite().positive();
const degrees = z.number().finite();
const idSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, starting with a letter');

const wallSchema = z
  .tuple([metres, metres, metres, metres])
  .refine(([x1, y1, x2, y2]) => x1 !== x2 || y1 !== y2, 'a wall needs two distinct end points');

const boxSchema = z
  .object({ xM: metres, yM: metres, widthM: positiveMetres, heightM: positiveMetres, yawDeg: degrees.default(0) })
  .strict();
const circleSchema = z.object({ xM: metres, yM: metres, radiusM: positiveMetres }).strict();
const polygonSchema = z.array(z.tuple([metres, metres])).min(3, 'a polygon needs at least 3 corners');

/** Exactly one of `keys` must be present on `value`; the issue is raised on the enclosing object. */
function exactlyOne(value: Record<string, unknown>, keys: readonly string[], ctx: z.RefinementCtx): string | null {
  const present = keys.filter((k) => value[k] !== undefined);
  if (present.length === 1) return present[0] ?? null;
  const list = keys.map((k) => `"${k}"`).join(', ');
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    message:
      present.length === 0
        ? `needs one of ${list}`
        : `has ${present.map((k) => `"${k}"`).join(' and ')}; give exactly one of ${list}`,
  });
  return null;
}

/** A rectangle centred at (xM, yM): `widthM` along x and `heightM` along y before turning by `yawDeg`. */
export type ScenarioBox = z.output<typeof boxSchema>;
export type ScenarioCircle = z.output<typeof circleSchema>;

/** One obstacle: a box, a circle, or a polygon (corners `[x, y]`, closed automatically). */
export type ScenarioObstacle = { box: ScenarioBox } | { circle: ScenarioCircle } | { polygon: Array<[number, number]> };

const obstacleSchema = z
  .object({ box: boxSchema.optional(), circle: circleSchema.optional(), polygon: polygonSchema.optional() })
  .strict()
  .transform((o, ctx): ScenarioObstacle => {
    const which = exactlyOne(o, ['box', 'circle', 'polygon'], ctx);
    if (which === 'box' && o.box) return { box: o.box };
    if (which === 'circle' && o.circle) return { circle: o.circle };
    if (which === 'polygon' && o.polygon) return { polygon: o.polygon };
    return z.NEVER;
  });

/** How a mover goes on after its last waypoint (see docs/simulator.md, "Moving obstacles"). */
export const MOVER_LOOPS = ['none', 'repeat', 'back-and-forth'] as const;
export type MoverLoop = (typeof MOVER_LOOPS)[number];

/**
 * A mover's outline, centred on its position: a disc, or a rectangle `widthM` long along its
 * direction of travel and `heightM` across it.
 */
export type ScenarioMoverShape = { circle: { radiusM: number } } | { box: { widthM: number; heightM: number } };

const moverShapeSchema = z
  .object({
    circle: z.object({ radiusM: positiveMetres }).strict().optional(),
    box: z.object({ widthM: positiveMetres, heightM: positiveMetres }).strict().optional(),
  })
  .strict()
  .transform((s, ctx): ScenarioMoverShape => {
    const which = exactlyOne(s, ['circle', 'box'], ctx);
    if (which === 'circle' && s.circle) return { circle: s.circle };
    if (which === 'box' && s.box) return { box: s.box };
    return z.NEVER;
  });

const moverSchema = z
  .object({
    id: idSchema,
    shape: moverShapeSchema,
    /** Waypoints `[x, y]`, world frame, metres; the mover starts on the first. */
    path: z.array(z.tuple([metres, metres])).min(2, 'a mover needs at least 2 waypoints'),
    /** Speed along the path, metres per second. */
    speedMps: z.number().finite().positive(),
    /** Sim time it sets off from the first waypoint, seconds (default 0). */
    startS: z.number().finite().min(0).default(0),
    /** What it does after the last waypoint (default `none`: it stays there). */
    loop: z.enum(MOVER_LOOPS).default('none'),
    /** With `repeat` or `back-and-forth`: the wait at the end of each pass before the next one, seconds (default 0). */
    startDelayS: z.number().finite().min(0).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    m.path.forEach(([xM, yM], i) => {
      const previous = m.path[i - 1];
      if (previous && previous[0] === xM && previous[1] === yM) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['path', i],
          message: `repeats waypoint ${i - 1}; consecutive waypoints must differ`,
        });
      }
    });
    if (m.startDelayS !== undefined && m.loop === 'none') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['startDelayS'],
        message: 'applies only with loop "repeat" or "back-and-forth"',
      });
    }
  });

/** One moving obstacle: a shape driven along waypoints at constant speed (see `world/moving-obstacles.ts`). */
export type ScenarioMover = z.output<typeof moverSchema>;

const gotoSchema = z
  .object({
    xM: metres,
    yM: metres,
    toleranceM: positiveMetres.default(DEFAULT_GOTO_TOLERANCE_M),
    /** Heading to turn to at the goal, degrees counter-clockwise from east (left out: any). */
    headingDeg: degrees.optional(),
  })
  .strict();
const pointSchema = z.tuple([metres, metres]);
const patrolSchema = z
  .object({
    /** The waypoints, [x, y] each, visited in order lap after lap. */
    waypoints: z.array(pointSchema).min(1),
    /** Laps to drive (0: forever). */
    laps: z.number().int().min(0).default(1),
    toleranceM: positiveMetres.default(DEFAULT_GOTO_TOLERANCE_M),
  })
  .strict();
const surveySchema = z
  .object({
    /** The area's corners, [x, y] each. */
    area: z.array(pointSchema).min(3),
    laneSpacingM: positiveMetres,
    toleranceM: positiveMetres.default(DEFAULT_GOTO_TOLERANCE_M),
  })
  .strict();
const returnToBaseSchema = z.object({ toleranceM: positiveMetres.default(DEFAULT_GOTO_TOLERANCE_M) }).strict();
const driveSchema = z
  .object({
    vMps: z.number().finite(),
    wRadps: z.number().finite().default(0),
    durationS: z.number().finite().positive(),
  })
  .strict();

/** What a robot is asked to do: reach a point, patrol, survey an area, return to its dock, or drive a scripted body motion. */
export type ScenarioMission =
  | { goto: z.output<typeof gotoSchema> }
  | { drive: z.output<typeof driveSchema> }
  | { patrol: z.output<typeof patrolSchema> }
  | { survey: z.output<typeof surveySchema> }
  | { returnToBase: z.output<typeof returnToBaseSchema> };

const MISSION_KEYS = ['goto', 'drive', 'patrol', 'survey', 'returnToBase'] as const;

const missionSchema = z
  .object({
    goto: gotoSchema.optional(),
    drive: driveSchema.optional(),
    patrol: patrolSchema.optional(),
    survey: surveySchema.optional(),
    returnToBase: returnToBaseSchema.optional(),
  })
  .strict()
  .transform((m, ctx): ScenarioMission => {
    const which = exactlyOne(m, MISSION_KEYS, ctx);
    if (which === 'goto' && m.goto) return { goto: m.goto };
    if (which === 'drive' && m.drive) return { drive: m.drive };
    if (which === 'patrol' && m.patrol) return { patrol: m.patrol };
    if (which === 'survey' && m.survey) return { survey: m.survey };
    if (which === 'returnToBase' && m.returnToBase) return { returnToBase: m.returnToBase };
    return z.NEVER;
  });

/** What a fault does to a device (see docs/simulator.md). */
export const FAULT_KINDS = [
  'unplug',
  'stuck',
  'garbage',
  'corrupt',
  'nack',
  'eio',
  'latency',
  'press',
  'sag',
  'jam',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const faultSchema = z
  .object({
    /** Id of the device in the robot's board config. */
    device: idSchema,
    kind: z.enum(FAULT_KINDS),
    /** `atS` (sim time it starts, seconds) or `when` (a condition), and `durationS` (left out: never clears). */
    ...faultTimingShape,
    /** corrupt: share of serial chunks with a flipped byte; nack/eio: share of I2C transactions that fail (0..1, default 1). */
    rate: z.number().min(0).max(1).default(1),
    /** garbage: random bytes per second injected into a serial stream (default 2000). */
    bytesPerS: z.number().positive().default(2_000),
    /** latency: extra delay of a serial stream, milliseconds (default 50). */
    latencyMs: z.number().positive().default(50),
    /** sag: how fast a battery monitor's battery voltage falls, volts per second (default 0.25). */
    voltsPerS: z.number().positive().default(0.25),
  })
  .strict()
  .superRefine(checkFaultTiming);

/** What an operator or the world does to the robot during a run (not a device fault). */
export const SCRIPT_ACTIONS = [
  'estop',
  'estop-reset',
  'cortex-stall',
  'mission',
  'mission-abort',
  'broker-stop',
  'broker-start',
] as const;
export type ScriptAction = (typeof SCRIPT_ACTIONS)[number];

const scriptStepSchema = z
  .object({
    /** Sim time of the action, seconds. */
    atS: z.number().finite().min(0),
    /**
     * estop / estop-reset: a POST to the robot's debug port; cortex-stall: the planner thread
     * blocks; mission: `POST /api/v1/missions` with `mission`, `id`, `priority`; mission-abort:
     * `DELETE /api/v1/missions/{id}`; broker-stop / broker-start: the fleet's embedded mesh broker
     * goes down (every robot's connection drops) and comes back on the same address (whichever
     * robot the step is under).
     */
    action: z.enum(SCRIPT_ACTIONS),
    /** cortex-stall: how long the planner thread stays blocked, seconds of sim time (default 5). */
    durationS: z.number().positive().default(5),
    /** mission: what to send (as a robot's `mission`). */
    mission: missionSchema.optional(),
    /** mission / mission-abort: the mission's id. */
    id: z.string().min(1).max(64).optional(),
    /** mission: its priority, 0..100 (default 50). */
    priority: z.number().int().min(0).max(100).optional(),
  })
  .strict()
  .superRefine((step, ctx) => {
    if (step.action === 'mission' && !step.mission) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['mission'], message: 'a mission step needs a mission' });
    }
    if (step.action === 'mission-abort' && !step.id) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['id'], message: 'a mission-abort step needs the id' });
    }
  });

export type ScenarioScriptStep = z.output<typeof scriptStepSchema>;

/** A fault on one of the robot's devices. */
export type ScenarioFault = z.output<typeof faultSchema>;

/**
 * One entry of a robot's `faults:`: on a device, on a target around it (`uplink`, `supervisor`,
 * `broker`, `mesh`: `faults/system-fault-schema.ts`), or on its runtime (`process`, `clock`,
 * `disk`: `faults/runtime-fault-schema.ts`).
 */
export type ScenarioFaultEntry = ScenarioFault | SystemFault | RuntimeFault;

/** Whether a `faults:` entry is on a target around the robot (its uplink, supervisor, broker or mesh). */
export function isSystemFault(fault: ScenarioFaultEntry): fault is SystemFault {
  return isSystemFaultTarget(fault.device);
}

/** Whether a `faults:` entry is on a board device. */
export function isDeviceFault(fault: ScenarioFaultEntry): fault is ScenarioFault {
  return !isSystemFault(fault) && !isRuntimeFault(fault);
}

/** A `faults:` entry, read by its target's schema when `device` names one, as a device fault otherwise. */
const faultEntrySchema = z.unknown().transform((value, ctx): ScenarioFaultEntry => {
  const device = typeof value === 'object' && value !== null ? (value as { device?: unknown }).device : undefined;
  const schema = isSystemFaultTarget(device)
    ? SYSTEM_FAULT_SCHEMAS[device]
    : namesRuntimeFault(value)
      ? runtimeFaultSchema
      : faultSchema;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue(issue as z.IssueData);
  return z.NEVER;
});

/**
 * A robot's board: the name of a shipped board config (`board-configs/<name>.yaml`), or the path
 * of a board file (it has a `/` or ends in `.yaml` / `.yml`), relative to the scenario file.
 */
const boardRefSchema = z.union([
  idSchema,
  z
    .string()
    .min(1)
    .refine((ref) => ref.includes('/') || /\.ya?ml$/.test(ref), {
      message: 'must be a board name (lower-case letters, digits and dashes) or the path of a board file (.yaml)',
    }),
]);

/** Whether a scenario's `board` names a file rather than a shipped board config. */
export function isBoardPath(ref: string): boolean {
  return ref.includes('/') || /\.ya?ml$/.test(ref);
}

const robotSchema = z
  .object({
    id: idSchema,
    board: boardRefSchema.default(DEFAULT_SCENARIO_BOARD),
    start: z.object({ xM: metres, yM: metres, yawDeg: degrees.default(0) }).strict(),
    mission: missionSchema,
    /** Faults thrown on this robot's devices, its uplink, supervisor, broker and mesh, and its runtime (process, clock, disk), during the run. */
    faults: z.array(faultEntrySchema).default([]),
    /** Operator actions and thread stalls during the run, in time order. */
    script: z.array(scriptStepSchema).default([]),
    /** A prior map in ROS map_server format for this robot: the map.yaml's path, relative to the scenario file. */
    map: z.string().min(1).optional(),
    /** How far the robot's motors, wheels, encoders, gyro and lidar are from ideal (modest defaults). */
    imperfections: imperfectionsSchema.default({}),
    /** The robot's battery pack (a large full pack by default, see `scenario-battery.ts`). */
    battery: batterySpecSchema.default({}),
    /** Parameter overrides for this robot's runtime, by name (docs/configuration.md), over its board's. */
    params: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).default({}),
    /** Where the robot's dock is (a return to base goes there); left out: none. */
    dock: z.object({ xM: metres, yM: metres }).strict().optional(),
    /** The area the robot must stay in (its reflex's geofence), world frame. */
    geofence: z
      .array(z.tuple([z.number().finite(), z.number().finite()]))
      .min(3)
      .optional(),
    /**
     * An area whose coverage by the robot's footprint the report measures (`coveragePct`): a simple
     * polygon of corners `[x, y]`, world frame, metres.
     */
    coverageArea: polygonSchema.optional(),
  })
  .strict();

const worldSchema = z
  .object({
    walls: z.array(wallSchema).min(1, 'a world needs at least one wall'),
    obstacles: z.array(obstacleSchema).default([]),
    /** Obstacles that move along waypoints: people, carts, doors. */
    movers: z.array(moverSchema).default([]),
  })
  .strict();

/** The schema of a scenario file. */
export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    /** Run length when `--duration` is not given, seconds. */
    durationS: z.number().finite().positive().default(DEFAULT_SCENARIO_DURATION_S),
    /**
     * End the run this many seconds after the last robot's true pose reached its goal (every robot
     * with a `goto` mission; the others are not waited for), instead of at `durationS`: a fleet
     * scenario need not idle on once everyone is there. Absent: the run lasts `durationS`.
     */
    endAfterGoalsS: z.number().finite().min(0).optional(),
    /** Seed of the world's noise. */
    seed: z.number().int().default(DEFAULT_SCENARIO_SEED),
    world: worldSchema,
    robots: z.array(robotSchema).min(1, 'a scenario needs at least one robot'),
  })
  .strict();

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioWorld = Scenario['world'];
export type ScenarioRobot = Scenario['robots'][number];

/** A wall `[x1, y1, x2, y2]` as a segment. */
export function wallSegment(wall: readonly [number, number, number, number]): Segment {
  return { a: { xM: wall[0], yM: wall[1] }, b: { xM: wall[2], yM: wall[3] } };
}

/** An obstacle's outline: boxes and polygons become polygons, circles stay exact circles. */
export function obstacleShape(obstacle: ScenarioObstacle): Shape {
  if ('box' in obstacle) {
    const { xM, yM, widthM, heightM, yawDeg } = obstacle.box;
    return { kind: 'polygon', points: rectanglePolygon({ xM, yM }, widthM, heightM, (yawDeg * Math.PI) / 180) };
  }
  if ('circle' in obstacle) return { kind: 'circle', circle: obstacle.circle };
  return { kind: 'polygon', points: obstacle.polygon.map(([xM, yM]) => ({ xM, yM })) };
}

/** A mover's outline when its centre is at `pose` (a box turned to `pose.yawRad`). */
export function moverOutline(shape: ScenarioMoverShape, pose: Pose2D): Shape {
  if ('circle' in shape) return { kind: 'circle', circle: { xM: pose.xM, yM: pose.yM, radiusM: shape.circle.radiusM } };
  return { kind: 'polygon', points: rectanglePolygon(pose, shape.box.widthM, shape.box.heightM, pose.yawRad) };
}

/** Where a mover stands before it sets off: on its first waypoint, facing the second. */
export function moverStartPose(mover: ScenarioMover): Pose2D {
  const [a, b] = mover.path;
  if (!a || !b) throw new RangeError(`moverStartPose(): mover "${mover.id}" needs at least 2 waypoints`);
  return { xM: a[0], yM: a[1], yawRad: Math.atan2(b[1] - a[1], b[0] - a[0]) };
}

/** The smallest axis-aligned box holding every wall and obstacle, metres. */
export function worldBounds(world: ScenarioWorld): Bounds {
  const points = world.walls.flatMap((w) => {
    const s = wallSegment(w);
    return [s.a, s.b];
  });
  const circles: Circle[] = [];
  for (const shape of world.obstacles.map(obstacleShape)) {
    if (shape.kind === 'circle') circles.push(shape.circle);
    else points.push(...shape.points);
  }
  const box = boundsOf(points, circles);
  if (!box) throw new RangeError('worldBounds(): a world needs at least one wall');
  return box;
}

/** A robot's start pose in the world frame (yaw in radians). */
export function scenarioStartPose(robot: ScenarioRobot): Pose2D {
  return { xM: robot.start.xM, yM: robot.start.yM, yawRad: (robot.start.yawDeg * Math.PI) / 180 };
}

/** The mission message for a scenario robot's `mission` entry. */
export function scenarioMissionOf(robot: ScenarioRobot): Mission {
  return missionOfScenario(robot.mission);
}

const points = (list: ReadonlyArray<readonly [number, number]>): Point2D[] => list.map(([xM, yM]) => ({ xM, yM }));

/** The mission message for a scenario's mission (a robot's `mission`, a script step's). */
export function missionOfScenario(m: ScenarioMission): Mission {
  if ('goto' in m) {
    const mission: Mission = { kind: 'goto', goal: { xM: m.goto.xM, yM: m.goto.yM }, toleranceM: m.goto.toleranceM };
    if (m.goto.headingDeg !== undefined) mission.headingRad = (m.goto.headingDeg * Math.PI) / 180;
    return mission;
  }
  if ('patrol' in m) {
    return {
      kind: 'patrol',
      waypoints: points(m.patrol.waypoints),
      laps: m.patrol.laps,
      toleranceM: m.patrol.toleranceM,
    };
  }
  if ('survey' in m) {
    return {
      kind: 'survey',
      area: points(m.survey.area),
      laneSpacingM: m.survey.laneSpacingM,
      toleranceM: m.survey.toleranceM,
    };
  }
  if ('returnToBase' in m) return { kind: 'return-to-base', toleranceM: m.returnToBase.toleranceM };
  return { kind: 'drive', vMps: m.drive.vMps, wRadps: m.drive.wRadps, durationS: m.drive.durationS };
}

/**
 * The area whose coverage the simulator measures for a robot: its `coverageArea`; null when it
 * has none. (A survey mission's own polygon is to stand in when the robot names no area.)
 */
export function scenarioCoverageArea(robot: ScenarioRobot): Polygon | null {
  const area = robot.coverageArea ?? ('survey' in robot.mission ? robot.mission.survey.area : null);
  return area ? area.map(([xM, yM]) => ({ xM, yM })) : null;
}

/** Checks what the schema alone cannot: unique ids, starts clear of obstacles, goals inside the world, coverage areas simple. */
function crossCheck(scenario: Scenario, file: string): void {
  const bounds = worldBounds(scenario.world);
  const shapes = scenario.world.obstacles.map(obstacleShape);
  const where = (...path: Array<string | number>): string => formatFieldPath(path);
  const moverIds = new Set<string>();
  scenario.world.movers.forEach((mover, i) => {
    if (moverIds.has(mover.id)) {
      throw new ConfigError(file, where('world', 'movers', i, 'id'), `duplicate mover id "${mover.id}"`);
    }
    moverIds.add(mover.id);
    mover.path.forEach(([xM, yM], j) => {
      if (!pointInBounds({ xM, yM }, bounds)) {
        throw new ConfigError(
          file,
          where('world', 'movers', i, 'path', j),
          `waypoint (${xM}, ${yM}) is outside the world (x ${bounds.minXM}..${bounds.maxXM}, y ${bounds.minYM}..${bounds.maxYM})`,
        );
      }
    });
  });
  const moverStarts = scenario.world.movers.map((m) => moverOutline(m.shape, moverStartPose(m)));
  const seen = new Set<string>();
  scenario.robots.forEach((robot, i) => {
    if (seen.has(robot.id)) throw new ConfigError(file, where('robots', i, 'id'), `duplicate robot id "${robot.id}"`);
    seen.add(robot.id);
    const start = robot.start;
    if (!pointInBounds(start, bounds)) {
      throw new ConfigError(file, where('robots', i, 'start'), `(${start.xM}, ${start.yM}) is outside the world`);
    }
    const hit = shapes.findIndex((shape) => pointInShape(start, shape));
    if (hit >= 0) {
      throw new ConfigError(
        file,
        where('robots', i, 'start'),
        `(${start.xM}, ${start.yM}) is inside world.obstacles[${hit}]`,
      );
    }
    const mover = moverStarts.findIndex((shape) => pointInShape(start, shape));
    if (mover >= 0) {
      throw new ConfigError(
        file,
        where('robots', i, 'start'),
        `(${start.xM}, ${start.yM}) is inside world.movers[${mover}] where it stands before setting off`,
      );
    }
    const area = scenarioCoverageArea(robot);
    if (area) {
      const crossing = crossingEdges(area);
      if (crossing) {
        throw new ConfigError(
          file,
          where('robots', i, 'coverageArea'),
          `edges ${crossing[0]} and ${crossing[1]} meet: the area's boundary must not cross or touch itself`,
        );
      }
      if (polygonArea(area) === 0) {
        throw new ConfigError(file, where('robots', i, 'coverageArea'), 'has zero area (its corners lie on one line)');
      }
    }
    if ('goto' in robot.mission && !pointInBounds(robot.mission.goto, bounds)) {
      const { xM, yM } = robot.mission.goto;
      throw new ConfigError(
        file,
        where('robots', i, 'mission', 'goto'),
        `goal (${xM}, ${yM}) is outside the world (x ${bounds.minXM}..${bounds.maxXM}, y ${bounds.minYM}..${bounds.maxYM})`,
      );
    }
  });
}

/** Validates parsed YAML as a scenario; every problem is a ConfigError naming `file` and the field. */
export function validateScenario(value: unknown, file: string): Scenario {
  const scenario = validateConfig(scenarioSchema, value, file);
  crossCheck(scenario, file);
  log('%s: scenario "%s", %d robot(s)', file, scenario.name, scenario.robots.length);
  return scenario;
}

/** Parses scenario YAML text; `file` names it in errors. Throws ConfigError. */
export function parseScenarioText(text: string, file: string): Scenario {
  return validateScenario(parseYamlText(text, file), file);
}

/** Reads and validates a scenario file. Throws ConfigError (missing file, bad YAML, bad field). */
export function loadScenarioFile(path: string): Scenario {
  return validateScenario(readYamlFile(path), path);
}
