import type { Pose2D } from '../../messages/geometry.js';
import type { RuntimeEventBody } from '../../messages/runtime-event.js';
import { ConsistencyChecker, type BodyMotion, type MeasuredPose } from './consistency-checker.js';
import type { ConsistencySettings } from './consistency-settings.js';
import { exploreMotionFor, type ExploreMotion } from './explore-motions.js';
import type { PathContradiction } from './path-contradiction.js';
import { ReactionPolicy, type PolicyEvent } from './reaction-policy.js';
import type { ConsistencyViolation, ViolationChange } from './violation.js';

/** What the guard makes of a step: the command to send, and whether the mission is to hold (and why), or replan. */
export interface GuardedStep {
  command: BodyMotion;
  /** Why the mission holds (the reaction table escalated), or null. */
  holdReason: string | null;
  /** The navigator should plan again now (a `replan` reaction begins). */
  replan: boolean;
}

/** A violation's evidence as the event carries it: its source, and its figures by name (a point as two). */
function evidenceOf(violation: ConsistencyViolation): { source: string; evidence: Record<string, number> } {
  const figures: Record<string, number> = {};
  let source = '';
  for (const [name, value] of Object.entries(violation.evidence)) {
    if (typeof value === 'number') figures[name] = value;
    else if (typeof value === 'string') source = value;
    else if (value && typeof value === 'object') {
      for (const [axis, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v === 'number') figures[`${name}.${axis}`] = v;
      }
    }
  }
  return { source, evidence: figures };
}

function violationEvent(change: ViolationChange): RuntimeEventBody {
  return {
    kind: 'consistency-violation',
    phase: change.phase,
    violation: change.violation.kind,
    ...evidenceOf(change.violation),
  };
}

function reactionEvent(event: PolicyEvent): RuntimeEventBody {
  return {
    kind: 'consistency-reaction',
    event: event.kind,
    violation: event.violation,
    reaction: event.reaction,
    attempt: event.attempt,
    reason: event.reason,
  };
}

/**
 * The consistency checker and the reaction policy wired into a mission (docs/cortex.md,
 * "Consistency checker"): at every step the policy picks the command (the mission's, an explore
 * motion's, none while holding) and the checker is then told what was asked and what was
 * measured; at every revolution it hears whether the scan contradicts the map on the path, and
 * the matched pose. Every violation raised or cleared and every reaction is reported as an event
 * body. Pure: the clock comes in with each call.
 */
export class ConsistencyGuard {
  private readonly checker: ConsistencyChecker;
  private readonly policy: ReactionPolicy;
  private motion: ExploreMotion | null = null;
  private motionDone = false;
  private matched: MeasuredPose[] = [];

  constructor(
    private readonly settings: ConsistencySettings,
    private readonly report: (body: RuntimeEventBody) => void,
  ) {
    this.checker = new ConsistencyChecker(settings);
    this.policy = new ReactionPolicy(settings);
  }

  /** The violations in force now. */
  violations(): ConsistencyViolation[] {
    return this.checker.violations();
  }

  /**
   * The command for this step, given the mission's (`mission`), where the robot is and the free
   * distance behind it (null: unknown, so it never backs off).
   */
  steer(nowUs: number, pose: Pose2D, mission: BodyMotion, rearClearM: number | null): GuardedStep {
    const { decision, events } = this.policy.update({
      nowUs,
      violations: this.checker.violations(),
      reactionDone: this.motionDone,
      rearClearM,
    });
    for (const event of events) this.report(reactionEvent(event));
    this.motionDone = false;
    if (decision.state === 'idle') return { command: mission, holdReason: null, replan: false };
    if (decision.state === 'holding') {
      const reason = `held: ${decision.violation.kind} after ${decision.attempts} attempt(s) to recover (escalated)`;
      return { command: { vMps: 0, wRadps: 0 }, holdReason: reason, replan: false };
    }
    if (decision.begins) this.motion = exploreMotionFor(decision.row, this.settings);
    if (decision.resuming) return { command: mission, holdReason: null, replan: false };
    if (!this.motion) {
      // A replan: the navigator plans again at once; its part is then over.
      this.motionDone = true;
      return { command: mission, holdReason: null, replan: decision.begins };
    }
    const out = this.motion.step(pose);
    this.motionDone = out.done;
    return { command: { vMps: out.vMps, wRadps: out.wRadps }, holdReason: null, replan: false };
  }

  /**
   * After the step's command went out: what was asked (`commanded`), what the reflex applied
   * (null: unknown), the encoders' odometry pose now (null without encoders) and the localisation.
   */
  observe(
    nowUs: number,
    commanded: BodyMotion,
    applied: BodyMotion | null,
    encoderPose: Pose2D | null,
    localisation: { state: 'ok' | 'lost' | 'off'; quality: number | null },
  ): void {
    const measured: MeasuredPose[] = [...this.matched];
    this.matched = [];
    if (encoderPose) measured.push({ source: 'encoders', stampUs: nowUs, pose: encoderPose });
    const changes = this.checker.step({ nowUs, commanded, applied, measured, localisation });
    for (const change of changes) this.report(violationEvent(change));
  }

  /** A lidar revolution: the pose it was matched at (null: not matched) and what it says of the path ahead. */
  revolution(nowUs: number, matched: { stampUs: number; pose: Pose2D } | null, check: PathContradiction | null): void {
    if (matched) this.matched.push({ source: 'scan-matching', ...matched });
    for (const change of this.checker.revolution(nowUs, check)) this.report(violationEvent(change));
  }

  /** A new mission: the policy starts over (the checker keeps watching the robot). */
  reset(): void {
    this.policy.reset();
    this.motion = null;
    this.motionDone = false;
  }
}
