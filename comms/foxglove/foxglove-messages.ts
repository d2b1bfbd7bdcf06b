import type { Point2D, Pose2D } from '../../messages/geometry.js';
import type { LidarPoints } from '../../messages/lidar-points.js';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import type { RuntimeStatus, SweptAreaStatus } from '../../messages/runtime-status.js';
import { describeEvent, type BlackBoxEntry, type RuntimeEvent } from '../../messages/runtime-event.js';
import { ROBOT_FRAME, WORLD_FRAME } from './foxglove-channels.js';

/**
 * Spinal's messages in the standard Foxglove schemas (`@foxglove/schemas`, JSON encoding): pure
 * functions, one per topic. Times are the robot's clock (sim time under the simulator).
 */

export interface FoxgloveTime {
  sec: number;
  nsec: number;
}

/** A robot-clock time in microseconds as a Foxglove time (negative times clamp to 0). */
export function foxgloveTime(us: number): FoxgloveTime {
  const clamped = Math.max(0, Math.round(us));
  return { sec: Math.floor(clamped / 1e6), nsec: (clamped % 1e6) * 1000 };
}

/** Nanoseconds of a robot-clock time (the log time of a message). */
export function nanosOf(us: number): bigint {
  return BigInt(Math.max(0, Math.round(us))) * 1000n;
}

function quaternionOfYaw(yawRad: number): { x: number; y: number; z: number; w: number } {
  return { x: 0, y: 0, z: Math.sin(yawRad / 2), w: Math.cos(yawRad / 2) };
}

function pose3(pose: Pose2D): {
  position: { x: number; y: number; z: number };
  orientation: ReturnType<typeof quaternionOfYaw>;
} {
  return { position: { x: pose.xM, y: pose.yM, z: 0 }, orientation: quaternionOfYaw(pose.yawRad) };
}

/** Beams of a revolution when the lidar does not say its step: one a degree. */
const DEFAULT_BEAM_STEP_RAD = Math.PI / 180;

/**
 * A whole revolution as a `foxglove.LaserScan` in the robot frame: the points binned by bearing
 * around the sensor's origin into equal steps over the full turn (the lidar's beam step), the
 * nearest return of each step kept; a step with no return has range 0 (drawn at the origin).
 */
export function laserScanMessage(scan: LidarPoints): object {
  const step = scan.beamStepRad !== undefined && scan.beamStepRad > 0 ? scan.beamStepRad : DEFAULT_BEAM_STEP_RAD;
  const bins = Math.max(1, Math.min(7200, Math.round((2 * Math.PI) / step)));
  const binStep = (2 * Math.PI) / bins;
  const ox = scan.originXM ?? 0;
  const oy = scan.originYM ?? 0;
  const ranges = new Array<number>(bins).fill(0);
  const intensities = new Array<number>(bins).fill(0);
  for (let i = 0; i < scan.count; i++) {
    const dx = (scan.xM[i] as number) - ox;
    const dy = (scan.yM[i] as number) - oy;
    const range = Math.hypot(dx, dy);
    if (!Number.isFinite(range)) continue;
    let bearing = Math.atan2(dy, dx);
    if (bearing < 0) bearing += 2 * Math.PI;
    const bin = Math.min(bins - 1, Math.round(bearing / binStep) % bins);
    if (ranges[bin] === 0 || range < (ranges[bin] as number)) {
      ranges[bin] = Math.round(range * 1000) / 1000;
      intensities[bin] = scan.intensity[i] as number;
    }
  }
  return {
    timestamp: foxgloveTime(scan.stampUs),
    frame_id: ROBOT_FRAME,
    pose: pose3({ xM: ox, yM: oy, yawRad: 0 }),
    start_angle: 0,
    end_angle: (bins - 1) * binStep,
    ranges,
    intensities,
  };
}

/** The robot's pose estimate as a `foxglove.PoseInFrame` in the world frame. */
export function poseMessage(pose: Pose2D, stampUs: number): object {
  return { timestamp: foxgloveTime(stampUs), frame_id: WORLD_FRAME, pose: pose3(pose) };
}

