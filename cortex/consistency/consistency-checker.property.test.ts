import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../config/param-values.js';
import { integrateArc, type Pose2D } from '../../messages/geometry.js';
import { ConsistencyChecker, type MeasuredPose } from './consistency-checker.js';
import { consistencySettingsFromParams } from './consistency-settings.js';
import type { MotionSource, ViolationChange } from './violation.js';

const SETTINGS = consistencySettingsFromParams(resolveParams({}), 0.2);
const STEP_US = 50_000;
const WINDOW_US = SETTINGS.motionWindowUs;

/** A stretch of a trace: the motion given, and how much of it the robot really makes (gain) for how long. */
interface Stretch {
  vMps: number;
  wRadps: number;
  /** Share of the given forward speed and turn rate the robot really makes (0: wedged). */
  gain: number;
  /** Motion the robot makes on its own, without being told (a push). */
  ownVMps?: number;
  durationUs: number;
}

/**
 * Runs the checker over a trace at 20 Hz: the robot's true pose follows the given motion times the
 * stretch's gain (one step late, as motors lag), and `source` measures it with bounded noise
 * (encoders every step, scan matching every other step).
 */
function run(
  stretches: readonly Stretch[],
  source: MotionSource,
  noise: { xy: number; yaw: number } = { xy: 0, yaw: 0 },
  seed = 1,
): { changes: ViolationChange[]; endUs: number; startsUs: number[] } {
  const checker = new ConsistencyChecker(SETTINGS);
  const changes: ViolationChange[] = [];
  const startsUs: number[] = [];
  let truth: Pose2D = { xM: 1, yM: 2, yawRad: 0.3 };
  let nowUs = 1_000_000;
  let previous: { vMps: number; wRadps: number } = { vMps: 0, wRadps: 0 };
  let random = seed >>> 0 || 1;
  const jitter = (amplitude: number) => {
    random = (random * 1103515245 + 12345) >>> 0;
    return ((random / 0xffffffff) * 2 - 1) * amplitude;
  };
  let step = 0;
  for (const stretch of stretches) {
    startsUs.push(nowUs);
    const steps = Math.max(1, Math.round(stretch.durationUs / STEP_US));
    for (let i = 0; i < steps; i++, step++) {
      const measured: MeasuredPose[] = [];
      if (source === 'encoders' || step % 2 === 0) {
        const pose = {
          xM: truth.xM + jitter(noise.xy),
          yM: truth.yM + jitter(noise.xy),
          yawRad: truth.yawRad + jitter(noise.yaw),
        };
        measured.push({ source, stampUs: nowUs, pose });
      }
      const given = { vMps: stretch.vMps, wRadps: stretch.wRadps };
      changes.push(
        ...checker.step({
          nowUs,
          commanded: given,
          applied: given,
          measured,
          localisation: { state: 'ok', quality: 0.9 },
        }),
      );
      // The robot makes the previous step's motion (motor lag), scaled by the stretch's gain.
      truth = integrateArc(
        truth,
        previous.vMps * stretch.gain + (stretch.ownVMps ?? 0),
        previous.wRadps * stretch.gain,
        STEP_US / 1e6,
      );
      previous = given;
      nowUs += STEP_US;
    }
  }
  return { changes, endUs: nowUs, startsUs };
}

const source = fc.constantFrom<MotionSource>('encoders', 'scan-matching');

/** Motion a working robot makes: forward and turning within its limits, for a while, made with a gain near 1. */
const consistentStretch = fc.record({
  vMps: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
  wRadps: fc.double({ min: -1, max: 1, noNaN: true }),
  gain: fc.double({ min: 0.93, max: 1.07, noNaN: true }),
  durationUs: fc.integer({ min: 100_000, max: 2_500_000 }),
});

/** Motion the robot is given but does not make: forward faster than the wedge minimum, or turning in place. */
const wedgedStretch = fc.oneof(
  fc.record({
    vMps: fc.double({ min: 1.5 * SETTINGS.wedgedMinSpeedMps, max: 0.5, noNaN: true }).map((v) => v),
    wRadps: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
    gain: fc.double({ min: 0, max: 0.1, noNaN: true }),
  }),
  fc.record({
    vMps: fc.constant(0),
    wRadps: fc
      .double({ min: 1.5 * SETTINGS.wedgedMinTurnRateRadps, max: 1, noNaN: true })
      .chain((w) => fc.constantFrom(w, -w)),
    gain: fc.double({ min: 0, max: 0.1, noNaN: true }),
  }),
);

