import type { Pose2D } from '../../messages/geometry.js';
import type { Observation } from './debounced-condition.js';
import type { GivenMotionTrack } from './given-motion-track.js';
import type { ConsistencySettings } from './consistency-settings.js';
import type { MotionEvidence, MotionSource } from './violation.js';

/** What one source's window says about the two motion violations. */
export interface MotionJudgement {
  wedged: Observation;
  pushed: Observation;
  /** The numbers behind it (null: too few measured poses in the window to judge). */
  evidence: MotionEvidence | null;
}

interface Sample {
  stampUs: number;
  pose: Pose2D;
  /** Turn since the first kept sample, summed over successive poses, radians. */
  turnRad: number;
}

/** Share of the window the measured poses must span before it is judged. */
const MIN_SPAN_SHARE = 0.5;

/**
 * How much of a measured amount the given one does not explain: none while the robot made the
 * same or less of it (less is a wedge's business), the excess beyond it, or all of it against it.
 */
function unexplainedPart(measured: number, given: number): number {
  if (given === 0) return Math.abs(measured);
  const along = measured * Math.sign(given);
  return along < 0 ? -along : Math.max(0, along - Math.abs(given));
}

/** The measured displacement (mx, my) the given one (ex, ey) does not explain: sideways, and along it as {@link unexplainedPart}. */
function unexplainedTravel(mx: number, my: number, ex: number, ey: number): number {
  const length = Math.hypot(ex, ey);
  if (length === 0) return Math.hypot(mx, my);
  const along = (mx * ex + my * ey) / length;
  const sideways = Math.abs(mx * ey - my * ex) / length;
  return Math.hypot(sideways, unexplainedPart(along, length));
}

function wrap(rad: number): number {
  return Math.atan2(Math.sin(rad), Math.cos(rad));
}

/**
 * One motion source's measured poses over the trailing window (each source in its own frame: the
 * encoders' odometry, or the poses matched against the map), compared with the given motion over
 * the same interval:
 *
 * - **wedged**: the robot was given a mean speed of at least `wedgedMinSpeedMps` (or, barely moving
 *   forward, a turn of at least `wedgedMinTurnRateRadps`) and achieved less than `wedgedRatio` of
 *   it along the direction given; clear once it achieves `wedgedClearRatio`; not judged otherwise;
 * - **pushed**: it moved at least `pushedDistanceM` that the given motion does not explain
 *   (sideways, beyond it, or against it; making less of it is a wedge, not a push), or turned at
 *   least `pushedTurnRad` unexplained; clear once both unexplained parts are below half of that.
 *
 * The window is judged only when its poses span at least half of it and the newest is recent.
 */
export class MotionWindow {
  private readonly samples: Sample[] = [];

  constructor(
    readonly source: MotionSource,
    private readonly settings: ConsistencySettings,
  ) {}

  /** A measured pose at `stampUs` (stamps in order; an older or equal one is ignored). */
  add(stampUs: number, pose: Pose2D): void {
    const last = this.samples[this.samples.length - 1];
    if (last && stampUs <= last.stampUs) return;
    const turnRad = last ? last.turnRad + wrap(pose.yawRad - last.pose.yawRad) : 0;
    this.samples.push({ stampUs, pose, turnRad });
  }

  /** The judgement at `nowUs` against the given motion. */
  judge(nowUs: number, given: GivenMotionTrack): MotionJudgement {
    const s = this.settings;
    const windowUs = s.motionWindowUs;
    // The window ends at the newest pose when one is newer than the step (a cortex catching up on
    // the steps a stall held back sees poses from later): a pose older than a window before it
    // says nothing of the motion now.
    const endUs = Math.max(nowUs, this.samples[this.samples.length - 1]?.stampUs ?? nowUs);
    while (this.samples.length > 1 && this.samples[0]!.stampUs < endUs - windowUs) this.samples.shift();
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (
      !first ||
      !last ||
      first.stampUs < endUs - windowUs ||
      last.stampUs - first.stampUs < MIN_SPAN_SHARE * windowUs ||
      nowUs - last.stampUs > (1 - MIN_SPAN_SHARE) * windowUs
    ) {
      return { wedged: 'unknown', pushed: 'unknown', evidence: null };
    }
    const spanS = (last.stampUs - first.stampUs) / 1e6;
    const c = Math.cos(first.pose.yawRad);
    const sn = Math.sin(first.pose.yawRad);
    const dx = last.pose.xM - first.pose.xM;
    const dy = last.pose.yM - first.pose.yM;
    const mx = c * dx + sn * dy;
    const my = -sn * dx + c * dy;
    const measuredTurn = last.turnRad - first.turnRad;
    const e = given.displacement(first.stampUs, last.stampUs);
    const expectedTravel = Math.hypot(e.xM, e.yM);
    const measuredTravel = Math.hypot(mx, my);
    const achieved = expectedTravel > 0 ? (mx * e.xM + my * e.yM) / expectedTravel : 0;
    const unexplained = unexplainedTravel(mx, my, e.xM, e.yM);
    const unexplainedTurn = unexplainedPart(measuredTurn, e.turnRad);
    const evidence: MotionEvidence = {
      source: this.source,
      windowS: spanS,
      expectedSpeedMps: expectedTravel / spanS,
      measuredSpeedMps: measuredTravel / spanS,
      expectedTravelM: expectedTravel,
      measuredTravelM: measuredTravel,
      achievedM: achieved,
      expectedTurnRad: e.turnRad,
      measuredTurnRad: measuredTurn,
      unexplainedM: unexplained,
      unexplainedTurnRad: unexplainedTurn,
    };
    return {
      wedged: this.wedged(spanS, expectedTravel, achieved, e.turnRad, measuredTurn),
      pushed: this.pushed(unexplained, unexplainedTurn),
      evidence,
    };
  }

  private wedged(
    spanS: number,
    expected: number,
    achieved: number,
    expectedTurn: number,
    measuredTurn: number,
  ): Observation {
    const s = this.settings;
    let share: number;
    if (expected >= s.wedgedMinSpeedMps * spanS) share = achieved / expected;
    else if (Math.abs(expectedTurn) >= s.wedgedMinTurnRateRadps * spanS)
      share = (measuredTurn * Math.sign(expectedTurn)) / Math.abs(expectedTurn);
    else return 'unknown';
    if (share < s.wedgedRatio) return 'violating';
    return share >= s.wedgedClearRatio ? 'clear' : 'unknown';
  }

  private pushed(unexplained: number, unexplainedTurn: number): Observation {
    // The unexplained parts are never more than what was measured, so the robot really moved that far.
    const s = this.settings;
    if (unexplained >= s.pushedDistanceM || unexplainedTurn >= s.pushedTurnRad) return 'violating';
    return unexplained < s.pushedDistanceM / 2 && unexplainedTurn < s.pushedTurnRad / 2 ? 'clear' : 'unknown';
  }
}
