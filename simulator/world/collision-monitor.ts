import createDebug from 'debug';
import type { Pose2D } from '../../messages/geometry.js';
import {
  polygonEdges,
  pointInPolygon,
  pointSegmentDistance,
  polygonPolygonDistance,
  type Polygon,
} from './geometry.js';
import type { WorldMap } from './world-map.js';

const log = createDebug('spinal:sim:collision');

/** What a footprint touched: a wall, an obstacle, or another robot by id. */
export type ContactTarget = 'wall' | 'obstacle' | `robot:${string}`;

/** The moment a footprint came into contact with something. */
export interface CollisionEvent {
  /** Sim time of the first update that saw the contact, seconds. */
  simTimeS: number;
  withWhat: ContactTarget;
  /** The robot's true pose then (absent when the update was given none). */
  pose?: Pose2D;
  /** The robot's true forward speed then, m/s (absent when the update was given none). */
  speedMps?: number;
}

/** The robot's true motion at an update, for the collision events. */
export interface RobotTruth {
  pose: Pose2D;
  speedMps: number;
}

/** Another robot's footprint at this instant. */
export interface OtherRobotFootprint {
  id: string;
  polygon: Polygon;
}

export interface CollisionMonitorOptions {
  /** Robot id, for debug output. Default `robot`. */
  robotId?: string;
  /** Clearance at or below which the footprint is touching, metres. Default 0.001. */
  contactM?: number;
  /**
   * Clearance above which a contact has ended, metres; at least `contactM`. Default 0.005, so a
   * footprint grazing a wall at the contact distance is one collision, not one per sim step.
   */
  releaseM?: number;
}

/**
 * Watches one robot's true footprint against the world, measuring what the report needs
 * (BRIEF §5): the smallest clearance over the run, and collisions.
 *
 * A collision is counted when contact with a target begins; contact that persists counts once.
 * Targets are `wall` (all walls together), `obstacle` (all obstacles together) and each other
 * robot (`robot:<id>`), tracked apart, so a robot that slides along a wall into an obstacle, or
 * is pushed against a wall and then hit by a peer, has each new contact counted. With one target
 * at a time this is exactly "not touching -> touching".
 */
export class CollisionMonitor {
  private readonly robotId: string;
  private readonly contactM: number;
  private readonly releaseM: number;
  private readonly touching = new Set<ContactTarget>();
  private readonly events: CollisionEvent[] = [];
  private minClearance = Infinity;
  private minClearanceAt = NaN;
  private lastClearance = Infinity;

  constructor(
    private readonly map: WorldMap,
    options: CollisionMonitorOptions = {},
  ) {
    this.robotId = options.robotId ?? 'robot';
    this.contactM = options.contactM ?? 0.001;
    this.releaseM = Math.max(this.contactM, options.releaseM ?? 0.005);
    if (!(this.contactM >= 0)) throw new RangeError(`CollisionMonitor: contactM must be >= 0, got ${options.contactM}`);
  }

  /**
   * Measures the footprint at `simTimeS` against walls, obstacles and the other robots' footprints.
   * Returns the clearance now, metres (0 when touching, `Infinity` in an empty world).
   */
  update(
    simTimeS: number,
    footprint: Polygon,
    otherRobots: readonly OtherRobotFootprint[] = [],
    truth?: RobotTruth,
  ): number {
    const { wallM, obstacleM } = this.map.clearances(footprint);
    const distances: Array<[ContactTarget, number]> = [
      ['wall', wallM],
      ['obstacle', obstacleM],
    ];
    for (const other of otherRobots) {
      distances.push([`robot:${other.id}`, polygonPolygonDistance(footprint, other.polygon)]);
    }
    let clearance = Infinity;
    for (const [target, distanceM] of distances) {
      clearance = Math.min(clearance, distanceM);
      if (this.touching.has(target)) {
        if (distanceM > this.releaseM) this.touching.delete(target);
      } else if (distanceM <= this.contactM) {
        this.touching.add(target);
        this.events.push(truth ? { simTimeS, withWhat: target, ...truth } : { simTimeS, withWhat: target });
        log('%s: collision with %s at %d s', this.robotId, target, simTimeS);
      }
    }
    for (const target of this.touching) {
      if (target.startsWith('robot:') && !otherRobots.some((o) => `robot:${o.id}` === target))
        this.touching.delete(target);
    }
    this.lastClearance = clearance;
    if (clearance < this.minClearance) {
      this.minClearance = clearance;
      this.minClearanceAt = simTimeS;
    }
    return clearance;
  }

  /** Sim time of the update that saw the smallest clearance (the first such), seconds; NaN before any finite clearance. */
  get minClearanceAtS(): number {
    return this.minClearanceAt;
  }

  /** Smallest clearance seen by any update, metres; `Infinity` before the first. */
  get minClearanceM(): number {
    return this.minClearance;
  }

  /** Clearance at the last update, metres; `Infinity` before the first. */
  get lastClearanceM(): number {
    return this.lastClearance;
  }

  /** Number of contacts begun so far. */
  get collisions(): number {
    return this.events.length;
  }

  /** Every contact begun so far, in order. */
  get collisionEvents(): readonly CollisionEvent[] {
    return this.events;
  }

  /** What the footprint is touching now. */
  touchingNow(): ContactTarget[] {
    return [...this.touching];
  }
}

/**
 * How far the footprint reaches outside a fence polygon, metres: the largest distance from the
 * fence of a footprint corner outside it (0 when the whole footprint is inside). A convex
 * footprint's farthest point outside a polygon is one of its corners.
 */
export function distanceOutsideFence(footprint: Polygon, fence: Polygon): number {
  let worst = 0;
  for (const corner of footprint) {
    if (pointInPolygon(corner, fence)) continue;
    let nearest = Infinity;
    for (const edge of polygonEdges(fence)) nearest = Math.min(nearest, pointSegmentDistance(corner, edge));
    worst = Math.max(worst, nearest);
  }
  return worst;
}
