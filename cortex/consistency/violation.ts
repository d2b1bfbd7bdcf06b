import type { Point2D } from '../../messages/geometry.js';

/**
 * What the consistency checker raises: the world does not behave as the cortex predicted. Each
 * violation carries the numbers that justify it, as they stood when it was raised.
 */

/** The kinds of violation, most pressing first (the reaction policy handles the first one active). */
export const VIOLATION_KINDS = Object.freeze(['localisation-lost', 'wedged', 'path-blocked', 'pushed'] as const);
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

/** Where a measured motion comes from: the wheel encoders' odometry, or poses matched against the map. */
export type MotionSource = 'encoders' | 'scan-matching';

/**
 * The motion the robot was given against the motion it measured, over one window. Displacements
 * are in the robot frame at the window's start; turns are summed, not wrapped.
 */
export interface MotionEvidence {
  source: MotionSource;
  /** Time between the window's first and last measured pose, seconds. */
  windowS: number;
  /** Mean speeds over the window (net displacement / time), m/s. */
  expectedSpeedMps: number;
  measuredSpeedMps: number;
  /** Net displacement, metres; the measured one projected onto the expected direction (`achievedM`). */
  expectedTravelM: number;
  measuredTravelM: number;
  achievedM: number;
  /** Turns over the window, radians (CCW positive). */
  expectedTurnRad: number;
  measuredTurnRad: number;
  /**
   * The measured motion the expected one does not explain (sideways, beyond it, or against it; less
   * of the same is not counted), metres; the turns likewise, radians.
   */
  unexplainedM: number;
  unexplainedTurnRad: number;
}

/** A revolution's returns on the planned path ahead where the plan took the map as free. */
export interface PathBlockEvidence {
  /** Returns that contradict the map. */
  points: number;
  /** The contradicting return nearest along the path, world frame. */
  nearest: Point2D;
  /** Its distance along the path from the robot, and from the path, metres. */
  alongPathM: number;
  offPathM: number;
  /** The length of path checked, metres. */
  lookaheadM: number;
}

/** The localisation's state when it was raised as lost. */
export interface LocalisationEvidence {
  state: 'ok' | 'lost' | 'off';
  /** The last match quality, 0..1 (null: not matched). */
  quality: number | null;
  /** How long the state had been lost, seconds. */
  lostForS: number;
}

/** A consistency violation in force since `sinceUs` (the clock time it was raised). */
export type ConsistencyViolation =
  | { kind: 'wedged' | 'pushed'; sinceUs: number; evidence: MotionEvidence }
  | { kind: 'path-blocked'; sinceUs: number; evidence: PathBlockEvidence }
  | { kind: 'localisation-lost'; sinceUs: number; evidence: LocalisationEvidence };

/** A violation raised (`start`) or cleared (`clear`) at `atUs`: what the ledger records. */
export interface ViolationChange {
  phase: 'start' | 'clear';
  atUs: number;
  violation: ConsistencyViolation;
}
