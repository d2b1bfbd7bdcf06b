import type { RuntimeStatus } from '../../messages/runtime-status.js';
import type { Route } from './routes.js';
import type { StatusStore } from './status-store.js';

/** What `GET /api/v1/telemetry` answers: the latest motion figures, small enough to poll often. */
export interface Telemetry {
  /** Runtime clock, seconds (sim time under the simulator). */
  clockS: number;
  pose: RuntimeStatus['pose'];
  speed: RuntimeStatus['speed'];
  /** Nearest lidar return, metres (null before any data). */
  nearestObstacleM: number | null;
  reflex: { state: RuntimeStatus['reflex']['state']; rule: string };
  mission: RuntimeStatus['mission'];
  /** Time since the snapshot arrived, milliseconds. */
  statusAgeMs: number;
  /** True when the snapshot is older than the store's stale limit. */
  stale: boolean;
}

/** The telemetry figures of `status`, aged `ageMs` and `stale` as the store says. */
export function telemetryOf(status: RuntimeStatus, ageMs: number, stale: boolean): Telemetry {
  return {
    clockS: status.clockS,
    pose: status.pose,
    speed: status.speed,
    nearestObstacleM: status.nearestObstacleM,
    reflex: { state: status.reflex.state, rule: status.reflex.rule },
    mission: status.mission,
    statusAgeMs: ageMs,
    stale,
  };
}

/** `GET /api/v1/telemetry`: {@link Telemetry} from the latest snapshot; 503 before the first one. */
export function telemetryRoutes(store: StatusStore): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/telemetry',
      mutating: false,
      handle: () => {
        const snapshot = store.latest();
        if (!snapshot) {
          return {
            status: 503,
            body: { error: 'status unavailable', reason: 'the runtime has not published a status yet' },
          };
        }
        return { status: 200, body: telemetryOf(snapshot.status, snapshot.ageMs, snapshot.stale) };
      },
    },
  ];
}
