import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../config/param-values.js';
import { consistencySettingsFromParams } from './consistency-settings.js';
import { ReactionPolicy, type PolicyEvent } from './reaction-policy.js';
import {
  checkReactionTable,
  REACTION_SEVERITY,
  REACTION_TABLE,
  reactionRowFor,
  ReactionTableError,
  type ReactionRow,
} from './reaction-table.js';
import { VIOLATION_KINDS, type ConsistencyViolation, type ViolationKind } from './violation.js';

const SETTINGS = consistencySettingsFromParams(resolveParams({}), 0.2);
const STEP_US = 50_000;

function violation(kind: ViolationKind, sinceUs = 0): ConsistencyViolation {
  if (kind === 'path-blocked') {
    return {
      kind,
      sinceUs,
      evidence: { points: 3, nearest: { xM: 1, yM: 0 }, alongPathM: 1, offPathM: 0, lookaheadM: 2 },
    };
  }
  if (kind === 'localisation-lost') return { kind, sinceUs, evidence: { state: 'lost', quality: 0.1, lostForS: 1 } };
  const evidence = {
    source: 'encoders' as const,
    windowS: 1.5,
    expectedSpeedMps: 0.3,
    measuredSpeedMps: 0,
    expectedTravelM: 0.45,
    measuredTravelM: 0,
    achievedM: 0,
    expectedTurnRad: 0,
    measuredTurnRad: 0,
    unexplainedM: 0,
    unexplainedTurnRad: 0,
  };
  return { kind, sinceUs, evidence };
}

/** The rows a violation that never clears goes through, attempt by attempt, until it holds. */
function rowsUntilHold(kind: ViolationKind): ReactionRow[] {
  const rows: ReactionRow[] = [];
  for (let attempt = 1; ; attempt++) {
    const row = reactionRowFor(REACTION_TABLE, kind, attempt);
    rows.push(row);
    if (row.reaction === 'escalate-and-hold') return rows;
  }
}

/** Runs the policy with `kind` in force from the start, every reaction failing (by its motion ending or by timeout). */
function failEveryReaction(kind: ViolationKind, rearClearM: number | null, endsByMotion: boolean[], steps: number) {
  const policy = new ReactionPolicy(SETTINGS);
  const events: PolicyEvent[] = [];
  let nowUs = 0;
  let sinceStartUs = 0;
  let states: string[] = [];
  for (let i = 0; i < steps; i++, nowUs += STEP_US) {
    const attempt = policy.attemptsAt(kind);
    const done = (endsByMotion[attempt % endsByMotion.length] ?? false) && nowUs - sinceStartUs >= 10 * STEP_US;
    const out = policy.update({ nowUs, violations: [violation(kind)], reactionDone: done, rearClearM });
    events.push(...out.events);
    if (out.decision.state !== 'idle' && out.decision.begins) sinceStartUs = nowUs;
    states = [...states, out.decision.state];
  }
  return { events, states, policy };
}

describe('the reaction table', () => {
  it('is well formed: every violation covered from attempt 1, escalating, ending in escalate-and-hold', () => {
    expect(() => checkReactionTable(REACTION_TABLE)).not.toThrow();
    for (const kind of VIOLATION_KINDS) {
      const rows = rowsUntilHold(kind);
      const severities = rows.map((row) => REACTION_SEVERITY[row.reaction]);
      expect(severities).toEqual([...severities].sort((a, b) => a - b));
      expect(rows[rows.length - 1]?.reaction).toBe('escalate-and-hold');
    }
  });

  it('rejects a gap, a milder row after a harsher one, a missing angle and a table without the final hold', () => {
    const wedged = REACTION_TABLE.filter((row) => row.violation !== 'wedged');
    const rows = (...extra: ReactionRow[]) => [...wedged, ...extra];
    const hold: ReactionRow = {
      violation: 'wedged',
      fromAttempt: 2,
      toAttempt: Infinity,
      reaction: 'escalate-and-hold',
      why: '',
    };
    const rotate: ReactionRow = {
      violation: 'wedged',
      fromAttempt: 1,
      toAttempt: 1,
      reaction: 'explore-rotate',
      rotateDeg: 90,
      why: '',
    };
    expect(() => checkReactionTable(rows(rotate, hold))).not.toThrow();
    expect(() => checkReactionTable(rows(rotate, { ...hold, fromAttempt: 3 }))).toThrow(ReactionTableError);
    expect(() =>
      checkReactionTable(
        rows(
          { ...rotate, reaction: 'explore-back-off', backOffM: 0.2 },
          { ...hold, fromAttempt: 2, toAttempt: 2, reaction: 'replan' },
          { ...hold, fromAttempt: 3 },
        ),
      ),
    ).toThrow(/milder/);
    expect(() => checkReactionTable(rows({ ...rotate, rotateDeg: undefined }, hold))).toThrow(/rotateDeg/);
    expect(() => checkReactionTable(rows({ ...rotate, toAttempt: Infinity }))).toThrow(/escalate-and-hold/);
  });
});