describe('ConsistencyChecker: wedged', () => {
  it('raises wedged, with its evidence, within one window and a step of the robot no longer making the motion it is given', () => {
    fc.assert(
      fc.property(
        fc.array(consistentStretch, { maxLength: 3 }),
        wedgedStretch,
        source,
        fc.integer(),
        (before, wedged, from, seed) => {
          const trace = [...before, { ...wedged, durationUs: WINDOW_US + 4 * STEP_US }];
          const { changes, startsUs } = run(trace, from, { xy: 0.003, yaw: 0.003 }, seed);
          const wedgeStartUs = startsUs[startsUs.length - 1]!;
          const start = changes.find((c) => c.phase === 'start' && c.violation.kind === 'wedged');
          expect(start, 'wedged raised').toBeDefined();
          expect(start!.atUs).toBeLessThanOrEqual(wedgeStartUs + WINDOW_US + STEP_US);
          const v = start!.violation;
          if (v.kind !== 'wedged') throw new Error('unreachable');
          expect(v.sinceUs).toBe(start!.atUs);
          expect(v.evidence.source).toBe(from);
          expect(v.evidence.windowS).toBeGreaterThan(0);
          const judgedByTravel = v.evidence.expectedSpeedMps >= SETTINGS.wedgedMinSpeedMps;
          if (judgedByTravel) {
            expect(v.evidence.achievedM).toBeLessThan(SETTINGS.wedgedRatio * v.evidence.expectedTravelM);
          } else {
            expect(Math.abs(v.evidence.expectedTurnRad)).toBeGreaterThanOrEqual(
              SETTINGS.wedgedMinTurnRateRadps * v.evidence.windowS,
            );
            // The turn made the way it was given (a turn the other way counts against it).
            expect(v.evidence.measuredTurnRad * Math.sign(v.evidence.expectedTurnRad)).toBeLessThan(
              SETTINGS.wedgedRatio * Math.abs(v.evidence.expectedTurnRad),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('raises nothing on a robot that makes the motion it is given, within gain error, motor lag and measurement noise', () => {
    fc.assert(
      fc.property(
        fc.array(consistentStretch, { minLength: 1, maxLength: 8 }),
        source,
        fc.integer(),
        (trace, from, seed) => {
          const { changes } = run(trace, from, { xy: 0.005, yaw: 0.005 }, seed);
          expect(changes).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('does not judge a robot that is given no motion, however still it stands', () => {
    const { changes } = run([{ vMps: 0, wRadps: 0, gain: 0, durationUs: 5 * WINDOW_US }], 'encoders');
    expect(changes).toEqual([]);
  });

  it('once raised, stays raised while the robot makes between the raising and the clearing share of its motion', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gain: fc.double({ min: SETTINGS.wedgedRatio + 0.05, max: SETTINGS.wedgedClearRatio - 0.05, noNaN: true }),
            durationUs: fc.integer({ min: 50_000, max: 600_000 }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        source,
        (wobble, from) => {
          const trace: Stretch[] = [
            { vMps: 0.3, wRadps: 0, gain: 0, durationUs: WINDOW_US + 2 * STEP_US },
            ...wobble.map((w) => ({ vMps: 0.3, wRadps: 0, ...w })),
          ];
          const { changes } = run(trace, from);
          expect(changes.map((c) => `${c.phase} ${c.violation.kind}`)).toEqual(['start wedged']);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never clears sooner than the clear hold after raising, however the motion made wavers', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            vMps: fc.constant(0.3),
            wRadps: fc.constant(0),
            gain: fc.double({ min: 0, max: 1.05, noNaN: true }),
            durationUs: fc.integer({ min: 50_000, max: 2_000_000 }),
          }),
          { minLength: 2, maxLength: 14 },
        ),
        source,
        (trace, from) => {
          const { changes, endUs } = run(trace, from);
          const wedged = changes.filter((c) => c.violation.kind === 'wedged');
          for (let i = 0; i < wedged.length; i++) {
            expect(wedged[i]!.phase).toBe(i % 2 === 0 ? 'start' : 'clear');
            if (i % 2 === 1) {
              expect(wedged[i]!.atUs - wedged[i - 1]!.atUs).toBeGreaterThanOrEqual(SETTINGS.clearHoldUs);
            }
          }
          // Each start and clear pair spans at least the clear hold: the changes are bounded by the trace's length.
          expect(wedged.length).toBeLessThanOrEqual(2 * Math.ceil((endUs - 1_000_000) / SETTINGS.clearHoldUs) + 1);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('clears once the robot makes its motion again for the clear hold', () => {
    const { changes } = run(
      [
        { vMps: 0.3, wRadps: 0, gain: 0, durationUs: WINDOW_US + 2 * STEP_US },
        { vMps: 0.3, wRadps: 0, gain: 1, durationUs: 2 * WINDOW_US + SETTINGS.clearHoldUs },
      ],
      'encoders',
    );
    expect(changes.map((c) => `${c.phase} ${c.violation.kind}`)).toEqual(['start wedged', 'clear wedged']);
  });
});

describe('ConsistencyChecker: pushed', () => {
  it('raises pushed when the robot moves on its own, given no motion, with the unexplained distance as evidence', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.25, max: 0.6, noNaN: true }).chain((v) => fc.constantFrom(v, -v)),
        source,
        (ownVMps, from) => {
          const { changes } = run(
            [
              { vMps: 0, wRadps: 0, gain: 1, durationUs: 500_000 },
              { vMps: 0, wRadps: 0, gain: 1, ownVMps, durationUs: WINDOW_US + 2 * STEP_US },
            ],
            from,
          );
          const start = changes.find((c) => c.phase === 'start');
          expect(start?.violation.kind).toBe('pushed');
          if (start?.violation.kind !== 'pushed') return;
          expect(start.violation.evidence.unexplainedM).toBeGreaterThanOrEqual(SETTINGS.pushedDistanceM);
          expect(start.violation.evidence.expectedTravelM).toBe(0);
          expect(changes.some((c) => c.violation.kind === 'wedged')).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('does not take a robot that moves less than the push distance on its own for pushed', () => {
    const { changes } = run(
      [
        {
          vMps: 0,
          wRadps: 0,
          gain: 1,
          ownVMps: (0.8 * SETTINGS.pushedDistanceM) / (WINDOW_US / 1e6),
          durationUs: 3 * WINDOW_US,
        },
      ],
      'encoders',
    );
    expect(changes).toEqual([]);
  });
});

describe('ConsistencyChecker: localisation lost', () => {
  const localise = (states: ('ok' | 'lost' | 'off')[]) => {
    const checker = new ConsistencyChecker(SETTINGS);
    const changes: ViolationChange[] = [];
    states.forEach((state, i) => {
      changes.push(
        ...checker.step({
          nowUs: i * STEP_US,
          commanded: { vMps: 0, wRadps: 0 },
          localisation: { state, quality: state === 'lost' ? 0.2 : 0.8 },
        }),
      );
    });
    return changes;
  };
  const steps = (us: number) => Math.ceil(us / STEP_US);

  it('raises localisation-lost once lost for the raise time, with how long and the quality', () => {
    const changes = localise([
      ...Array<'ok'>(5).fill('ok'),
      ...Array<'lost'>(steps(SETTINGS.lostRaiseUs) + 1).fill('lost'),
    ]);
    expect(changes).toHaveLength(1);
    const v = changes[0]!.violation;
    expect(v.kind).toBe('localisation-lost');
    if (v.kind !== 'localisation-lost') return;
    expect(v.evidence.lostForS * 1e6).toBeGreaterThanOrEqual(SETTINGS.lostRaiseUs);
    expect(v.evidence.quality).toBe(0.2);
  });

  it('never raises while the state flickers between lost and ok, and clears after the clear hold', () => {
    const flicker = Array.from({ length: 200 }, (_, i) => (i % 4 === 0 ? 'ok' : 'lost') as 'ok' | 'lost');
    expect(localise(flicker)).toEqual([]);
    const changes = localise([
      ...Array<'lost'>(steps(SETTINGS.lostRaiseUs) + 1).fill('lost'),
      ...Array<'ok'>(steps(SETTINGS.clearHoldUs) - 1).fill('ok'),
    ]);
    expect(changes.map((c) => c.phase)).toEqual(['start']);
    const cleared = localise([
      ...Array<'lost'>(steps(SETTINGS.lostRaiseUs) + 1).fill('lost'),
      ...Array<'ok'>(steps(SETTINGS.clearHoldUs) + 1).fill('ok'),
    ]);
    expect(cleared.map((c) => c.phase)).toEqual(['start', 'clear']);
  });
});

describe('ConsistencyChecker: path blocked', () => {
  const evidence = { nearest: { xM: 1, yM: 0 }, alongPathM: 1, offPathM: 0.01, lookaheadM: 2 };
  const contradiction = (points: number) => ({ points, evidence: points > 0 ? { ...evidence, points } : null });

  it('raises after contradicting revolutions for the raise time, not on a single one, and clears after clean ones', () => {
    const checker = new ConsistencyChecker(SETTINGS);
    const revolution = 100_000;
    const log: string[] = [];
    let t = 0;
    const feed = (points: number | null, count: number) => {
      for (let i = 0; i < count; i++, t += revolution) {
        for (const c of checker.revolution(t, points === null ? null : contradiction(points))) {
          log.push(`${c.phase}@${c.atUs}`);
        }
      }
    };
    feed(SETTINGS.pathBlockedMinPoints, 1);
    feed(0, 3);
    expect(log).toEqual([]);
    const raiseAt = t + Math.ceil(SETTINGS.pathBlockedRaiseUs / revolution) * revolution;
    feed(SETTINGS.pathBlockedMinPoints, Math.ceil(SETTINGS.pathBlockedRaiseUs / revolution) + 1);
    expect(log).toEqual([`start@${raiseAt}`]);
    expect(checker.violations()[0]).toMatchObject({
      kind: 'path-blocked',
      evidence: { points: SETTINGS.pathBlockedMinPoints },
    });
    feed(null, 30);
    feed(SETTINGS.pathBlockedMinPoints - 1 || null, 30);
    expect(log).toHaveLength(1);
    const clearFrom = t;
    feed(0, Math.ceil(SETTINGS.clearHoldUs / revolution) + 1);
    expect(log).toEqual([
      `start@${raiseAt}`,
      `clear@${clearFrom + Math.ceil(SETTINGS.clearHoldUs / revolution) * revolution}`,
    ]);
  });
});
