import { VIOLATION_KINDS, type ViolationKind } from './violation.js';

/** The reactions, mildest first: a row never reacts milder than the one before it for the same violation. */
export const REACTION_SEVERITY = Object.freeze({
  replan: 0,
  'explore-rotate': 1,
  'explore-back-off': 2,
  'escalate-and-hold': 3,
} as const);
export type Reaction = keyof typeof REACTION_SEVERITY;

/** What each reaction does, in words (for the docs). */
export const REACTION_EFFECTS: Readonly<Record<Reaction, string>> = {
  replan: 'plan again from where the robot is, on the map as it now is, and carry on',
  'explore-rotate': 'turn in place by the angle, at `consistency.exploreTurnRateRadps`, so the lidar sees all round',
  'explore-back-off':
    'reverse straight by the distance at `consistency.exploreSpeedMps`, only when the free distance behind exceeds it by `consistency.backOffRearMarginM` (else the attempt fails at once); the reflex still guards the motion',
  'escalate-and-hold':
    'stop and hold the mission; a `consistency-reaction` event `escalated` goes to the supervisor; the hold ends when the violation clears or the mission is reset',
};

/** One row of the reaction table: for attempts `fromAttempt`..`toAttempt` at a violation, this reaction. */
export interface ReactionRow {
  violation: ViolationKind;
  /** Attempts this row covers, counted from 1 since the violation was last clear for `consistency.attemptResetMs`. */
  fromAttempt: number;
  toAttempt: number;
  reaction: Reaction;
  /** `explore-rotate`: the angle to turn, degrees, counter-clockwise positive. */
  rotateDeg?: number;
  /** `explore-back-off`: the distance to reverse, metres. */
  backOffM?: number;
  /** Why this row, in a few words (for the docs). */
  why: string;
}

/**
 * The reaction table: for each violation, what the robot does at each attempt, escalating; the
 * last row of each ends in `escalate-and-hold`. An attempt fails when the violation is still in
 * force `consistency.reactionTimeoutMs` after its reaction began.
 */
export const REACTION_TABLE: readonly ReactionRow[] = Object.freeze([
  {
    violation: 'localisation-lost',
    fromAttempt: 1,
    toAttempt: 1,
    reaction: 'explore-rotate',
    rotateDeg: 360,
    why: 'a full turn shows the lidar the whole room to match against',
  },
  {
    violation: 'localisation-lost',
    fromAttempt: 2,
    toAttempt: 2,
    reaction: 'explore-back-off',
    backOffM: 0.3,
    why: 'back to where the pose was last confirmed',
  },
  {
    violation: 'localisation-lost',
    fromAttempt: 3,
    toAttempt: Infinity,
    reaction: 'escalate-and-hold',
    why: 'driving on without a pose risks the geofence',
  },
  {
    violation: 'wedged',
    fromAttempt: 1,
    toAttempt: 1,
    reaction: 'explore-rotate',
    rotateDeg: 45,
    why: 'a turn may free a caster or a bumper caught on a low edge',
  },
  {
    violation: 'wedged',
    fromAttempt: 2,
    toAttempt: 3,
    reaction: 'explore-back-off',
    backOffM: 0.25,
    why: 'away from what the lidar cannot see; the mission then replans',
  },
  {
    violation: 'wedged',
    fromAttempt: 4,
    toAttempt: Infinity,
    reaction: 'escalate-and-hold',
    why: 'stuck: a person must look',
  },
  {
    violation: 'path-blocked',
    fromAttempt: 1,
    toAttempt: 2,
    reaction: 'replan',
    why: 'the map now holds the obstacle: go round it',
  },
  {
    violation: 'path-blocked',
    fromAttempt: 3,
    toAttempt: 3,
    reaction: 'explore-rotate',
    rotateDeg: 360,
    why: 'rescan all round for another way',
  },
  {
    violation: 'path-blocked',
    fromAttempt: 4,
    toAttempt: Infinity,
    reaction: 'escalate-and-hold',
    why: 'no way round (a closed door)',
  },
  {
    violation: 'pushed',
    fromAttempt: 1,
    toAttempt: 2,
    reaction: 'replan',
    why: 'the robot is not where the plan left it',
  },
  {
    violation: 'pushed',
    fromAttempt: 3,
    toAttempt: Infinity,
    reaction: 'escalate-and-hold',
    why: 'someone or something keeps moving it',
  },
] satisfies ReactionRow[]);

/** A reaction table that is not well formed. */
export class ReactionTableError extends Error {
  override readonly name = 'ReactionTableError';
}

/**
 * Checks that every violation's rows cover attempts 1, 2, ... without gap or overlap, never react
 * milder than the row before, carry the angle or distance their reaction needs, and end in
 * `escalate-and-hold` for all attempts beyond. Throws a ReactionTableError naming the row.
 */
export function checkReactionTable(table: readonly ReactionRow[]): void {
  for (const kind of VIOLATION_KINDS) {
    const rows = table.filter((row) => row.violation === kind);
    let next = 1;
    let severity = -1;
    for (const row of rows) {
      const name = `${kind} attempts ${row.fromAttempt}..${row.toAttempt}`;
      if (row.fromAttempt !== next || row.toAttempt < row.fromAttempt) {
        throw new ReactionTableError(`reaction table: ${name} should start at attempt ${next}`);
      }
      if (REACTION_SEVERITY[row.reaction] < severity) {
        throw new ReactionTableError(`reaction table: ${name} (${row.reaction}) is milder than the row before`);
      }
      if (row.reaction === 'explore-rotate' && !(row.rotateDeg !== undefined && row.rotateDeg !== 0)) {
        throw new ReactionTableError(`reaction table: ${name} rotates without rotateDeg`);
      }
      if (row.reaction === 'explore-back-off' && !(row.backOffM !== undefined && row.backOffM > 0)) {
        throw new ReactionTableError(`reaction table: ${name} backs off without a positive backOffM`);
      }
      severity = REACTION_SEVERITY[row.reaction];
      next = row.toAttempt + 1;
    }
    const last = rows[rows.length - 1];
    if (!last || last.toAttempt !== Infinity || last.reaction !== 'escalate-and-hold') {
      throw new ReactionTableError(`reaction table: ${kind} must end in escalate-and-hold for every attempt beyond`);
    }
  }
}

/** The row of `table` for attempt `attempt` (from 1) at `kind`. */
export function reactionRowFor(table: readonly ReactionRow[], kind: ViolationKind, attempt: number): ReactionRow {
  const row = table.find((r) => r.violation === kind && attempt >= r.fromAttempt && attempt <= r.toAttempt);
  if (!row) throw new ReactionTableError(`reaction table: no row for ${kind} attempt ${attempt}`);
  return row;
}
