import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../config/param-values.js';
import { integrateArc, type Pose2D } from '../../messages/geometry.js';
import { ConsistencyChecker } from './consistency-checker.js';
import { consistencySettingsFromParams } from './consistency-settings.js';
import { exploreMotionFor, type ExploreMotion } from './explore-motions.js';
import { ReactionPolicy, type PolicyEvent } from './reaction-policy.js';
import type { ViolationChange } from './violation.js';

const SETTINGS = consistencySettingsFromParams(resolveParams({}), 0.2);
const STEP_US = 50_000;
const CRUISE_MPS = 0.3;

/**
 * The checker, the policy and the explore motions wired as the mission executor is to wire them:
 * at every step the checker gets the motion given and the encoders' pose, the policy the
 * violations in force, and the drive command is the mission's (straight ahead), the reaction's
 * motion, or nothing while holding. The robot is a unicycle that cannot drive forward while its
 * heading points into a low obstacle it cannot see (`blocked`); turning and reversing work.
 */
function runScenario(blocked: (pose: Pose2D) => boolean, durationS: number) {
  const checker = new ConsistencyChecker(SETTINGS);
  const policy = new ReactionPolicy(SETTINGS);
  const changes: ViolationChange[] = [];
  const events: PolicyEvent[] = [];
  const holding: number[] = [];
  let truth: Pose2D = { xM: 0, yM: 0, yawRad: 0 };
  let motion: ExploreMotion | null = null;
  let motionDone = false;
  let forwardWhileHolding = 0;
  for (let nowUs = 0; nowUs < durationS * 1e6; nowUs += STEP_US) {
    const { decision, events: stepEvents } = policy.update({
      nowUs,
      violations: checker.violations(),
      reactionDone: motionDone,
      rearClearM: 2,
    });
    events.push(...stepEvents);
    let command = { vMps: CRUISE_MPS, wRadps: 0 };
    motionDone = false;
    if (decision.state === 'holding') {
      command = { vMps: 0, wRadps: 0 };
      holding.push(nowUs);
    } else if (decision.state === 'reacting') {
      if (decision.begins) motion = exploreMotionFor(decision.row, SETTINGS);
      if (!decision.resuming && motion) {
        const out = motion.step(truth);
        command = { vMps: out.vMps, wRadps: out.wRadps };
        motionDone = out.done;
      } else if (!decision.resuming) {
        motionDone = true; // a replan: the executor would ask the navigator for a new plan here
      }
    }
    changes.push(
      ...checker.step({
        nowUs,
        commanded: command,
        applied: command,
        measured: [{ source: 'encoders', stampUs: nowUs, pose: truth }],
        localisation: { state: 'ok', quality: 0.9 },
      }),
    );
    const forward = command.vMps > 0 && blocked(truth) ? 0 : command.vMps;
    if (decision.state === 'holding' && command.vMps > 0) forwardWhileHolding++;
    truth = integrateArc(truth, forward, command.wRadps, STEP_US / 1e6);
  }
  return { changes, events, holding, truth, forwardWhileHolding };
}

describe('GIVEN a robot held by a low obstacle the lidar cannot see', () => {
  it('WHEN the obstacle spans its whole way THEN wedged is raised with its evidence, the explore rows follow, and it escalates and holds', () => {
    const { changes, events, holding, forwardWhileHolding } = runScenario((pose) => pose.xM >= 1, 120);
    const wedged = changes.find((c) => c.phase === 'start' && c.violation.kind === 'wedged');
    expect(wedged).toBeDefined();
    if (wedged?.violation.kind !== 'wedged') return;
    expect(wedged.violation.evidence.source).toBe('encoders');
    expect(wedged.violation.evidence.expectedSpeedMps).toBeGreaterThan(SETTINGS.wedgedMinSpeedMps);
    expect(wedged.violation.evidence.achievedM).toBeLessThan(
      SETTINGS.wedgedRatio * wedged.violation.evidence.expectedTravelM,
    );
    const begun = events.filter((e) => e.kind === 'reaction-started' || e.kind === 'escalated');
    expect(begun.map((e) => e.reaction)).toEqual([
      'explore-rotate',
      'explore-back-off',
      'explore-back-off',
      'escalate-and-hold',
    ]);
    expect(events.filter((e) => e.kind === 'escalated')).toHaveLength(1);
    expect(holding.length).toBeGreaterThan(0);
    expect(forwardWhileHolding).toBe(0);
  });

  it('WHEN a turn frees it (a small obstacle straight ahead) THEN the first explore row recovers and nothing escalates', () => {
    const { changes, events, truth } = runScenario((pose) => pose.xM >= 1 && Math.abs(pose.yawRad) < 0.3, 40);
    expect(changes.filter((c) => c.violation.kind === 'wedged').map((c) => c.phase)).toEqual(['start', 'clear']);
    expect(events.map((e) => [e.kind, e.reaction])).toEqual([
      ['reaction-started', 'explore-rotate'],
      ['reaction-succeeded', 'explore-rotate'],
    ]);
    expect(truth.xM).toBeGreaterThan(3);
  });
});
