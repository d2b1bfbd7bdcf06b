import type { Point2D } from './geometry.js';
import { MAX_MISSION_PRIORITY, MISSION_KINDS, type Mission, type MissionOrder } from './mission.js';

/**
 * Whether a mission is well formed, whoever sent it (the debug port's JSON, the uplink's protobuf,
 * a scenario): every number finite and in range, enough waypoints, bounded sizes. What the robot's
 * world makes impossible (a goal in a wall, outside the geofence) is judged by the cortex later.
 */

/** Farthest a mission's point may lie from the origin, metres (beyond: an absurd mission, not a site). */
export const MAX_MISSION_COORDINATE_M = 10_000;
/** Most waypoints of a patrol, and most corners of a survey area. */
export const MAX_MISSION_POINTS = 1_000;
/** Most laps a patrol may ask for (0 is forever). */
export const MAX_PATROL_LAPS = 1_000_000;
/** Longest a drive mission may last, seconds. */
export const MAX_DRIVE_DURATION_S = 3_600;
/** Longest mission id, characters. */
export const MAX_MISSION_ID_CHARS = 64;
/** What a mission id may be made of. */
const MISSION_ID = /^[A-Za-z0-9._:-]+$/;

/** The outcome of reading a mission from outside: the value, or the field at fault and why. */
export type MissionReading<T> = { ok: true; value: T } | { ok: false; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Thrown inside this module on the first bad field, caught by the readers below. */
class ShapeError extends Error {}

function fail(field: string, problem: string): never {
  throw new ShapeError(`${field}: ${problem}`);
}

function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, 'must be a finite number');
  return value;
}

function positive(value: unknown, field: string): number {
  if (finite(value, field) <= 0) fail(field, `must be > 0, got ${String(value)}`);
  return value as number;
}

function coordinate(value: unknown, field: string): number {
  const v = finite(value, field);
  if (Math.abs(v) > MAX_MISSION_COORDINATE_M) fail(field, `must be within ±${MAX_MISSION_COORDINATE_M} m, got ${v}`);
  return v;
}

function point(value: unknown, field: string): Point2D {
  if (!isRecord(value)) fail(field, 'must be a point {"xM": number, "yM": number}');
  return { xM: coordinate(value.xM, `${field}.xM`), yM: coordinate(value.yM, `${field}.yM`) };
}

function points(value: unknown, field: string, least: number): Point2D[] {
  if (!Array.isArray(value)) fail(field, 'must be a list of points');
  if (value.length < least) fail(field, `needs at least ${least} point(s), got ${value.length}`);
  if (value.length > MAX_MISSION_POINTS) fail(field, `has ${value.length} points, at most ${MAX_MISSION_POINTS}`);
  return value.map((p, i) => point(p, `${field}[${i}]`));
}

/** Tolerance of a mission that gives none, metres. */
export const DEFAULT_MISSION_TOLERANCE_M = 0.2;

function tolerance(value: unknown, field: string): number {
  const v = value === undefined ? DEFAULT_MISSION_TOLERANCE_M : positive(value, field);
  if (v > 10) fail(field, `must be at most 10 m, got ${v}`);
  return v;
}

