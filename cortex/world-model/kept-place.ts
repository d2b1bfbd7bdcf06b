import { readFileSync } from 'node:fs';
import { isPose2D, type Pose2D } from '../../messages/geometry.js';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import { loadMapFile } from '../map-format/map-files.js';

/**
 * Where the robot was and what it had mapped, as `spinal run` keeps them across restarts: the map
 * the robot built (a ROS map_server map at the kept map's path, `raw` mode, so occupancy
 * percentages survive) and its last world pose in a small JSON file beside it
 * (`<name>.pose.json`). With a prior map only the pose is kept, tagged with the prior's identity,
 * so a pose is never restored onto a different map.
 */
export interface KeptPlace {
  /** The map the robot built before, or null: it starts on its prior map (or an empty one). */
  map: OccupancyGridMessage | null;
  /** Where the robot was when it stopped, in the map's frame. */
  pose: Pose2D;
}

/** The pose file's format tag: a file with another is not ours. */
export const KEPT_POSE_FORMAT = 'spinal-kept-pose/1';

/** The pose file's content. */
export interface KeptPoseRecord {
  format: typeof KEPT_POSE_FORMAT;
  /** `built`: the map at the kept map's path; otherwise the {@link mapIdentity} of the prior map. */
  map: string;
  /** The kept map's version when the pose was written (`built` only; -1 otherwise). */
  mapVersion: number;
  pose: Pose2D;
  savedAtIso: string;
}

/** The pose file that goes with the kept map at `mapPath` (`spinal-map.yaml` → `spinal-map.pose.json`). */
export function keptPosePath(mapPath: string): string {
  return `${mapPath.replace(/\.ya?ml$/, '')}.pose.json`;
}

/** A short fingerprint of a map's geometry and cells (FNV-1a, 32 bits), naming a prior map in the pose file. */
export function mapIdentity(grid: OccupancyGridMessage): string {
  let hash = 0x811c9dc5;
  const mix = (byte: number): void => {
    hash ^= byte & 0xff;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  };
  const header = `${grid.resolutionM}|${grid.widthCells}|${grid.heightCells}|${grid.origin.xM}|${grid.origin.yM}|${grid.origin.yawRad}`;
  for (let i = 0; i < header.length; i++) mix(header.charCodeAt(i));
  for (let i = 0; i < grid.cells.length; i++) mix(grid.cells[i] as number);
  return `prior-${hash.toString(16).padStart(8, '0')}`;
}

/** True when `value` is a well-formed {@link KeptPoseRecord}. */
export function isKeptPoseRecord(value: unknown): value is KeptPoseRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.format === KEPT_POSE_FORMAT &&
    typeof v.map === 'string' &&
    typeof v.mapVersion === 'number' &&
    isPose2D(v.pose) &&
    Number.isFinite(v.pose.xM) &&
    Number.isFinite(v.pose.yM) &&
    Number.isFinite(v.pose.yawRad) &&
    typeof v.savedAtIso === 'string'
  );
}

/** What {@link readKeptPlace} found: the place (or null: start afresh) and, when something was set aside, why. */
export interface KeptPlaceReading {
  place: KeptPlace | null;
  note: string | null;
}

/**
 * Reads what a previous run kept at `mapPath`, for a robot starting on `prior` (null: no prior
 * map). Nothing kept is a fresh start without a note; a kept state that is unreadable, or that
 * belongs to another map, is a fresh start with a note saying why (never a failure to start).
 */
export function readKeptPlace(
  mapPath: string,
  prior: OccupancyGridMessage | null,
  read: (path: string) => Uint8Array = readFileSync,
): KeptPlaceReading {
  const posePath = keptPosePath(mapPath);
  let text: string;
  try {
    text = Buffer.from(read(posePath)).toString('utf8');
  } catch {
    return { place: null, note: null };
  }
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    record = null;
  }
  if (!isKeptPoseRecord(record)) return { place: null, note: `${posePath} is not a kept pose; starting afresh` };
  if (record.map !== 'built') {
    if (prior && record.map === mapIdentity(prior)) return { place: { map: null, pose: record.pose }, note: null };
    return { place: null, note: `${posePath} belongs to another map than the one given now; starting at the origin` };
  }
  if (prior) return { place: null, note: `a prior map is given: the map kept at ${mapPath} is not used` };
  try {
    return { place: { map: loadMapFile(mapPath, read), pose: record.pose }, note: null };
  } catch (error) {
    return {
      place: null,
      note: `the map kept at ${mapPath} cannot be read (${(error as Error).message}); starting afresh`,
    };
  }
}
