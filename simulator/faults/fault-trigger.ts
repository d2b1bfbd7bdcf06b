import { z } from 'zod';
import { MISSION_STATES, type MissionState } from '../../messages/mission.js';
import type { SimFaultReport } from '../report.js';

/**
 * When a scheduled fault begins and ends: at a sim time (`atS`) or once a condition on the robot
 * it is listed under holds (`when`), for `durationS` (left out: it never clears). Shared by every
 * kind of fault a scenario schedules, on a device or on the robot's surroundings.
 */

/**
 * A condition on the robot a fault is listed under; exactly one of:
 * `goalReached: true` (its true pose reached its `goto` goal), `missionState: <state>` (the robot's
 * own mission state), `distanceM: {gte: N}` (it has driven at least N metres, the simulator's truth).
 */
export type FaultCondition = { goalReached: true } | { missionState: MissionState } | { distanceM: { gte: number } };

const CONDITION_KEYS = ['goalReached', 'missionState', 'distanceM'] as const;

export const faultConditionSchema = z
  .object({
    goalReached: z.literal(true, { errorMap: () => ({ message: 'must be true' }) }).optional(),
    missionState: z.enum(MISSION_STATES).optional(),
    distanceM: z
      .object({ gte: z.number().finite().min(0) })
      .strict()
      .optional(),
  })
  .strict()
  .transform((c, ctx): FaultCondition => {
    const present = CONDITION_KEYS.filter((key) => c[key] !== undefined);
    if (present.length !== 1) {
      const list = CONDITION_KEYS.map((key) => `"${key}"`).join(', ');
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: present.length === 0 ? `needs one of ${list}` : `give exactly one of ${list}`,
      });
      return z.NEVER;
    }
    if (c.goalReached) return { goalReached: true };
    if (c.missionState) return { missionState: c.missionState };
    return { distanceM: { gte: c.distanceM?.gte ?? 0 } };
  });

/** The timing fields every scheduled fault has (spread into each fault schema). */
export const faultTimingShape = {
  /** Sim time the fault starts, seconds (or give `when`). */
  atS: z.number().finite().min(0).optional(),
  /** The condition that starts it (or give `atS`). */
  when: faultConditionSchema.optional(),
  /** How long it lasts, seconds; left out, it never clears. */
  durationS: z.number().finite().positive().optional(),
};

export interface FaultTiming {
  atS?: number | undefined;
  when?: FaultCondition | undefined;
  durationS?: number | undefined;
}

/** Exactly one of `atS` and `when`: the issue is raised on the fault (for a schema's `superRefine`). */
export function checkFaultTiming(timing: FaultTiming, ctx: z.RefinementCtx): void {
  if ((timing.atS === undefined) === (timing.when === undefined)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: [timing.atS === undefined ? 'atS' : 'when'],
      message:
        timing.atS === undefined
          ? 'is required: give "atS" (a sim time) or "when" (a condition)'
          : 'give either "atS" or "when", not both',
    });
  }
}

/** What a condition is judged on: the robot's state now. */
export interface FaultObservation {
  /** Its true pose reached its `goto` goal (at some point of the run). */
  goalReached: boolean;
  /** Its own mission state, as it last reported it. */
  missionState: string;
  /** Path length driven so far, metres (truth). */
  distanceM: number;
}

/** Nothing done yet: the observation before the robot reports anything. */
export const NO_OBSERVATION: FaultObservation = { goalReached: false, missionState: 'idle', distanceM: 0 };

/** Whether `condition` holds for `seen`. */
export function conditionHolds(condition: FaultCondition, seen: FaultObservation): boolean {
  if ('goalReached' in condition) return seen.goalReached;
  if ('missionState' in condition) return seen.missionState === condition.missionState;
  return seen.distanceM >= condition.distanceM.gte;
}

/** A change of a fault's state at one update. */
export type FaultEdge = 'inject' | 'clear' | null;

/**
 * One fault's life: pending until its time or condition, active for its duration, then cleared
 * (once; a condition that holds again does not bring it back). Keeps the report line.
 */
export class FaultTrigger {
  private startUs: number | null;
  private endUs = Infinity;
  private state: 'pending' | 'active' | 'cleared' = 'pending';
  private readonly line: { device: string; kind: string; atS: number | null; clearedAtS: number | null };

  constructor(
    private readonly timing: FaultTiming,
    device: string,
    kind: string,
  ) {
    this.startUs = timing.atS === undefined ? null : timing.atS * 1e6;
    this.line = { device, kind, atS: null, clearedAtS: null };
  }

  get active(): boolean {
    return this.state === 'active';
  }

  /** Moves the fault on to `nowUs` with the robot as `seen` now; says whether it began or cleared. */
  update(nowUs: number, seen: FaultObservation): FaultEdge {
    if (this.state === 'pending') {
      if (this.startUs === null && this.timing.when && conditionHolds(this.timing.when, seen)) this.startUs = nowUs;
      if (this.startUs === null || nowUs < this.startUs) return null;
      this.endUs = this.timing.durationS === undefined ? Infinity : this.startUs + this.timing.durationS * 1e6;
      if (nowUs >= this.endUs) {
        // Began and ended between two updates: it still counts as thrown, and cleared.
        this.line.atS = this.startUs / 1e6;
        this.line.clearedAtS = nowUs / 1e6;
        this.state = 'cleared';
        return null;
      }
      this.state = 'active';
      this.line.atS = nowUs / 1e6;
      return 'inject';
    }
    if (this.state === 'active' && nowUs >= this.endUs) {
      this.state = 'cleared';
      this.line.clearedAtS = nowUs / 1e6;
      return 'clear';
    }
    return null;
  }

  /** The report line (`clearedAtS` null while it has not cleared); null while it has not begun. */
  report(): SimFaultReport | null {
    const { device, kind, atS, clearedAtS } = this.line;
    return atS === null ? null : { device, kind, atS, clearedAtS };
  }
}