/** `value` as a mission, checked field by field; throws {@link ShapeError} naming the first bad one. */
function readMission(value: unknown, field: string): Mission {
  if (!isRecord(value)) fail(field, `must be an object with "kind" (one of ${MISSION_KINDS.join(', ')})`);
  const at = (name: string): string => `${field}.${name}`;
  switch (value.kind) {
    case 'goto': {
      const mission: Mission = {
        kind: 'goto',
        goal: point(value.goal, at('goal')),
        toleranceM: tolerance(value.toleranceM, at('toleranceM')),
      };
      if (value.headingRad !== undefined && value.headingRad !== null) {
        mission.headingRad = finite(value.headingRad, at('headingRad'));
      }
      return mission;
    }
    case 'drive': {
      const durationS = positive(value.durationS, at('durationS'));
      if (durationS > MAX_DRIVE_DURATION_S) fail(at('durationS'), `must be at most ${MAX_DRIVE_DURATION_S} s`);
      return {
        kind: 'drive',
        vMps: finite(value.vMps, at('vMps')),
        wRadps: finite(value.wRadps, at('wRadps')),
        durationS,
      };
    }
    case 'patrol': {
      const laps = finite(value.laps, at('laps'));
      if (!Number.isInteger(laps) || laps < 0 || laps > MAX_PATROL_LAPS) {
        fail(at('laps'), `must be a whole number 0..${MAX_PATROL_LAPS} (0: forever), got ${laps}`);
      }
      return {
        kind: 'patrol',
        waypoints: points(value.waypoints, at('waypoints'), 1),
        laps,
        toleranceM: tolerance(value.toleranceM, at('toleranceM')),
      };
    }
    case 'survey':
      return {
        kind: 'survey',
        area: points(value.area, at('area'), 3),
        laneSpacingM: positive(value.laneSpacingM, at('laneSpacingM')),
        toleranceM: tolerance(value.toleranceM, at('toleranceM')),
      };
    case 'return-to-base':
      return { kind: 'return-to-base', toleranceM: tolerance(value.toleranceM, at('toleranceM')) };
    default:
      return fail(
        at('kind'),
        `must be one of ${MISSION_KINDS.join(', ')}, got ${JSON.stringify(value.kind) ?? 'nothing'}`,
      );
  }
}

function reading<T>(read: () => T): MissionReading<T> {
  try {
    return { ok: true, value: read() };
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, reason: error.message };
    throw error;
  }
}

/**
 * Checks an in-process mission (one made from the wire or a scenario): null when well formed,
 * else why not, as `<field>.<name>: <problem>` with `field` in front of the bad field's name.
 */
export function missionShapeProblem(mission: Mission, field = 'mission'): string | null {
  const read = reading(() => readMission(mission, field));
  return read.ok ? null : read.reason;
}

/** A mission from JSON (its in-process shape, as `GET /api/v1/missions` shows missions). */
export function readMissionJson(value: unknown, field = 'mission'): MissionReading<Mission> {
  return reading(() => readMission(value, field));
}

/** A mission id: letters, digits and `._:-`, at most {@link MAX_MISSION_ID_CHARS}. */
export function missionIdProblem(id: string): string | null {
  if (id.length === 0 || id.length > MAX_MISSION_ID_CHARS || !MISSION_ID.test(id)) {
    return `must be 1..${MAX_MISSION_ID_CHARS} letters, digits or ._:- characters`;
  }
  return null;
}

/**
 * A mission order from JSON, as `POST /api/v1/missions` takes it: `{"id"?, "priority"?, "mission"}`.
 * `newId` gives an id when the sender gave none; the priority defaults to `defaultPriority`.
 */
export function readMissionOrderJson(
  value: unknown,
  source: MissionOrder['source'],
  newId: () => string,
  defaultPriority: number,
): MissionReading<MissionOrder> {
  return reading(() => {
    if (!isRecord(value)) fail('body', 'must be an object {"id"?: string, "priority"?: number, "mission": {...}}');
    for (const key of Object.keys(value)) {
      if (key !== 'id' && key !== 'priority' && key !== 'mission') fail(key, 'is not a field of a mission order');
    }
    let id = newId();
    if (value.id !== undefined) {
      if (typeof value.id !== 'string') fail('id', 'must be a string');
      const problem = missionIdProblem(value.id);
      if (problem) fail('id', problem);
      id = value.id;
    }
    let priority = defaultPriority;
    if (value.priority !== undefined) {
      priority = finite(value.priority, 'priority');
      if (!Number.isInteger(priority) || priority < 0 || priority > MAX_MISSION_PRIORITY) {
        fail('priority', `must be a whole number 0..${MAX_MISSION_PRIORITY}, got ${priority}`);
      }
    }
    return { id, priority, source, mission: readMission(value.mission, 'mission') };
  });
}
