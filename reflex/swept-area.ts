import type { Point2D, Pose2D } from '../messages/geometry.js';
import { convexHull } from '../messages/polygon.js';
import type { SweptAreaStatus } from '../messages/runtime-status.js';
import type { CheckedCommandArea } from './obstacle-view.js';
import type { CheckedArea } from './swept-path.js';

/** Segments each rounded corner of a grown footprint is drawn with (its polygon lies just outside the arc). */
const CORNER_SEGMENTS = 3;
/** Most consecutive path samples drawn as one convex polygon (neighbouring polygons share their end sample). */
const SAMPLES_PER_POLYGON = 8;
/**
 * Most the footprint turns across one polygon's samples, radians: a hull of footprints turned
 * through Δ reaches beyond their union by about Δ/2 times the grown half length (1 cm for a
 * 0.5 m one), so a polygon ends where the turn since its first sample would exceed this.
 */
export const MAX_POLYGON_TURN_RAD = 0.04;
/** Most polygons drawn for one path (a longer turn gets polygons turning more, keeping the status small). */
const MAX_POLYGONS = 12;

/** The turn one polygon of the path of `area` may span, radians: {@link MAX_POLYGON_TURN_RAD}, or more on a long turn. */
export function polygonTurnRad(area: Extract<CheckedArea, { kind: 'path' }>): number {
  const poses = area.poses;
  let turn = 0;
  for (let k = 1; k < poses.length; k++) turn += Math.abs(angleBetween(poses[k - 1]!.yawRad, poses[k]!.yawRad));
  return Math.max(MAX_POLYGON_TURN_RAD, turn / MAX_POLYGONS);
}

/** The signed turn from `a` to `b`, radians in (-π, π]. */
function angleBetween(a: number, b: number): number {
  return Math.atan2(Math.sin(b - a), Math.cos(b - a));
}

/**
 * The area of a {@link CheckedArea} as convex polygons (counter-clockwise, robot frame, metres)
 * whose union holds every place the check looks: the corridor's rectangle driving straight;
 * otherwise the convex hull of each run of grown footprints along the path (at most
 * {@link SAMPLES_PER_POLYGON}, turning at most {@link polygonTurnRad}). Each footprint's
 * rounded corners are drawn with a polygon around the arc, never inside it, so nothing the check
 * covers falls outside the drawing; a hull adds slivers between its samples (about the turn it
 * spans over 2 times the grown half length: 1 cm for 0.04 rad and 0.5 m).
 */
export function sweptAreaPolygons(area: CheckedArea): Point2D[][] {
  if (area.kind === 'corridor') {
    const x0 = Math.min(area.fromXM, area.toXM);
    const x1 = Math.max(area.fromXM, area.toXM);
    const hw = area.halfWidthM;
    return [
      [
        { xM: x0, yM: -hw },
        { xM: x1, yM: -hw },
        { xM: x1, yM: hw },
        { xM: x0, yM: hw },
      ],
    ];
  }
  const outline = roundedOutline(area.halfLengthM, area.halfWidthM, area.marginXM, area.marginYM);
  const polygons: Point2D[][] = [];
  const last = area.poses.length - 1;
  const maxTurn = polygonTurnRad(area);
  let first = 0;
  do {
    // The run ends at the sample before the turn since `first` would exceed the bound (at least one step on).
    let end = first + 1;
    while (
      end < Math.min(last, first + SAMPLES_PER_POLYGON) &&
      Math.abs(angleBetween(area.poses[first]!.yawRad, area.poses[end + 1]!.yawRad)) <= maxTurn
    ) {
      end++;
    }
    end = Math.min(end, last);
    const points: Point2D[] = [];
    for (let k = first; k <= end; k++) for (const p of outline) points.push(placed(area.poses[k]!, p));
    polygons.push(convexHull(points));
    first = end;
  } while (first < last);
  return polygons;
}

/** The latest check of the command in force as the status carries it, placed at `pose` (the world pose at the check). */
export function sweptAreaStatus(checked: CheckedCommandArea, pose: Pose2D | null): SweptAreaStatus {
  const mm = (m: number): number => Math.round(m * 1000) / 1000;
  return {
    stampUs: checked.atUs,
    vMps: checked.vMps,
    wRadps: checked.wRadps,
    kind: checked.area.kind,
    lookAheadM: mm(checked.area.lookAheadM),
    pose,
    polygons: sweptAreaPolygons(checked.area).map((polygon) => polygon.map((p) => ({ xM: mm(p.xM), yM: mm(p.yM) }))),
  };
}

/** `p` (footprint frame) where the footprint stands at `pose`. */
function placed(pose: Pose2D, p: Point2D): Point2D {
  const c = Math.cos(pose.yawRad);
  const s = Math.sin(pose.yawRad);
  return { xM: pose.xM + p.xM * c - p.yM * s, yM: pose.yM + p.xM * s + p.yM * c };
}

/**
 * The footprint (half length `hl`, half width `hw`) grown by `mx` ahead/behind and `my` on the
 * sides, with elliptical corners of radii `mx`, `my` (as the check's rounded margins): the corners
 * drawn by the polygon of tangents to the ellipse, which holds it.
 */
function roundedOutline(hl: number, hw: number, mx: number, my: number): Point2D[] {
  const step = Math.PI / 2 / CORNER_SEGMENTS;
  const out = 1 / Math.cos(step / 2);
  const points: Point2D[] = [];
  for (const [sx, sy] of [
    [1, 1],
    [-1, 1],
    [-1, -1],
    [1, -1],
  ] as const) {
    points.push({ xM: sx * (hl + mx), yM: sy * hw }, { xM: sx * hl, yM: sy * (hw + my) });
    for (let j = 0; j < CORNER_SEGMENTS; j++) {
      const a = (j + 0.5) * step;
      points.push({ xM: sx * (hl + mx * out * Math.cos(a)), yM: sy * (hw + my * out * Math.sin(a)) });
    }
  }
  return points;
}
