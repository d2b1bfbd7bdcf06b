import { isPose2D, type Pose2D } from './geometry.js';

/**
 * An occupancy grid as it crosses threads and files: ROS `nav_msgs/OccupancyGrid` conventions.
 * Row-major from the cell at `origin` (its lower-left corner), x along a row, y across rows; each
 * cell -1 (unknown) or 0..100 (percent occupied). `version` grows with every change, so a reader
 * can tell whether it has the latest.
 */
export interface OccupancyGridMessage {
  /** Edge of a cell, metres. */
  resolutionM: number;
  widthCells: number;
  heightCells: number;
  /** World pose of the lower-left corner of cell (0, 0); its yaw turns the whole grid. */
  origin: Pose2D;
  /** widthCells × heightCells values, -1 unknown, 0 free .. 100 occupied. */
  cells: Int8Array;
  version: number;
}

/** Unknown cell value (ROS). */
export const CELL_UNKNOWN = -1;

/** True when `value` is a well-formed {@link OccupancyGridMessage} (for messages from another thread). */
export function isOccupancyGridMessage(value: unknown): value is OccupancyGridMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const w = v.widthCells;
  const h = v.heightCells;
  return (
    typeof v.resolutionM === 'number' &&
    v.resolutionM > 0 &&
    Number.isInteger(w) &&
    Number.isInteger(h) &&
    (w as number) > 0 &&
    (h as number) > 0 &&
    isPose2D(v.origin) &&
    v.cells instanceof Int8Array &&
    v.cells.length === (w as number) * (h as number) &&
    typeof v.version === 'number'
  );
}
