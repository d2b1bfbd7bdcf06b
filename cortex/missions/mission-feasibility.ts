import type { Point2D } from '../../messages/geometry.js';
import type { Mission } from '../../messages/mission.js';
import { insidePolygon } from '../../messages/polygon.js';

/** What the robot knows of its site that can make a mission impossible. */
export interface SiteKnowledge {
  /** The area the robot must stay in (null: none). */
  geofence: readonly Point2D[] | null;
  /** Where the dock is (null: none known). */
  dock: Point2D | null;
  /** True when the map has an obstacle at `p` (within the robot's radius of one). */
  blocked(p: Point2D): boolean;
  /** Whether the map has a way from `from` to `to` (null: no map to judge by). */
  reachable(from: Point2D, to: Point2D): boolean | null;
}

/** Legs whose way is searched when a mission arrives; later ones are judged as the robot comes to them. */
const LEGS_SEARCHED = 20;

function at(p: Point2D): string {
  return `(${p.xM.toFixed(2)}, ${p.yM.toFixed(2)})`;
}

/**
 * Why `points` (driven in order from `from`) cannot be driven, or null: a point outside the
 * geofence, in an obstacle, or with no way to it on the map. `name(i)` names the i-th point.
 */
export function pointsProblem(
  points: readonly Point2D[],
  from: Point2D,
  site: SiteKnowledge,
  name: (i: number) => string,
): string | null {
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (site.geofence && !insidePolygon(p, site.geofence)) return `${name(i)} ${at(p)} is outside the geofence`;
    if (site.blocked(p)) return `${name(i)} ${at(p)} is inside an obstacle on the map`;
  }
  let previous = from;
  for (let i = 0; i < Math.min(points.length, LEGS_SEARCHED); i++) {
    const p = points[i]!;
    if (site.reachable(previous, p) === false)
      return `${name(i)} ${at(p)} cannot be reached on the map from ${at(previous)}`;
    previous = p;
  }
  return null;
}

/**
 * Why `mission` is impossible for a robot at `from` on this site, or null. `surveyPoints` are the
 * survey's lane ends, in order.
 */
export function missionImpossibility(
  mission: Mission,
  from: Point2D,
  site: SiteKnowledge,
  surveyPoints: readonly Point2D[] = [],
): string | null {
  switch (mission.kind) {
    case 'drive':
      return null;
    case 'goto':
      return pointsProblem([mission.goal], from, site, () => 'the goal');
    case 'patrol':
      return pointsProblem(mission.waypoints, from, site, (i) => `waypoint ${i}`);
    case 'survey': {
      if (site.geofence) {
        const outside = mission.area.findIndex((p) => !insidePolygon(p, site.geofence!));
        if (outside >= 0)
          return `corner ${outside} ${at(mission.area[outside]!)} of the survey area is outside the geofence`;
      }
      // Lane ends in an obstacle are skipped as the robot comes to them; the first must be reachable.
      if (surveyPoints.length === 0) return 'the survey area holds no lane at that spacing';
      return pointsProblem(surveyPoints.slice(0, 1), from, site, () => 'the first lane');
    }
    case 'return-to-base':
      if (!site.dock) return 'no dock is known (give one in the board config or the scenario)';
      return pointsProblem([site.dock], from, site, () => 'the dock');
  }
}
