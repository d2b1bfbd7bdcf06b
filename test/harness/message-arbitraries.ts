/**
 * fast-check arbitraries for the in-process messages that cross the robot's boundary, covering every
 * field and every variant. Two things do not survive protobuf and are left out on purpose: `-0`
 * (proto3 does not write a zero, so it arrives as `0`) and lone UTF-16 surrogates (strings travel as
 * UTF-8, where they become U+FFFD).
 */
import fc from 'fast-check';
import type { Point2D, Pose2D } from '../../messages/geometry.js';
import { MISSION_STATES, type Mission, type MissionAssignment, type MissionState } from '../../messages/mission.js';
import type { BlackBoxEntry, Requester, RuntimeEvent, RuntimeEventBody } from '../../messages/runtime-event.js';

const withoutNegativeZero = (value: number): number => (value === 0 ? 0 : value);

/** Any double, NaN and the infinities included (measurements in events are not checked). */
export const anyDouble = fc.double().map(withoutNegativeZero);
export const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true }).map(withoutNegativeZero);
export const nonNegativeDouble = fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }).map(withoutNegativeZero);
/** A time in microseconds: any integer a number holds exactly. */
export const timeUs = fc.maxSafeInteger();
export const wireString = fc.string({ unit: 'binary' });

export const point2D: fc.Arbitrary<Point2D> = fc.record({ xM: finiteDouble, yM: finiteDouble });
export const pose2D: fc.Arbitrary<Pose2D> = fc.record({ xM: finiteDouble, yM: finiteDouble, yawRad: finiteDouble });

/** A coordinate a mission may give (messages/mission-shape.ts: within ±10 km). */
const siteCoordinate = fc.double({ min: -10_000, max: 10_000, noNaN: true }).map(withoutNegativeZero);
const sitePoint: fc.Arbitrary<Point2D> = fc.record({ xM: siteCoordinate, yM: siteCoordinate });
/** A tolerance a mission may give: (0, 10] m. */
const tolerance = fc.double({ min: 0.001, max: 10, noNaN: true });