describe('ReactionPolicy', () => {
  it('goes through the rows in table order when every reaction fails, then escalates once and holds', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VIOLATION_KINDS),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        (kind, endsByMotion) => {
          const steps = Math.ceil((8 * SETTINGS.reactionTimeoutUs) / STEP_US);
          const { events, states } = failEveryReaction(kind, 10, endsByMotion, steps);
          const expected = rowsUntilHold(kind);
          const begun = events.filter((e) => e.kind === 'reaction-started' || e.kind === 'escalated');
          expect(begun.map((e) => [e.attempt, e.reaction])).toEqual(expected.map((row, i) => [i + 1, row.reaction]));
          expect(events.filter((e) => e.kind === 'escalated')).toHaveLength(1);
          expect(events[events.length - 1]?.kind).toBe('escalated');
          expect(events.filter((e) => e.kind === 'reaction-failed')).toHaveLength(expected.length - 1);
          expect(states[states.length - 1]).toBe('holding');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('never proposes a back-off without room behind: that attempt fails at once and the next row follows', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VIOLATION_KINDS),
        fc.oneof(fc.constant(null), fc.double({ min: 0, max: 2, noNaN: true })),
        (kind, rearClearM) => {
          const steps = Math.ceil((8 * SETTINGS.reactionTimeoutUs) / STEP_US);
          const { events } = failEveryReaction(kind, rearClearM, [false], steps);
          for (const e of events.filter((e) => e.reaction === 'explore-back-off')) {
            const row = reactionRowFor(REACTION_TABLE, kind, e.attempt);
            const room = rearClearM !== null && rearClearM >= (row.backOffM ?? 0) + SETTINGS.backOffRearMarginM;
            expect(e.kind).toBe(
              room ? (e.kind === 'reaction-started' ? 'reaction-started' : 'reaction-failed') : 'reaction-failed',
            );
            if (!room) expect(e.reason).toBe('rear-blocked');
            else if (e.kind === 'reaction-failed') expect(e.reason).toBe('timeout');
          }
          for (const e of events.filter((e) => e.kind === 'reaction-failed' && e.reason !== 'rear-blocked')) {
            expect(e.reason).toBe('timeout');
          }
          expect(events[events.length - 1]?.kind).toBe('escalated');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('counts a clear during a reaction as success; a short clear moves on down the table, a long one starts again', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VIOLATION_KINDS),
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        (kind, reactSteps, longClear) => {
          const policy = new ReactionPolicy(SETTINGS);
          let nowUs = 0;
          const step = (active: boolean) => {
            const out = policy.update({
              nowUs,
              violations: active ? [violation(kind)] : [],
              reactionDone: false,
              rearClearM: 10,
            });
            nowUs += STEP_US;
            return out;
          };
          const first = step(true);
          expect(first.decision).toMatchObject({ state: expect.stringMatching(/reacting|holding/), begins: true });
          for (let i = 0; i < reactSteps; i++) step(true);
          const cleared = step(false);
          expect(cleared.events.map((e) => e.kind)).toEqual(['reaction-succeeded']);
          expect(cleared.decision).toEqual({ state: 'idle' });
          const clearUs = longClear ? SETTINGS.attemptResetUs + STEP_US : SETTINGS.attemptResetUs / 2;
          for (let t = 0; t < clearUs; t += STEP_US) step(false);
          const again = step(true);
          const attempt = again.events.find((e) => e.kind === 'reaction-started' || e.kind === 'escalated')?.attempt;
          expect(attempt).toBe(longClear ? 1 : 2);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('releases a hold when its violation clears, and reset forgets every attempt', () => {
    const { policy } = failEveryReaction('pushed', 10, [true], Math.ceil((4 * SETTINGS.reactionTimeoutUs) / STEP_US));
    const released = policy.update({ nowUs: 1e12, violations: [], reactionDone: false, rearClearM: 10 });
    expect(released.events.map((e) => e.kind)).toEqual(['hold-released']);
    expect(policy.attemptsAt('pushed')).toBeGreaterThan(1);
    policy.reset();
    expect(policy.attemptsAt('pushed')).toBe(0);
    const fresh = policy.update({
      nowUs: 1e12 + STEP_US,
      violations: [violation('pushed')],
      reactionDone: false,
      rearClearM: 10,
    });
    expect(fresh.events[0]).toMatchObject({ kind: 'reaction-started', attempt: 1, reaction: 'replan' });
  });

  it('handles the most pressing violation first', () => {
    const policy = new ReactionPolicy(SETTINGS);
    const out = policy.update({
      nowUs: 0,
      violations: [violation('pushed'), violation('localisation-lost'), violation('wedged')],
      reactionDone: false,
      rearClearM: 10,
    });
    expect(out.decision).toMatchObject({ state: 'reacting', violation: { kind: 'localisation-lost' }, attempt: 1 });
  });
});

describe('ReactionPolicy: a reaction resumes the mission once its own part is over', () => {
  it('says resuming once the motion is done, and fails as still-raised only at the timeout', () => {
    const policy = new ReactionPolicy(SETTINGS);
    const input = (nowUs: number, reactionDone: boolean) => ({
      nowUs,
      violations: [violation('wedged')],
      reactionDone,
      rearClearM: 10,
    });
    expect(policy.update(input(0, false)).decision).toMatchObject({ state: 'reacting', resuming: false, begins: true });
    const done = policy.update(input(STEP_US, true));
    expect(done.events).toEqual([]);
    expect(done.decision).toMatchObject({ state: 'reacting', attempt: 1, resuming: true, begins: false });
    expect(policy.update(input(SETTINGS.reactionTimeoutUs - STEP_US, false)).events).toEqual([]);
    const timedOut = policy.update(input(SETTINGS.reactionTimeoutUs, false));
    expect(timedOut.events.map((e) => [e.kind, e.reason, e.attempt])).toEqual([
      ['reaction-failed', 'still-raised', 1],
      ['reaction-started', '', 2],
    ]);
    expect(timedOut.decision).toMatchObject({ state: 'reacting', attempt: 2, resuming: false, begins: true });
  });
});
