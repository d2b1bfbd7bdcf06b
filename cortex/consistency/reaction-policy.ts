import createDebug from 'debug';
import type { ConsistencySettings } from './consistency-settings.js';
import { checkReactionTable, reactionRowFor, REACTION_TABLE, type ReactionRow } from './reaction-table.js';
import { VIOLATION_KINDS, type ConsistencyViolation, type ViolationKind } from './violation.js';

const log = createDebug('spinal:cortex:consistency-policy');

/** What the policy is told at every cortex step. */
export interface PolicyInput {
  nowUs: number;
  /** The violations in force (`ConsistencyChecker.violations()`). */
  violations: readonly ConsistencyViolation[];
  /** The reaction's own part is over: the explore motion reported done, or the replan was made. */
  reactionDone: boolean;
  /** Free distance behind the robot, metres (null: unknown, so no back-off is proposed). */
  rearClearM: number | null;
}

/** What the executor should do now. */
export type PolicyDecision =
  | { state: 'idle' }
  | {
      state: 'reacting';
      violation: ConsistencyViolation;
      attempt: number;
      row: ReactionRow;
      sinceUs: number;
      /** True at the step the reaction begins (start its motion, or replan, then). */
      begins: boolean;
      /** Its own part is over: the mission drives again, and the violation has until the timeout to clear. */
      resuming: boolean;
    }
  | {
      state: 'holding';
      violation: ConsistencyViolation;
      /** Attempts made before escalating. */
      attempts: number;
      sinceUs: number;
      /** True at the step the hold begins (send the escalation event then). */
      begins: boolean;
    };

/** What happened to the reactions at a step, for the ledger. */
export interface PolicyEvent {
  kind: 'reaction-started' | 'reaction-succeeded' | 'reaction-failed' | 'escalated' | 'hold-released';
  violation: ViolationKind;
  attempt: number;
  reaction: ReactionRow['reaction'];
  atUs: number;
  /**
   * Why a reaction failed: `timeout` (its motion never finished), `still-raised` (it did, and the
   * violation had not cleared by the timeout), `rear-blocked` (no room to back off); empty otherwise.
   */
  reason: string;
}

interface Current {
  violation: ConsistencyViolation;
  attempt: number;
  row: ReactionRow;
  sinceUs: number;
  begins: boolean;
  resuming: boolean;
}

/**
 * Steps through the reaction table as violations start and clear. The most pressing violation in
 * force gets the row for its next attempt. A reaction first does its own part (the explore motion,
 * or the replan), then the mission drives again (`resuming`); it succeeds when its violation
 * clears, and fails when `reactionTimeoutUs` passes from its start with the violation still in
 * force, and then the next row is tried (a back-off with too little room behind fails at once). A row
 * `escalate-and-hold` holds until the violation clears or {@link reset}. A violation's attempts
 * start from 1 again only once it has stayed clear for `attemptResetUs`, so a robot that frees
 * itself and wedges again at once moves on down the table instead of looping. Pure: the clock is
 * passed in.
 */
export class ReactionPolicy {
  private current: Current | null = null;
  private readonly attempts = new Map<ViolationKind, number>();
  private readonly clearSince = new Map<ViolationKind, number>();

  constructor(
    private readonly settings: ConsistencySettings,
    private readonly table: readonly ReactionRow[] = REACTION_TABLE,
  ) {
    checkReactionTable(table);
  }

  /** Forgets every attempt and ends any reaction or hold (a new mission, or the supervisor's resume). */
  reset(): void {
    this.current = null;
    this.attempts.clear();
    this.clearSince.clear();
  }

  /** Attempts made at `kind` since it was last clear for long enough. */
  attemptsAt(kind: ViolationKind): number {
    return this.attempts.get(kind) ?? 0;
  }

  update(input: PolicyInput): { decision: PolicyDecision; events: PolicyEvent[] } {
    const { nowUs } = input;
    const events: PolicyEvent[] = [];
    const inForce = new Map(input.violations.map((violation) => [violation.kind, violation]));
    for (const kind of VIOLATION_KINDS) {
      if (inForce.has(kind)) {
        this.clearSince.delete(kind);
        continue;
      }
      const since = this.clearSince.get(kind) ?? nowUs;
      this.clearSince.set(kind, since);
      if (nowUs - since >= this.settings.attemptResetUs) this.attempts.delete(kind);
    }
    const current = this.current;
    if (current) {
      current.begins = false;
      const kind = current.violation.kind;
      const event = (what: PolicyEvent['kind'], reason = ''): PolicyEvent => ({
        kind: what,
        violation: kind,
        attempt: current.attempt,
        reaction: current.row.reaction,
        atUs: nowUs,
        reason,
      });
      const holding = current.row.reaction === 'escalate-and-hold';
      if (!inForce.has(kind)) {
        events.push(event(holding ? 'hold-released' : 'reaction-succeeded'));
        this.current = null;
      } else if (!holding) {
        if (input.reactionDone) current.resuming = true;
        if (nowUs - current.sinceUs >= this.settings.reactionTimeoutUs) {
          events.push(event('reaction-failed', current.resuming ? 'still-raised' : 'timeout'));
          this.begin(inForce.get(kind)!, input, events);
        }
      }
    }
    if (!this.current) {
      const next = VIOLATION_KINDS.find((kind) => inForce.has(kind));
      if (next) this.begin(inForce.get(next)!, input, events);
    }
    return { decision: this.decision(), events };
  }

  /** Begins the next attempt at `violation`; a back-off without room fails at once and the next row follows. */
  private begin(violation: ConsistencyViolation, input: PolicyInput, events: PolicyEvent[]): void {
    const kind = violation.kind;
    for (;;) {
      const attempt = (this.attempts.get(kind) ?? 0) + 1;
      this.attempts.set(kind, attempt);
      const row = reactionRowFor(this.table, kind, attempt);
      const base = { violation: kind, attempt, reaction: row.reaction, atUs: input.nowUs };
      if (row.reaction === 'explore-back-off' && !this.roomBehind(row, input.rearClearM)) {
        events.push({ ...base, kind: 'reaction-failed', reason: 'rear-blocked' });
        continue;
      }
      events.push({
        ...base,
        kind: row.reaction === 'escalate-and-hold' ? 'escalated' : 'reaction-started',
        reason: '',
      });
      log('%s attempt %d: %s', kind, attempt, row.reaction);
      this.current = { violation, attempt, row, sinceUs: input.nowUs, begins: true, resuming: false };
      return;
    }
  }

  private roomBehind(row: ReactionRow, rearClearM: number | null): boolean {
    return rearClearM !== null && rearClearM >= (row.backOffM ?? 0) + this.settings.backOffRearMarginM;
  }

  private decision(): PolicyDecision {
    const c = this.current;
    if (!c) return { state: 'idle' };
    if (c.row.reaction === 'escalate-and-hold') {
      return {
        state: 'holding',
        violation: c.violation,
        attempts: c.attempt - 1,
        sinceUs: c.sinceUs,
        begins: c.begins,
      };
    }
    return {
      state: 'reacting',
      violation: c.violation,
      attempt: c.attempt,
      row: c.row,
      sinceUs: c.sinceUs,
      begins: c.begins,
      resuming: c.resuming,
    };
  }
}
