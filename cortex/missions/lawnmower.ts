import type { Point2D } from '../../messages/geometry.js';
import {
  fromSweepFrame,
  insetExtent,
  laneIntervals,
  toSweepFrame,
  type LaneInterval,
  type SweepPoint,
} from './lane-clipping.js';
import {
  distanceToBoundaryM,
  minimumWidth,
  insidePolygon,
  segmentsCrossProperly,
  segmentSegmentDistanceM,
} from '../../messages/polygon.js';

/**
 * Boustrophedon ("lawnmower") coverage of a survey polygon: parallel lanes `laneSpacingM` apart,
 * clipped to the polygon inset by `insetM`, driven end to end in alternating directions. Pure.
 *
 * Lanes are centred across the inset polygon: with H its extent across the lanes, there are
 * ceil(H / spacing) of them, and the bands `spacing` wide around them reach just past both of its
 * sides by the same amount. Where a concave polygon splits a lane into several pieces, or a step
 * from one lane to the next would leave the inset polygon, the path breaks into runs: within a run
 * every leg (along a lane, or the step to the next lane) stays inside the inset polygon; between
 * runs the robot has to be brought to the next run's start by its planner. Runs are built
 * greedily: each begins on the lowest lane (across the sweep) with a piece not yet driven, at the
 * piece nearest to where the previous run ended, and climbs lane by lane while the next lane has
 * an undriven piece whose near end (the one on the side where the current lane ends) can be
 * reached with a leg that stays inside; of several, the nearest. A convex polygon is always one
 * run.
 */

export interface LawnmowerOptions {
  /** Distance between neighbouring lanes, metres (> 0); at most the robot's swept width for full coverage. */
  laneSpacingM: number;
  /**
   * How far every waypoint and leg keeps from the polygon's boundary, metres (default 0). Half the
   * footprint's width lets the robot's side reach the boundary while its centre stays inside.
   */
  insetM?: number;
  /** Direction the lanes run, radians CCW from +x; default {@link defaultSweepAngleRad} of the polygon. */
  sweepAngleRad?: number;
}

/** One lane piece as driven: from `start` to `end`, world frame. */
export interface SurveyLane {
  start: Point2D;
  end: Point2D;
  /** Which lane across the sweep (0: the lowest), so lanes `i` and `i + 1` lie `laneSpacingM` apart. */
  laneIndex: number;
}

/** A stretch of the survey driven without leaving the inset polygon: its lanes in driving order. */
export interface SurveyRun {
  lanes: SurveyLane[];
}

export interface LawnmowerPath {
  /** The runs in driving order; empty when the inset leaves nothing of the polygon. */
  runs: SurveyRun[];
  /** Every lane's start and end in driving order (runs one after the other): the waypoint list. */
  waypoints: Point2D[];
  /** The direction the lanes run, radians CCW from +x (the given one, or the default). */
  sweepAngleRad: number;
}

/**
 * The default sweep: lanes along the direction across which the polygon is narrowest (its minimum
 * width, found over its convex hull's edges; ties go to the longer edge), which gives the fewest
 * lanes and turns. For a rectangle that is along its longer sides. Radians in [0, π).
 */
export function defaultSweepAngleRad(polygon: readonly Point2D[]): number {
  return minimumWidth(polygon).alongRad;
}

/** Relative slack for a leg whose ends lie exactly on the inset boundary. */
const INSET_TOLERANCE_M = 1e-9;

/**
 * True when the straight leg p-q stays inside the polygon and at least `insetM` (less a rounding
 * slack) from its boundary: its middle is inside (or on the boundary), it crosses no edge, and it
 * comes no nearer to any edge than the inset. With no inset, a leg may run along the boundary.
 */
export function legInsideInset(p: Point2D, q: Point2D, polygon: readonly Point2D[], insetM: number): boolean {
  const slack = INSET_TOLERANCE_M * Math.max(1, insetM);
  const middle = { xM: (p.xM + q.xM) / 2, yM: (p.yM + q.yM) / 2 };
  // A leg from one lane's end to the next may run along the boundary (with no inset) or graze it.
  if (!insidePolygon(middle, polygon) && distanceToBoundaryM(middle, polygon) >= slack) return false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[j]!;
    const b = polygon[i]!;
    if (segmentsCrossProperly(p, q, a, b)) return false;
    if (insetM > 0 && segmentSegmentDistanceM(p, q, a, b) < insetM - slack) return false;
  }
  return true;
}

interface LanePiece {
  laneIndex: number;
  nM: number;
  fromUM: number;
  toUM: number;
  driven: boolean;
}

