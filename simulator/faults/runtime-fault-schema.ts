import { z } from 'zod';

/**
 * Faults of the robot's runtime rather than of one of its devices, in the same `faults:` schedule
 * of a scenario robot (see docs/reliability.md): its process killed and restarted, the power lost
 * mid-transaction, its wall clock jumped, its ledger's disk filled. Each names the part of the
 * robot it hits as its `device` (`process`, `clock`, `disk`), which is what the report lists.
 */

/** The runtime fault kinds and the part of the robot each one hits. */
export const RUNTIME_FAULT_DEVICE_OF = {
  kill: 'process',
  'power-loss': 'process',
  'clock-jump': 'clock',
  'disk-full': 'disk',
} as const;
export type RuntimeFaultKind = keyof typeof RUNTIME_FAULT_DEVICE_OF;
export const RUNTIME_FAULT_KINDS = Object.keys(RUNTIME_FAULT_DEVICE_OF) as RuntimeFaultKind[];

/** The `device` names a runtime fault is given under; a board device of one of these names cannot be faulted. */
export const RUNTIME_FAULT_DEVICES = ['process', 'clock', 'disk'] as const;
export type RuntimeFaultDevice = (typeof RUNTIME_FAULT_DEVICES)[number];

/** Default sim time between a killed robot process and the start of its successor, seconds (systemd's `RestartSec`). */
export const DEFAULT_RESTART_DELAY_S = 2;
/** Default size of a clock jump, seconds (an hour: a time zone or NTP step gone wrong). */
export const DEFAULT_CLOCK_JUMP_S = 3_600;

export const runtimeFaultSchema = z
  .object({
    /** `process` (kill, power-loss), `clock` (clock-jump) or `disk` (disk-full). */
    device: z.enum(RUNTIME_FAULT_DEVICES),
    kind: z.enum(RUNTIME_FAULT_KINDS as [RuntimeFaultKind, ...RuntimeFaultKind[]]),
    /** Sim time the fault starts, seconds. */
    atS: z.number().finite().min(0),
    /**
     * How long it lasts, seconds. kill / power-loss: left out, the process is restarted after
     * `restartDelayS`; clock-jump: the clock jumps back after it (left out: never); disk-full: the
     * space comes back after it (left out: never).
     */
    durationS: z.number().finite().positive().optional(),
    /** kill / power-loss: sim time from the kill to the start of the new process, seconds (default 2). */
    restartDelayS: z.number().finite().min(0).default(DEFAULT_RESTART_DELAY_S),
    /** clock-jump: how far the wall clock jumps forward, seconds; negative: backward first (default 3600). */
    jumpS: z
      .number()
      .finite()
      .refine((s) => s !== 0, 'a clock jump of 0 s is no jump')
      .default(DEFAULT_CLOCK_JUMP_S),
  })
  .strict()
  .superRefine((fault, ctx) => {
    const expected = RUNTIME_FAULT_DEVICE_OF[fault.kind];
    if (fault.device !== expected) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['device'],
        message: `a "${fault.kind}" fault is given under device "${expected}"`,
      });
    }
  });

/** One runtime fault of a scenario robot. */
export type RuntimeFault = z.output<typeof runtimeFaultSchema>;

/** Whether a `faults:` entry (as written) is a runtime fault: its `device` is `process`, `clock` or `disk`. */
export function namesRuntimeFault(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null) return false;
  const device = (entry as { device?: unknown }).device;
  return (RUNTIME_FAULT_DEVICES as readonly unknown[]).includes(device);
}

/** Whether a parsed `faults:` entry is a runtime fault (and not a device's). */
export function isRuntimeFault(fault: { device: string; kind: string }): fault is RuntimeFault {
  return (RUNTIME_FAULT_KINDS as readonly string[]).includes(fault.kind);
}

/** Sim time a fault's process is started again, seconds: when its duration ends, or its restart delay after the kill. */
export function restartAtS(fault: RuntimeFault): number {
  return fault.atS + (fault.durationS ?? fault.restartDelayS);
}
