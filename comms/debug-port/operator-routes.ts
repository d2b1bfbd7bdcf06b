import type { OperatorCommand, OperatorResult } from '../comms-thread-protocol.js';
import { sanitizeExternalText } from '../../messages/external-text.js';
import type { Requester } from '../../messages/runtime-event.js';
import type { JsonResponse, Route } from './routes.js';

/** Longest e-stop reason kept, characters. */
const MAX_REASON_CHARS = 200;
/** What `POST /api/v1/override` expects, as its refusal says. */
const OVERRIDE_SHAPE = 'expected {"vMps": number, "wRadps": number}: both are required and must be finite numbers';

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

/** Stands in for a requester the server did not describe (never the case on a real port). */
const UNKNOWN_REQUESTER: Requester = { via: 'debug-port', remoteAddress: null, origin: null, authenticated: false };

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * The mutating routes of the debug port (BRIEF §5). Only the port's own page and tools may call
 * them, beyond loopback with the bearer token (`request-guard.ts`); each is relayed to the reflex on
 * the main thread with who asked, and answers with what it did. The e-stop is never rate limited.
 */
export function operatorRoutes(channel: OperatorChannel): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v1/estop',
      mutating: true,
      neverRateLimited: true,
      handle: async ({ body, requester }) => {
        const reason =
          isRecord(body) && typeof body.reason === 'string' && body.reason.trim() !== ''
            ? sanitizeExternalText(body.reason, MAX_REASON_CHARS)
            : 'e-stop from the debug port';
        return relay(channel, { kind: 'estop', reason, by: requester ?? UNKNOWN_REQUESTER });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/estop/reset',
      mutating: true,
      handle: ({ requester }) => relay(channel, { kind: 'estop-reset', by: requester ?? UNKNOWN_REQUESTER }),
    },
    {
      method: 'POST',
      path: '/api/v1/override',
      mutating: true,
      handle: async ({ body, requester }) => {
        if (!isRecord(body) || !isFiniteNumber(body.vMps) || !isFiniteNumber(body.wRadps)) {
          return { status: 400, body: { error: 'bad request', reason: OVERRIDE_SHAPE } };
        }
        return relay(channel, {
          kind: 'override',
          vMps: body.vMps,
          wRadps: body.wRadps,
          by: requester ?? UNKNOWN_REQUESTER,
        });
      },
    },
  ];
}
