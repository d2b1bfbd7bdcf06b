import type { Pose2D } from '../../messages/geometry.js';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import { saveMapFile, writeFileInPlace } from '../map-format/map-files.js';
import { KEPT_POSE_FORMAT, keptPosePath, mapIdentity, type KeptPoseRecord } from './kept-place.js';

/** The pose is written at most this often while the robot moves, microseconds. */
export const KEEP_POSE_PERIOD_US = 2_000_000;
/** A changed map is written at most this often, microseconds (a 40 m map at 5 cm is 640 kB). */
export const KEEP_MAP_PERIOD_US = 30_000_000;
/** Motion below these is not worth a write: metres, radians. */
const POSE_STILL_M = 0.01;
const POSE_STILL_RAD = 0.005;

/** The map as the keeper reads it: its version, and the message to save when it changed. */
export interface KeptGrid {
  readonly version: number;
  toMessage(): OccupancyGridMessage;
}

/** Where the keeper writes; the file system unless a test says otherwise. */
export interface KeeperFiles {
  writeFile(path: string, data: string): void;
  saveMap(yamlPath: string, grid: OccupancyGridMessage): void;
}

const fileSystem: KeeperFiles = {
  writeFile: writeFileInPlace,
  saveMap: (yamlPath, grid) => void saveMapFile(yamlPath, grid, 'raw'),
};

/**
 * Keeps the robot's place across restarts (see `kept-place.ts` for the files): the pose every
 * {@link KEEP_POSE_PERIOD_US} while it moves, the map it builds every {@link KEEP_MAP_PERIOD_US}
 * when it changed, both at {@link flush} (shutdown). Each file is replaced whole, so a kill at any
 * moment leaves the last complete one. A failed write is reported once per distinct reason and
 * retried at the next period (the robot keeps working without its memory); the first write that
 * succeeds after it is reported as the recovery (`null`).
 */
export class PlaceKeeper {
  private readonly mapTag: string;
  private poseWritten: Pose2D | null = null;
  private poseWrittenUs = -Infinity;
  private mapVersionWritten: number;
  private mapWrittenUs = -Infinity;
  private lastProblem = '';
  /** Writes that failed so far. */
  failures = 0;

  constructor(
    private readonly mapPath: string,
    /** The prior map the robot runs on (only the pose is kept then), or null: the built map is kept too. */
    prior: OccupancyGridMessage | null,
    private readonly report: (problem: string | null) => void,
    private readonly files: KeeperFiles = fileSystem,
  ) {
    this.mapTag = prior ? mapIdentity(prior) : 'built';
    this.mapVersionWritten = prior ? Infinity : -1;
  }

  /** The robot's world pose now: written when it moved and the period has passed. */
  notePose(pose: Pose2D, nowUs: number, grid: KeptGrid): void {
    if (nowUs - this.mapWrittenUs >= KEEP_MAP_PERIOD_US && this.mapChanged(grid)) this.writeMap(grid, pose, nowUs);
    else if (nowUs - this.poseWrittenUs >= KEEP_POSE_PERIOD_US && this.moved(pose)) this.writePose(pose, nowUs);
  }

  /** Writes what changed since the last writes, whatever the periods (the runtime is stopping). */
  flush(pose: Pose2D | null, grid: KeptGrid, nowUs: number): void {
    if (this.mapChanged(grid)) this.writeMap(grid, pose, nowUs);
    else if (pose && this.moved(pose)) this.writePose(pose, nowUs);
  }

  private mapChanged(grid: KeptGrid): boolean {
    return this.mapTag === 'built' && grid.version !== this.mapVersionWritten;
  }

  private moved(pose: Pose2D): boolean {
    const last = this.poseWritten;
    if (!last) return true;
    const turn = Math.abs(Math.atan2(Math.sin(pose.yawRad - last.yawRad), Math.cos(pose.yawRad - last.yawRad)));
    return Math.hypot(pose.xM - last.xM, pose.yM - last.yM) >= POSE_STILL_M || turn >= POSE_STILL_RAD;
  }

  /** Writes the map, then the pose file beside it (it names the map version it goes with). */
  private writeMap(grid: KeptGrid, pose: Pose2D | null, nowUs: number): void {
    this.mapWrittenUs = nowUs;
    const version = grid.version;
    if (this.attempt(() => this.files.saveMap(this.mapPath, grid.toMessage()))) {
      this.mapVersionWritten = version;
      const latest = pose ?? this.poseWritten;
      if (latest) this.writePose(latest, nowUs);
    }
  }

  private writePose(pose: Pose2D, nowUs: number): void {
    this.poseWrittenUs = nowUs;
    const record: KeptPoseRecord = {
      format: KEPT_POSE_FORMAT,
      map: this.mapTag,
      mapVersion: this.mapTag === 'built' ? this.mapVersionWritten : -1,
      pose: { xM: pose.xM, yM: pose.yM, yawRad: pose.yawRad },
      savedAtIso: new Date().toISOString(),
    };
    if (this.attempt(() => this.files.writeFile(keptPosePath(this.mapPath), `${JSON.stringify(record)}\n`))) {
      this.poseWritten = record.pose;
    }
  }

  private attempt(write: () => void): boolean {
    try {
      write();
      if (this.lastProblem !== '') this.report(null);
      this.lastProblem = '';
      return true;
    } catch (error) {
      this.failures++;
      const problem = `cannot keep the robot's place at ${this.mapPath}: ${(error as Error).message}`;
      if (problem !== this.lastProblem) this.report(problem);
      this.lastProblem = problem;
      return false;
    }
  }
}