/** The world-to-robot transform (`foxglove.FrameTransform`), so the scan and footprint land on the map. */
export function transformMessage(pose: Pose2D, stampUs: number): object {
  const p = pose3(pose);
  return {
    timestamp: foxgloveTime(stampUs),
    parent_frame_id: WORLD_FRAME,
    child_frame_id: ROBOT_FRAME,
    translation: p.position,
    rotation: p.orientation,
  };
}

/** `foxglove.NumericType` INT8. */
const INT8 = 2;

/** The occupancy grid as a `foxglove.Grid` (one int8 field `occupancy`, -1 unknown, 0..100), its bytes base64 (JSON). */
export function gridMessage(map: OccupancyGridMessage, stampUs: number): object {
  return {
    timestamp: foxgloveTime(stampUs),
    frame_id: WORLD_FRAME,
    pose: pose3(map.origin),
    column_count: map.widthCells,
    cell_size: { x: map.resolutionM, y: map.resolutionM },
    row_stride: map.widthCells,
    cell_stride: 1,
    fields: [{ name: 'occupancy', offset: 0, type: INT8 }],
    data: Buffer.from(map.cells.buffer, map.cells.byteOffset, map.cells.byteLength).toString('base64'),
  };
}

/** The planned path as a `foxglove.PosesInFrame` (each pose facing the next point). */
export function pathMessage(path: readonly Point2D[], stampUs: number): object {
  const poses = path.map((point, i) => {
    const next = path[i + 1] ?? point;
    const prev = path[i - 1] ?? point;
    const [from, to] = i + 1 < path.length ? [point, next] : [prev, point];
    return pose3({ xM: point.xM, yM: point.yM, yawRad: Math.atan2(to.yM - from.yM, to.xM - from.xM) });
  });
  return { timestamp: foxgloveTime(stampUs), frame_id: WORLD_FRAME, poses };
}

/** The robot's footprint (a rectangle centred on the robot) as a `foxglove.SceneUpdate` line loop in the robot frame. */
export function footprintMessage(footprint: { lengthM: number; widthM: number }, stampUs: number): object {
  const hx = footprint.lengthM / 2;
  const hy = footprint.widthM / 2;
  const corners = [
    [hx, hy],
    [-hx, hy],
    [-hx, -hy],
    [hx, -hy],
    [hx, hy],
  ].map(([x, y]) => ({ x, y, z: 0 }));
  const identity = pose3({ xM: 0, yM: 0, yawRad: 0 });
  return {
    deletions: [],
    entities: [
      {
        timestamp: foxgloveTime(stampUs),
        frame_id: ROBOT_FRAME,
        id: 'footprint',
        lifetime: { sec: 0, nsec: 0 },
        frame_locked: true,
        metadata: [],
        arrows: [],
        cubes: [],
        spheres: [],
        cylinders: [],
        lines: [
          {
            type: 0,
            pose: identity,
            thickness: 0.02,
            scale_invariant: false,
            points: corners,
            color: { r: 0.1, g: 0.6, b: 1, a: 1 },
            colors: [],
            indices: [],
          },
        ],
        triangles: [],
        texts: [],
        models: [],
      },
    ],
  };
}

/** An empty `foxglove.SceneEntity` of `id` in `frameId` at `stampUs`, for a builder to fill. */
function sceneEntity(id: string, frameId: string, frameLocked: boolean, stampUs: number) {
  return {
    timestamp: foxgloveTime(stampUs),
    frame_id: frameId,
    id,
    lifetime: { sec: 0, nsec: 0 },
    frame_locked: frameLocked,
    metadata: [] as Array<{ key: string; value: string }>,
    arrows: [],
    cubes: [],
    spheres: [],
    cylinders: [],
    lines: [] as object[],
    triangles: [] as object[],
    texts: [] as object[],
    models: [],
  };
}

/** `foxglove.LinePrimitive` type LINE_LOOP. */
const LINE_LOOP = 1;
/** `foxglove.SceneEntityDeletion` type MATCHING_ID. */
const DELETE_MATCHING_ID = 0;

