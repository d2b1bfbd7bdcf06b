import createDebug from 'debug';
import type { Pose2D } from '../../messages/geometry.js';
import type { ConsistencySettings } from './consistency-settings.js';
import { DebouncedCondition } from './debounced-condition.js';
import { GivenMotionTrack } from './given-motion-track.js';
import { MotionWindow } from './motion-window.js';
import type { PathContradiction } from './path-contradiction.js';
import {
  VIOLATION_KINDS,
  type ConsistencyViolation,
  type LocalisationEvidence,
  type MotionEvidence,
  type MotionSource,
  type ViolationChange,
  type ViolationKind,
} from './violation.js';

const log = createDebug('spinal:cortex:consistency');

/** Body motion, m/s forward and rad/s counter-clockwise. */
export interface BodyMotion {
  vMps: number;
  wRadps: number;
}

/** A pose a motion source measured at `stampUs` (each source in its own, continuous frame). */
export interface MeasuredPose {
  source: MotionSource;
  stampUs: number;
  pose: Pose2D;
}

/** What the checker is given at every cortex step. */
export interface ConsistencyStepInput {
  nowUs: number;
  /** The motion the cortex asked for at this step. */
  commanded: BodyMotion;
  /** The motion the reflex applied (the odometry of record's), when known: it is what the robot was given. */
  applied?: BodyMotion | null;
  /** Poses measured since the last step, in stamp order per source (encoders' odometry; matched revolutions). */
  measured?: readonly MeasuredPose[];
  localisation: { state: 'ok' | 'lost' | 'off'; quality: number | null };
}

const MOTION_SOURCES: readonly MotionSource[] = ['encoders', 'scan-matching'];

/**
 * The consistency checker: does the world behave as the cortex predicted? A pure state machine
 * given the clock (every call carries its time). At each cortex step ({@link step}) it compares
 * the motion the robot was given with the motion each source measured over a trailing window
 * (wedged; pushed or slipping) and watches the localisation (lost); at each lidar revolution
 * ({@link revolution}) it takes whether the scan contradicts the map on the planned path
 * (path-blocked). Each violation is raised once its condition has held for its window and cleared
 * once its clearing condition has held for `clearHoldUs`; raising and clearing thresholds differ,
 * so it never flaps step by step. Every change is returned, with the evidence that justifies it.
 */
export class ConsistencyChecker {
  private readonly given: GivenMotionTrack;
  private readonly windows: ReadonlyMap<MotionSource, MotionWindow>;
  private readonly motion = new Map<string, DebouncedCondition>();
  private readonly motionEvidence = new Map<string, MotionEvidence>();
  private readonly pathBlocked: DebouncedCondition;
  private readonly lost: DebouncedCondition;
  private readonly active = new Map<ViolationKind, ConsistencyViolation>();
  private lastQuality: number | null = null;

  constructor(private readonly settings: ConsistencySettings) {
    this.given = new GivenMotionTrack(2 * settings.motionWindowUs);
    this.windows = new Map(MOTION_SOURCES.map((source) => [source, new MotionWindow(source, settings)]));
    for (const source of MOTION_SOURCES) {
      for (const kind of ['wedged', 'pushed'] as const) {
        this.motion.set(`${kind}/${source}`, new DebouncedCondition(0, settings.clearHoldUs));
      }
    }
    this.pathBlocked = new DebouncedCondition(settings.pathBlockedRaiseUs, settings.clearHoldUs);
    this.lost = new DebouncedCondition(settings.lostRaiseUs, settings.clearHoldUs);
  }

  /** The violations in force, most pressing first. */
  violations(): ConsistencyViolation[] {
    return VIOLATION_KINDS.flatMap((kind) => this.active.get(kind) ?? []);
  }

