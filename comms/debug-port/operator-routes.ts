import type { OperatorCommand, OperatorResult } from '../comms-thread-protocol.js';
import type { JsonResponse, Route } from './routes.js';

/** Sends a command to the main thread and resolves with its answer (or rejects on timeout). */
export type OperatorChannel = (command: OperatorCommand) => Promise<OperatorResult>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function relay(channel: OperatorChannel, command: OperatorCommand): Promise<JsonResponse> {
  try {
    const result = await channel(command);
    return { status: result.ok ? 200 : 409, body: result.body };
  } catch (error) {
    return {
      status: 504,
      body: { error: 'the runtime did not answer', reason: error instanceof Error ? error.message : String(error) },
    };
  }
}

/**
 * The mutating routes of the debug port (BRIEF §5). They need the bearer token whenever the port is
 * bound beyond loopback; each is relayed to the reflex on the main thread and answers with what it did.
 */
export function operatorRoutes(channel: OperatorChannel): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/estop',
      mutating: true,
      handle: async ({ body }) => {
        const reason =
          isRecord(body) && typeof body.reason === 'string' ? body.reason.slice(0, 200) : 'e-stop from the debug port';
        return relay(channel, { kind: 'estop', reason });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/estop/reset',
      mutating: true,
      handle: () => relay(channel, { kind: 'estop-reset' }),
    },
    {
      method: 'POST',
      path: '/api/v1/override',
      mutating: true,
      handle: async ({ body }) => {
        if (!isRecord(body) || typeof body.vMps !== 'number' || !Number.isFinite(body.vMps)) {
          return { status: 400, body: { error: 'bad request', reason: 'expected {"vMps": number, "wRadps": number}' } };
        }
        const wRadps = typeof body.wRadps === 'number' && Number.isFinite(body.wRadps) ? body.wRadps : 0;
        return relay(channel, { kind: 'override', vMps: body.vMps, wRadps });
      },
    },
  ];
}