/**
 * The area the reflex's swept-area check looked at (the status's `sweptArea`) as a
 * `foxglove.SceneUpdate`: entity `swept-area`, each convex polygon filled (a triangle fan) and
 * outlined, placed in `map` at the robot's pose of the check (in `base_link`, following the
 * robot, while that pose is unknown); null (no command being checked) deletes the entity.
 */
export function sweptAreaMessage(area: SweptAreaStatus | null, stampUs: number): object {
  if (!area) {
    return {
      deletions: [{ timestamp: foxgloveTime(stampUs), type: DELETE_MATCHING_ID, id: 'swept-area' }],
      entities: [],
    };
  }
  const placed = area.pose ?? { xM: 0, yM: 0, yawRad: 0 };
  const pose = pose3(placed);
  const entity = sceneEntity('swept-area', area.pose ? WORLD_FRAME : ROBOT_FRAME, !area.pose, area.stampUs);
  const point = (p: Point2D) => ({ x: p.xM, y: p.yM, z: 0 });
  for (const polygon of area.polygons) {
    if (polygon.length < 3) continue;
    const fan: Array<{ x: number; y: number; z: number }> = [];
    for (let i = 1; i + 1 < polygon.length; i++)
      fan.push(point(polygon[0]!), point(polygon[i]!), point(polygon[i + 1]!));
    entity.triangles.push({ pose, points: fan, color: { r: 1, g: 0.85, b: 0.2, a: 0.25 }, colors: [], indices: [] });
    entity.lines.push({
      type: LINE_LOOP,
      pose,
      thickness: 0.01,
      scale_invariant: false,
      points: polygon.map(point),
      color: { r: 0.95, g: 0.7, b: 0.1, a: 0.9 },
      colors: [],
      indices: [],
    });
  }
  entity.metadata.push(
    { key: 'kind', value: area.kind },
    { key: 'v_mps', value: String(area.vMps) },
    { key: 'w_radps', value: String(area.wRadps) },
    { key: 'look_ahead_m', value: String(area.lookAheadM) },
  );
  return { deletions: [], entities: [entity] };
}

/** The reflex's state with the robot's speed and nearest obstacle (`spinal.ReflexState`). */
export function reflexStateMessage(status: RuntimeStatus, stampUs: number): object {
  const { reflex } = status;
  return {
    timestamp: foxgloveTime(stampUs),
    state: reflex.state,
    rule: reflex.rule,
    reason: reflex.reason,
    trips: reflex.trips,
    last_trip_rule: reflex.lastTrip?.rule ?? '',
    last_trip_reason: reflex.lastTrip?.reason ?? '',
    speed_mps: status.speed.vMps,
    nearest_obstacle_m: status.nearestObstacleM,
  };
}

/** `foxglove.LogLevel` of an event: safety events warn, device failures are errors, the rest informs. */
function logLevelOf(event: RuntimeEvent): number {
  if (event.kind === 'device-health' && event.to === 'failed') return 4;
  if (event.kind === 'reflex-trip' || event.kind === 'operator-estop' || event.kind === 'ledger-notice') return 3;
  return 2;
}

/** A ledger event as a `foxglove.Log` line: the same words as the console's. */
export function logMessage(event: RuntimeEvent, robotId: string): object {
  return {
    timestamp: foxgloveTime(event.atUs),
    level: logLevelOf(event),
    message: describeEvent(event),
    name: robotId,
    file: event.kind,
    line: event.seq,
  };
}

/** One black-box line of a reflex trip (`spinal.BlackBoxEntry`). */
export function blackBoxMessage(entry: BlackBoxEntry, tripSeq: number): object {
  return {
    timestamp: foxgloveTime(entry.tUs),
    trip_seq: tripSeq,
    cmd_v_mps: entry.cmdVMps,
    cmd_w_radps: entry.cmdWRadps,
    applied_v_mps: entry.appliedVMps,
    applied_w_radps: entry.appliedWRadps,
    ahead_free_m: entry.aheadFreeM,
    lidar_age_ms: entry.lidarAgeMs,
    action: entry.action,
    rule: entry.rule,
  };
}
