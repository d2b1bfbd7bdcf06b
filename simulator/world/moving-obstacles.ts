import createDebug from 'debug';
import type { Pose2D } from '../../messages/geometry.js';
import { moverOutline, type ScenarioMover, type ScenarioWorld } from '../scenario.js';
import { polygonShapeDistance, rayCircleDistance, rayHitDistance, type Polygon, type Shape } from './geometry.js';
import { WorldMap, type WorldClearances } from './world-map.js';

/**
 * Obstacles that move: people, carts, doors. Each mover is a shape driven along its waypoints at
 * constant speed, and its pose is a pure function of sim time (`MoverTrack.poseAt`), so a run
 * replays exactly whatever the step size and however often it is asked.
 */

const log = createDebug('spinal:sim:movers');

/** A mover's outline now, with what ray casting needs to pass it by quickly. */
interface MoverNow {
  id: string;
  shape: Shape;
  /** Centre and radius of a circle holding the whole outline, metres. */
  xM: number;
  yM: number;
  boundM: number;
  /** A box's edges as [ax, ay, bx, by, ...]; empty for a circle. */
  edges: Float64Array;
}

/**
 * One mover's motion along its waypoints.
 *
 * It stands on the first waypoint, facing the second, until `startS`; then moves at `speedMps`,
 * heading along the segment it is on (a box turns with it). With `loop: none` it stops on the last
 * waypoint. With `repeat` it goes on from the last waypoint back to the first (unless they are the
 * same point) and round again. With `back-and-forth` it retraces the path to the first waypoint,
 * facing the way it goes, and out again. `startDelayS` is the wait at the end of each pass before
 * the next one sets off.
 */
export class MoverTrack {
  readonly id: string;
  /** Length of one pass, metres. */
  readonly passLengthM: number;
  /** Time one pass takes, seconds. */
  readonly passS: number;
  private readonly xM: Float64Array;
  private readonly yM: Float64Array;
  /** Distance along the pass at each waypoint, metres. */
  private readonly atM: Float64Array;
  private readonly dwellS: number;

  constructor(private readonly spec: ScenarioMover) {
    this.id = spec.id;
    const points = spec.path.map(([x, y]) => ({ xM: x, yM: y }));
    const first = points[0];
    const last = points[points.length - 1];
    if (!first || !last || points.length < 2) throw new RangeError(`mover "${spec.id}": needs at least 2 waypoints`);
    if (spec.loop === 'repeat' && (first.xM !== last.xM || first.yM !== last.yM)) points.push(first);
    this.xM = Float64Array.from(points, (p) => p.xM);
    this.yM = Float64Array.from(points, (p) => p.yM);
    this.atM = new Float64Array(points.length);
    for (let i = 1; i < points.length; i++) {
      const segmentM = Math.hypot(this.xM[i]! - this.xM[i - 1]!, this.yM[i]! - this.yM[i - 1]!);
      if (!(segmentM > 0)) throw new RangeError(`mover "${spec.id}": waypoints ${i - 1} and ${i} are the same point`);
      this.atM[i] = this.atM[i - 1]! + segmentM;
    }
    if (!(spec.speedMps > 0)) throw new RangeError(`mover "${spec.id}": speedMps must be > 0, got ${spec.speedMps}`);
    this.passLengthM = this.atM[points.length - 1]!;
    this.passS = this.passLengthM / spec.speedMps;
    this.dwellS = spec.startDelayS ?? 0;
  }

  /** Centre and heading of the mover at `simTimeS`, world frame (metres, radians). */
  poseAt(simTimeS: number): Pose2D {
    const { alongM, forward } = this.progressAt(simTimeS);
    const last = this.atM.length - 1;
    let i = 0;
    while (i < last - 1 && this.atM[i + 1]! < alongM) i++;
    const x0 = this.xM[i]!;
    const y0 = this.yM[i]!;
    const dx = this.xM[i + 1]! - x0;
    const dy = this.yM[i + 1]! - y0;
    const share = Math.min(1, Math.max(0, (alongM - this.atM[i]!) / (this.atM[i + 1]! - this.atM[i]!)));
    const yawRad = forward ? Math.atan2(dy, dx) : Math.atan2(-dy, -dx);
    return { xM: x0 + share * dx, yM: y0 + share * dy, yawRad };
  }

  /** The mover's outline at `simTimeS`. */
  outlineAt(simTimeS: number): Shape {
    return moverOutline(this.spec.shape, this.poseAt(simTimeS));
  }

  /** How far along the pass the mover is at `simTimeS`, and whether it is going out (or coming back). */
  private progressAt(simTimeS: number): { alongM: number; forward: boolean } {
    const movingS = simTimeS - this.spec.startS;
    if (!(movingS > 0)) return { alongM: 0, forward: true };
    const passS = this.passS;
    const alongM = (s: number): number => Math.min(this.passLengthM, s * this.spec.speedMps);
    switch (this.spec.loop) {
      case 'none':
        return { alongM: alongM(movingS), forward: true };
      case 'repeat': {
        const inCycleS = movingS % (passS + this.dwellS);
        return { alongM: inCycleS < passS ? alongM(inCycleS) : this.passLengthM, forward: true };
      }
      case 'back-and-forth': {
        const inCycleS = movingS % (2 * (passS + this.dwellS));
        if (inCycleS < passS) return { alongM: alongM(inCycleS), forward: true };
        if (inCycleS < passS + this.dwellS) return { alongM: this.passLengthM, forward: true };
        const backS = inCycleS - passS - this.dwellS;
        if (backS < passS) return { alongM: this.passLengthM - alongM(backS), forward: false };
        return { alongM: 0, forward: false };
      }
    }
  }
}

