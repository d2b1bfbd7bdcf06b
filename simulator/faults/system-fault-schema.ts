import { z } from 'zod';
import { checkFaultTiming, faultTimingShape } from './fault-trigger.js';

/**
 * Faults a scenario throws on what surrounds a robot rather than on one of its devices, listed
 * in the robot's `faults:` like device faults, with `device` naming the target instead of a
 * device id. Each target has its kinds and their options; a target's entry is one schema here,
 * and these names are reserved (no board device may be faulted under them).
 *
 * - `uplink` (this robot's gRPC uplink, through a fault proxy): `cut` (connections reset and new
 *   ones refused), `slow` (added latency and a bandwidth cap), `blackhole` (bytes accepted, nothing
 *   delivered, no reset: only keepalive and handshake timeouts tell).
 * - `supervisor` (the sim's supervisor, every robot's): `down` (stopped, back on the same address
 *   with its store when the fault clears).
 * - `broker` (the fleet's mesh broker): `down` (stopped, back on the same address when it clears).
 * - `mesh` (the fleet's mesh topics): `rogue` (a peer publishing garbage, oversized, forged and
 *   replayed messages).
 */

/** Only `kinds` may carry `option`: an option given to another kind is refused, not ignored. */
function optionFor(
  value: Record<string, unknown> & { kind: string },
  option: string,
  kinds: readonly string[],
  ctx: z.RefinementCtx,
): void {
  if (value[option] !== undefined && !kinds.includes(value.kind)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: [option],
      message: `applies to kind ${kinds.map((k) => `"${k}"`).join(', ')} only`,
    });
  }
}

export const UPLINK_FAULT_KINDS = ['cut', 'slow', 'blackhole'] as const;

/** Default added one-way latency of `uplink` `slow`, milliseconds. */
export const DEFAULT_SLOW_LATENCY_MS = 200;

const uplinkFaultSchema = z
  .object({
    device: z.literal('uplink'),
    kind: z.enum(UPLINK_FAULT_KINDS),
    ...faultTimingShape,
    /** slow: delay added to every chunk, each way, milliseconds (default 200). */
    latencyMs: z.number().finite().min(0).max(60_000).optional(),
    /** slow: bandwidth cap, each way, bytes per second (left out: no cap). */
    bytesPerS: z.number().finite().positive().optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    checkFaultTiming(f, ctx);
    optionFor(f, 'latencyMs', ['slow'], ctx);
    optionFor(f, 'bytesPerS', ['slow'], ctx);
  });

export const SUPERVISOR_FAULT_KINDS = ['down'] as const;

const supervisorFaultSchema = z
  .object({ device: z.literal('supervisor'), kind: z.enum(SUPERVISOR_FAULT_KINDS), ...faultTimingShape })
  .strict()
  .superRefine(checkFaultTiming);

export const BROKER_FAULT_KINDS = ['down'] as const;

const brokerFaultSchema = z
  .object({ device: z.literal('broker'), kind: z.enum(BROKER_FAULT_KINDS), ...faultTimingShape })
  .strict()
  .superRefine(checkFaultTiming);

export const MESH_FAULT_KINDS = ['rogue'] as const;

/** Default rate of a rogue peer's messages, a second (of wall time). */
export const DEFAULT_ROGUE_MESSAGES_PER_S = 20;

const meshFaultSchema = z
  .object({
    device: z.literal('mesh'),
    kind: z.enum(MESH_FAULT_KINDS),
    ...faultTimingShape,
    /** rogue: messages a second the peer publishes, of each sort in turn (default 20). */
    messagesPerS: z.number().finite().positive().max(1_000).optional(),
  })
  .strict()
  .superRefine(checkFaultTiming);

/** The schema of each target's faults, by target name (the fault's `device`). */
export const SYSTEM_FAULT_SCHEMAS = {
  uplink: uplinkFaultSchema,
  supervisor: supervisorFaultSchema,
  broker: brokerFaultSchema,
  mesh: meshFaultSchema,
} as const;

export type SystemFaultTarget = keyof typeof SYSTEM_FAULT_SCHEMAS;

export type UplinkFault = z.output<typeof uplinkFaultSchema>;
export type SupervisorFault = z.output<typeof supervisorFaultSchema>;
export type BrokerFault = z.output<typeof brokerFaultSchema>;
export type MeshFault = z.output<typeof meshFaultSchema>;

/** A fault on a robot's surroundings (see the module comment). */
export type SystemFault = UplinkFault | SupervisorFault | BrokerFault | MeshFault;

/** Whether `device` names a system fault target rather than a board device. */
export function isSystemFaultTarget(device: unknown): device is SystemFaultTarget {
  return typeof device === 'string' && Object.hasOwn(SYSTEM_FAULT_SCHEMAS, device);
}