  /** One cortex step: the motion given and measured, and the localisation; returns what started or cleared. */
  step(input: ConsistencyStepInput): ViolationChange[] {
    const nowUs = input.nowUs;
    const given = input.applied ?? input.commanded;
    for (const sample of input.measured ?? []) this.windows.get(sample.source)?.add(sample.stampUs, sample.pose);
    this.given.add(nowUs, given.vMps, given.wRadps);
    const changes: ViolationChange[] = [];
    for (const [source, window] of this.windows) {
      const judgement = window.judge(nowUs, this.given);
      for (const kind of ['wedged', 'pushed'] as const) {
        const key = `${kind}/${source}`;
        const change = this.motion.get(key)!.update(nowUs, judgement[kind]);
        if (change === 'raised' && judgement.evidence) this.motionEvidence.set(key, judgement.evidence);
      }
    }
    for (const kind of ['wedged', 'pushed'] as const) this.settleMotion(kind, nowUs, changes);
    this.watchLocalisation(nowUs, input.localisation, changes);
    return changes;
  }

  /**
   * One lidar revolution's check of the path ahead (`findPathContradiction`), or null when there
   * is no path to check (not judged); returns what started or cleared.
   */
  revolution(nowUs: number, check: PathContradiction | null): ViolationChange[] {
    const s = this.settings;
    const observation =
      check === null
        ? 'unknown'
        : check.points >= s.pathBlockedMinPoints
          ? 'violating'
          : check.points === 0
            ? 'clear'
            : 'unknown';
    const change = this.pathBlocked.update(nowUs, observation);
    const changes: ViolationChange[] = [];
    if (change === 'raised' && check?.evidence) {
      this.begin({ kind: 'path-blocked', sinceUs: nowUs, evidence: { ...check.evidence } }, nowUs, changes);
    } else if (change === 'cleared') {
      this.end('path-blocked', nowUs, changes);
    }
    return changes;
  }

  /** Wedged or pushed is in force while any source has it raised; its evidence is the first source's to raise it. */
  private settleMotion(kind: 'wedged' | 'pushed', nowUs: number, changes: ViolationChange[]): void {
    const raisedBy = MOTION_SOURCES.filter((source) => this.motion.get(`${kind}/${source}`)!.raised);
    const inForce = this.active.has(kind);
    if (!inForce && raisedBy.length > 0) {
      const evidence = this.motionEvidence.get(`${kind}/${raisedBy[0]}`);
      if (evidence) this.begin({ kind, sinceUs: nowUs, evidence }, nowUs, changes);
    } else if (inForce && raisedBy.length === 0) {
      this.end(kind, nowUs, changes);
    }
  }

  private watchLocalisation(
    nowUs: number,
    localisation: ConsistencyStepInput['localisation'],
    changes: ViolationChange[],
  ): void {
    if (localisation.quality !== null) this.lastQuality = localisation.quality;
    const observation = localisation.state === 'lost' ? 'violating' : 'clear';
    const since = this.lost.violatingSince;
    const change = this.lost.update(nowUs, observation);
    if (change === 'raised') {
      const evidence: LocalisationEvidence = {
        state: localisation.state,
        quality: localisation.quality ?? this.lastQuality,
        lostForS: (nowUs - (since ?? nowUs)) / 1e6,
      };
      this.begin({ kind: 'localisation-lost', sinceUs: nowUs, evidence }, nowUs, changes);
    } else if (change === 'cleared') {
      this.end('localisation-lost', nowUs, changes);
    }
  }

  private begin(violation: ConsistencyViolation, nowUs: number, changes: ViolationChange[]): void {
    this.active.set(violation.kind, violation);
    log('%s raised: %o', violation.kind, violation.evidence);
    changes.push({ phase: 'start', atUs: nowUs, violation });
  }

  private end(kind: ViolationKind, nowUs: number, changes: ViolationChange[]): void {
    const violation = this.active.get(kind);
    if (!violation) return;
    this.active.delete(kind);
    log('%s cleared after %d ms', kind, (nowUs - violation.sinceUs) / 1e3);
    changes.push({ phase: 'clear', atUs: nowUs, violation });
  }
}