/** Well-formed missions of every kind (what `missionShapeProblem` accepts). */
export const mission: fc.Arbitrary<Mission> = fc.oneof(
  fc.record({ kind: fc.constant('goto' as const), goal: sitePoint, toleranceM: tolerance }),
  fc.record({ kind: fc.constant('goto' as const), goal: sitePoint, toleranceM: tolerance, headingRad: finiteDouble }),
  fc.record({
    kind: fc.constant('drive' as const),
    vMps: finiteDouble,
    wRadps: finiteDouble,
    durationS: fc.double({ min: 0.001, max: 3_600, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('patrol' as const),
    waypoints: fc.array(sitePoint, { minLength: 1, maxLength: 8 }),
    laps: fc.nat({ max: 1_000 }),
    toleranceM: tolerance,
  }),
  fc.record({
    kind: fc.constant('survey' as const),
    area: fc.array(sitePoint, { minLength: 3, maxLength: 8 }),
    laneSpacingM: fc.double({ min: 0.01, max: 100, noNaN: true }),
    toleranceM: tolerance,
  }),
  fc.record({ kind: fc.constant('return-to-base' as const), toleranceM: tolerance }),
);

export const missionState: fc.Arbitrary<MissionState> = fc.constantFrom(...MISSION_STATES);

export const missionAssignment: fc.Arbitrary<MissionAssignment> = fc.record({ mission, initialPose: pose2D });

const nullable = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arbitrary, { nil: null });

export const blackBoxEntry: fc.Arbitrary<BlackBoxEntry> = fc.record({
  tUs: timeUs,
  cmdVMps: anyDouble,
  cmdWRadps: anyDouble,
  appliedVMps: anyDouble,
  appliedWRadps: anyDouble,
  aheadFreeM: nullable(anyDouble),
  lidarAgeMs: anyDouble,
  batteryV: nullable(anyDouble),
  tiltDeg: nullable(anyDouble),
  action: wireString,
  rule: wireString,
});

export const requester: fc.Arbitrary<Requester> = fc.record({
  via: fc.constantFrom('debug-port' as const, 'script' as const, 'supervisor' as const),
  remoteAddress: nullable(wireString),
  origin: nullable(wireString),
  authenticated: fc.boolean(),
});

const strings = fc.array(wireString, { maxLength: 4 });

export const runtimeEventBody: fc.Arbitrary<RuntimeEventBody> = fc.oneof(
  fc.record({
    kind: fc.constant('device-health' as const),
    device: wireString,
    from: wireString,
    to: wireString,
    reason: wireString,
  }),
  fc.record({
    kind: fc.constant('reflex-trip' as const),
    rule: wireString,
    reason: wireString,
    blackBox: fc.array(blackBoxEntry, { maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('mission' as const), mission: wireString, state: wireString }),
  fc.record({
    kind: fc.constant('mission' as const),
    mission: wireString,
    state: wireString,
    id: wireString.filter((s) => s !== ''),
    from: wireString.filter((s) => s !== ''),
    reason: wireString.filter((s) => s !== ''),
  }),
  fc.record({ kind: fc.constant('operator-estop' as const), reason: wireString, by: requester }),
  fc.record({ kind: fc.constant('operator-reset' as const), cleared: strings, stillActive: strings, by: requester }),
  fc.record({
    kind: fc.constant('override' as const),
    phase: fc.constantFrom('start' as const, 'end' as const),
    vMps: anyDouble,
    wRadps: anyDouble,
    commands: fc.integer({ min: 0, max: 0xffff_ffff }),
    endReason: nullable(wireString),
    by: requester,
  }),
  fc.record({
    kind: fc.constant('device-flapping' as const),
    device: wireString,
    phase: fc.constantFrom('start' as const, 'end' as const),
    transitions: fc.integer({ min: 0, max: 0xffff_ffff }),
    ratePerS: anyDouble,
    state: wireString,
    reason: wireString,
  }),
  fc.record({
    kind: fc.constant('ledger-notice' as const),
    notice: fc.constantFrom('disk-full' as const, 'disk-ok' as const, 'over-cap' as const),
    detail: wireString,
  }),
  fc.record({
    kind: fc.constant('upgrade' as const),
    outcome: fc.constantFrom('installed' as const, 'rolled-back' as const),
    journalSeq: fc.integer({ min: 0, max: 0xffff_ffff }),
    atIso: wireString,
    fromVersion: wireString,
    toVersion: wireString,
    reason: wireString,
  }),
  fc.record({
    kind: fc.constant('config-change' as const),
    version: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    values: fc.dictionary(
      fc.constantFrom('reflex.maxSpeedMps', 'cortex.cruiseSpeedMps', 'cortex.localisation', 'robot.id'),
      fc.oneof(finiteDouble, fc.boolean(), wireString),
    ),
    by: requester,
  }),
  fc.record({
    kind: fc.constant('consistency-violation' as const),
    phase: fc.constantFrom('start' as const, 'clear' as const),
    violation: wireString,
    source: wireString,
    evidence: fc.dictionary(
      wireString,
      anyDouble.filter((x) => !Number.isNaN(x)),
      { maxKeys: 5 },
    ),
  }),
  fc.record({
    kind: fc.constant('consistency-reaction' as const),
    event: wireString,
    violation: wireString,
    reaction: wireString,
    attempt: fc.nat({ max: 2 ** 32 - 1 }),
    reason: wireString,
  }),
  fc.record({
    kind: fc.constant('right-of-way' as const),
    action: fc.constantFrom('hold' as const, 'back-off' as const, 'deadlock' as const, 'go' as const),
    peer: wireString,
    reason: wireString,
    cycle: fc.array(wireString, { maxLength: 4 }),
  }),
);

export const runtimeEvent: fc.Arbitrary<RuntimeEvent> = fc
  .tuple(runtimeEventBody, fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), timeUs)
  .map(([body, seq, atUs]) => ({ ...body, seq, atUs }));