/** Where a ray first enters a circle, or `Infinity` when it misses it or the circle is behind. */
function rayCircleEntry(ox: number, oy: number, dx: number, dy: number, cx: number, cy: number, r: number): number {
  const fx = cx - ox;
  const fy = cy - oy;
  const along = fx * dx + fy * dy;
  const offSq = fx * fx + fy * fy - along * along;
  if (offSq > r * r) return Infinity;
  const half = Math.sqrt(r * r - offSq);
  if (along + half < 0) return Infinity;
  return Math.max(0, along - half);
}

/**
 * The movers of a world, each at the pose it has at the sim time last given to `moveTo`.
 * Ray casting passes a mover by unless the ray enters its bounding circle before the nearest hit
 * so far; movers are few (a handful per scenario), so nothing cleverer pays.
 */
export class MovingObstacles {
  private readonly tracks: MoverTrack[];
  private readonly now: MoverNow[];
  private simTimeS = 0;

  constructor(movers: readonly ScenarioMover[], simTimeS = 0) {
    this.tracks = movers.map((m) => new MoverTrack(m));
    this.now = this.tracks.map((t) => ({
      id: t.id,
      shape: t.outlineAt(simTimeS),
      xM: 0,
      yM: 0,
      boundM: 0,
      edges: new Float64Array(0),
    }));
    this.moveTo(simTimeS);
    for (const t of this.tracks)
      log('mover "%s": %s m per pass, %s s', t.id, t.passLengthM.toFixed(2), t.passS.toFixed(2));
  }

  /** How many movers there are. */
  get count(): number {
    return this.tracks.length;
  }

  /** Sim time the movers stand at, seconds. */
  get timeS(): number {
    return this.simTimeS;
  }

  /** Puts every mover where it is at `simTimeS`. */
  moveTo(simTimeS: number): void {
    this.simTimeS = simTimeS;
    this.tracks.forEach((track, i) => {
      const now = this.now[i]!;
      const shape = track.outlineAt(simTimeS);
      now.shape = shape;
      if (shape.kind === 'circle') {
        now.xM = shape.circle.xM;
        now.yM = shape.circle.yM;
        now.boundM = shape.circle.radiusM;
        return;
      }
      const points = shape.points;
      if (now.edges.length !== points.length * 4) now.edges = new Float64Array(points.length * 4);
      let sumX = 0;
      let sumY = 0;
      points.forEach((p, k) => {
        const next = points[(k + 1) % points.length]!;
        now.edges.set([p.xM, p.yM, next.xM, next.yM], k * 4);
        sumX += p.xM;
        sumY += p.yM;
      });
      now.xM = sumX / points.length;
      now.yM = sumY / points.length;
      now.boundM = Math.max(...points.map((p) => Math.hypot(p.xM - now.xM, p.yM - now.yM)));
    });
  }

  /** Every mover's id and outline now, in file order. */
  current(): ReadonlyArray<{ id: string; shape: Shape }> {
    return this.now.map(({ id, shape }) => ({ id, shape }));
  }

  /**
   * The smaller of `bestM` and the distance along a ray from (ox, oy) with unit direction (dx, dy)
   * to the first mover it hits, metres.
   */
  rayHit(ox: number, oy: number, dx: number, dy: number, bestM: number): number {
    let best = bestM;
    for (const m of this.now) {
      if (rayCircleEntry(ox, oy, dx, dy, m.xM, m.yM, m.boundM) >= best) continue;
      if (m.shape.kind === 'circle') {
        best = Math.min(best, rayCircleDistance(ox, oy, dx, dy, m.shape.circle));
        continue;
      }
      const e = m.edges;
      for (let i = 0; i < e.length; i += 4) {
        const t = rayHitDistance(ox, oy, dx, dy, e[i]!, e[i + 1]!, e[i + 2]!, e[i + 3]!);
        if (t < best) best = t;
      }
    }
    return best;
  }

  /** Smallest distance from a polygon (a footprint) to any mover, metres; 0 when touching, `Infinity` with none. */
  clearanceM(polygon: Polygon): number {
    let best = Infinity;
    for (const m of this.now) {
      best = Math.min(best, polygonShapeDistance(polygon, m.shape));
      if (best === 0) break;
    }
    return best;
  }
}

/**
 * A world map whose obstacles include the movers, at the sim time last given to `moveTo`: rays
 * stop at them (the lidars see them) and clearances measure to them, so the collision monitor counts
 * touching a mover as touching an `obstacle` and the report's `minClearanceM` includes them.
 */
export class WorldMapWithMovers extends WorldMap {
  readonly movers: MovingObstacles;

  constructor(world: ScenarioWorld) {
    super(world);
    this.movers = new MovingObstacles(world.movers);
  }

  /** Puts every mover where it is at `simTimeS`. */
  moveTo(simTimeS: number): void {
    this.movers.moveTo(simTimeS);
  }

  override raycast(
    xM: number,
    yM: number,
    angleRad: number,
    maxRangeM: number,
    extraPolygons: readonly Polygon[] = [],
  ): number {
    const mapM = super.raycast(xM, yM, angleRad, maxRangeM, extraPolygons);
    if (this.movers.count === 0) return mapM;
    const best = this.movers.rayHit(xM, yM, Math.cos(angleRad), Math.sin(angleRad), mapM);
    return best <= maxRangeM ? best : Infinity;
  }

  override clearances(polygon: Polygon): WorldClearances {
    const { wallM, obstacleM } = super.clearances(polygon);
    return { wallM, obstacleM: obstacleM === 0 ? 0 : Math.min(obstacleM, this.movers.clearanceM(polygon)) };
  }
}
