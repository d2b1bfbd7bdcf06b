import type { Point2D } from '../../messages/geometry.js';
import { insetExtent, toSweepFrame } from './lane-clipping.js';
import { defaultSweepAngleRad } from './lawnmower.js';
import {
  minimumWidth,
  insidePolygon,
  segmentsIntersect,
  selfIntersection,
  signedAreaM2,
} from '../../messages/polygon.js';

/** What a survey area is checked against besides its own shape. */
export interface SurveyAreaLimits {
  /** Distance between neighbouring lanes, metres. */
  laneSpacingM: number;
  /** How far the lanes keep from the area's boundary, metres (default 0). */
  insetM?: number;
  /** Direction the lanes run, radians (default: the lawnmower's default for the area). */
  sweepAngleRad?: number;
  /** The polygon the robot must stay in (the reflex's geofence, world frame); null or absent: none. Fewer than 3 corners counts as none, as in the reflex. */
  geofence?: readonly Point2D[] | null;
}

/** Areas within this share of their bounding box's squared diagonal count as having no area. */
const ZERO_AREA_RATIO = 1e-9;

function formatPoint(p: Point2D): string {
  return `(${p.xM}, ${p.yM})`;
}

/**
 * Why a survey area cannot be surveyed as asked, in plain words; null when it can. Checked in
 * this order: corner count, finite numbers, lane spacing and inset, repeated corners, a boundary
 * meeting itself, zero area, lane spacing wider than the area, an inset leaving nothing, then the
 * area lying inside the geofence (every corner inside and no edge crossing the fence).
 */
export function validateSurveyArea(polygon: readonly Point2D[], limits: SurveyAreaLimits): string | null {
  if (polygon.length < 3) return `a survey area needs at least 3 corners, got ${polygon.length}`;
  const bad = polygon.findIndex((p) => !Number.isFinite(p.xM) || !Number.isFinite(p.yM));
  if (bad >= 0) return `corner ${bad} ${formatPoint(polygon[bad]!)} is not a finite point`;
  const { laneSpacingM } = limits;
  const insetM = limits.insetM ?? 0;
  if (!Number.isFinite(laneSpacingM) || laneSpacingM <= 0)
    return `lane spacing must be a positive number of metres, got ${laneSpacingM}`;
  if (!Number.isFinite(insetM) || insetM < 0) return `inset must be a number of metres >= 0, got ${insetM}`;
  if (limits.sweepAngleRad !== undefined && !Number.isFinite(limits.sweepAngleRad))
    return `sweep angle must be a finite number of radians, got ${limits.sweepAngleRad}`;
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i]!;
    const b = polygon[(i + 1) % polygon.length]!;
    if (a.xM === b.xM && a.yM === b.yM)
      return `corners ${i} and ${(i + 1) % polygon.length} are the same point ${formatPoint(a)}`;
  }
  const crossing = selfIntersection(polygon);
  if (crossing) return `edges ${crossing[0]} and ${crossing[1]} meet: the boundary must not cross or touch itself`;
  const xs = polygon.map((p) => p.xM);
  const ys = polygon.map((p) => p.yM);
  const diagonalSq = (Math.max(...xs) - Math.min(...xs)) ** 2 + (Math.max(...ys) - Math.min(...ys)) ** 2;
  if (Math.abs(signedAreaM2(polygon)) <= ZERO_AREA_RATIO * diagonalSq)
    return 'the survey area has zero area (its corners lie on one line)';
  const { widthM } = minimumWidth(polygon);
  if (laneSpacingM > widthM)
    return `lane spacing ${laneSpacingM} m is wider than the area (${widthM.toFixed(3)} m at its narrowest)`;
  const sweepAngleRad = limits.sweepAngleRad ?? defaultSweepAngleRad(polygon);
  if (
    !insetExtent(
      polygon.map((p) => toSweepFrame(p, sweepAngleRad)),
      insetM,
    )
  )
    return `an inset of ${insetM} m from the boundary leaves nothing of the area to drive`;
  const fence = limits.geofence;
  if (fence && fence.length >= 3) {
    const outside = polygon.findIndex((p) => !insidePolygon(p, fence));
    if (outside >= 0) return `corner ${outside} ${formatPoint(polygon[outside]!)} is outside the geofence`;
    for (let i = 0; i < polygon.length; i++) {
      const a = polygon[i]!;
      const b = polygon[(i + 1) % polygon.length]!;
      for (let j = 0; j < fence.length; j++) {
        if (segmentsIntersect(a, b, fence[j]!, fence[(j + 1) % fence.length]!))
          return `edge ${i} of the survey area meets edge ${j} of the geofence (the area must lie strictly inside it)`;
      }
    }
  }
  return null;
}