/** The boustrophedon path over `polygon` (world frame, simple, either winding); see the module comment. */
export function lawnmowerPath(polygon: readonly Point2D[], options: LawnmowerOptions): LawnmowerPath {
  const spacingM = options.laneSpacingM;
  const insetM = options.insetM ?? 0;
  if (!(spacingM > 0) || !Number.isFinite(spacingM))
    throw new RangeError(`lawnmowerPath: laneSpacingM must be > 0, got ${spacingM}`);
  if (!(insetM >= 0) || !Number.isFinite(insetM))
    throw new RangeError(`lawnmowerPath: insetM must be >= 0, got ${insetM}`);
  const sweepAngleRad = options.sweepAngleRad ?? defaultSweepAngleRad(polygon);
  const sweep = polygon.map((p) => toSweepFrame(p, sweepAngleRad));
  const lanes = layLanes(sweep, spacingM, insetM);
  const runs = joinLanes(lanes, polygon, insetM, sweepAngleRad);
  const waypoints = runs.flatMap((run) => run.lanes.flatMap((lane) => [lane.start, lane.end]));
  return { runs, waypoints, sweepAngleRad };
}

/** Every lane's pieces, lane by lane from the lowest across the sweep. */
function layLanes(sweep: readonly SweepPoint[], spacingM: number, insetM: number): LanePiece[][] {
  const extent = insetExtent(sweep, insetM);
  if (!extent) return [];
  const [lowNM, highNM] = extent;
  const count = Math.max(1, Math.ceil((highNM - lowNM) / spacingM - 1e-9));
  const midNM = (lowNM + highNM) / 2;
  const lanes: LanePiece[][] = [];
  for (let k = 0; k < count; k++) {
    const nM = midNM + (k - (count - 1) / 2) * spacingM;
    const pieces = laneIntervals(sweep, nM, insetM).map(([fromUM, toUM]: LaneInterval) => ({
      laneIndex: k,
      nM,
      fromUM,
      toUM,
      driven: false,
    }));
    lanes.push(pieces);
  }
  return lanes;
}

/**
 * Where the next run begins: on the lowest lane with an undriven piece, the piece nearest to `at`
 * (where the last run ended), from its nearer end; from the lowest piece's start at first. Null
 * when every piece has been driven.
 */
function nextRunStart(
  lanes: readonly LanePiece[][],
  at: SweepPoint | null,
): { piece: LanePiece; forward: boolean } | null {
  const lowest = lanes.find((pieces) => pieces.some((piece) => !piece.driven));
  if (!lowest) return null;
  const undriven = lowest.filter((piece) => !piece.driven);
  if (!at) return { piece: undriven[0]!, forward: true };
  const toStart = (piece: LanePiece): number => Math.hypot(piece.fromUM - at.uM, piece.nM - at.nM);
  const toEnd = (piece: LanePiece): number => Math.hypot(piece.toUM - at.uM, piece.nM - at.nM);
  const piece = undriven.sort((p, q) => Math.min(toStart(p), toEnd(p)) - Math.min(toStart(q), toEnd(q)))[0]!;
  return { piece, forward: toStart(piece) <= toEnd(piece) };
}

/** Drives the lane pieces in runs (see the module comment). */
function joinLanes(
  lanes: readonly LanePiece[][],
  polygon: readonly Point2D[],
  insetM: number,
  sweepAngleRad: number,
): SurveyRun[] {
  const world = (uM: number, nM: number): Point2D => fromSweepFrame(uM, nM, sweepAngleRad);
  const runs: SurveyRun[] = [];
  let at: SweepPoint | null = null;
  for (;;) {
    const start = nextRunStart(lanes, at);
    if (!start) return runs;
    let { piece, forward } = start;
    const run: SurveyLane[] = [];
    for (;;) {
      piece.driven = true;
      const [startUM, endUM]: [number, number] = forward ? [piece.fromUM, piece.toUM] : [piece.toUM, piece.fromUM];
      const end = world(endUM, piece.nM);
      run.push({ start: world(startUM, piece.nM), end, laneIndex: piece.laneIndex });
      at = { uM: endUM, nM: piece.nM };
      const next = (lanes[piece.laneIndex + 1] ?? [])
        .filter((p) => !p.driven)
        .map((p) => ({ p, entryUM: forward ? p.toUM : p.fromUM }))
        .sort((x, y) => Math.abs(x.entryUM - endUM) - Math.abs(y.entryUM - endUM))
        .find(({ p, entryUM }) => legInsideInset(end, world(entryUM, p.nM), polygon, insetM));
      if (!next) break;
      piece = next.p;
      forward = !forward;
    }
    runs.push({ lanes: run });
  }
}
