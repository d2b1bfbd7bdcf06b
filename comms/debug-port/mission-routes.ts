import { randomUUID } from 'node:crypto';
import { readMissionOrderJson } from '../../messages/mission-shape.js';
import { DEFAULT_MISSION_PRIORITY } from '../../messages/mission.js';
import type { MissionAnswer, MissionDesk } from '../mission-desk.js';
import type { JsonResponse, Route } from './routes.js';

/** The HTTP status for each way the cortex can answer. */
const STATUS_OF: Record<MissionAnswer['verdict'], number> = {
  accepted: 200,
  malformed: 400,
  impossible: 422,
  conflict: 409,
  unknown: 404,
  'no-answer': 503,
};

function answerOf(answer: MissionAnswer, body: Record<string, unknown>): JsonResponse {
  const status = STATUS_OF[answer.verdict];
  if (status === 200) return { status, body };
  return { status, body: { error: answer.verdict, reason: answer.reason, ...body } };
}

/**
 * The mission routes of the debug port (BRIEF §5): `GET /api/v1/missions` lists the robot's
 * missions (running, waiting, ended) with their progress; `POST /api/v1/missions` queues one
 * (`{"id"?, "priority"?, "mission": {"kind": ...}}`, the mission in its in-process shape, the
 * same message the uplink carries): 200 when accepted, 400 when malformed, 422 when impossible on
 * this site (outside the geofence, in an obstacle, no way there), 409 when its id is in use;
 * `DELETE /api/v1/missions/{id}` aborts one (404 when there is no such mission). The mutating ones
 * follow the same guard and token rule as the other mutating routes.
 */
export function missionRoutes(desk: MissionDesk): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/missions',
      mutating: false,
      handle: () => ({ status: 200, body: { missions: desk.missions } }),
    },
    {
      method: 'POST',
      path: '/api/v1/missions',
      mutating: true,
      handle: async ({ body }) => {
        const order = readMissionOrderJson(
          body,
          'debug-port',
          () => `m-${randomUUID().slice(0, 8)}`,
          DEFAULT_MISSION_PRIORITY,
        );
        if (!order.ok) return { status: 400, body: { error: 'malformed', reason: order.reason } };
        const answer = await desk.submit(order.value);
        return answerOf(answer, { id: order.value.id, priority: order.value.priority, kind: order.value.mission.kind });
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/missions/{id}',
      mutating: true,
      handle: async ({ params }) => {
        const id = params?.id ?? '';
        const answer = await desk.cancel(id, 'aborted from the debug port');
        return answerOf(answer, { id, aborted: answer.verdict === 'accepted' });
      },
    },
  ];
}
