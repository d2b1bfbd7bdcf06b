import type { Point2D } from '../../messages/geometry.js';

/** One point a mission drives to, and how close counts as there. */
export interface RouteLeg {
  goal: Point2D;
  toleranceM: number;
  /** Heading to turn to once there, radians (left out: any). */
  headingRad?: number;
}

function distance(a: Point2D, b: Point2D): number {
  return Math.hypot(a.xM - b.xM, a.yM - b.yM);
}

/**
 * The points of a mission in order (a goto's one, a patrol's waypoints lap after lap, a survey's
 * lane ends) and how far along the robot is: which leg it drives, laps done, distance left. Pure;
 * the executor says when a leg is reached.
 */
export class MissionRoute {
  private leg = 0;
  private lap = 0;
  /** Length of each leg of a lap after the first (from the previous point, the last one for leg 0). */
  private readonly lapLegM: number[];
  /** Length of a whole lap after the first. */
  private readonly lapM: number;
  /** Length of the first lap (its first leg from where the robot started). */
  private readonly firstLapM: number;
  private readonly firstLegM: number;

  /**
   * @param legs The points of one lap, at least one.
   * @param laps How many laps (1 for anything but a patrol; 0: forever).
   * @param from Where the robot is as the mission starts.
   */
  constructor(
    readonly legs: readonly RouteLeg[],
    readonly laps: number,
    from: Point2D,
  ) {
    if (legs.length === 0) throw new RangeError('a route needs at least one leg');
    this.lapLegM = legs.map((leg, i) => distance(legs[i === 0 ? legs.length - 1 : i - 1]!.goal, leg.goal));
    this.lapM = this.lapLegM.reduce((a, b) => a + b, 0);
    this.firstLegM = distance(from, legs[0]!.goal);
    this.firstLapM = this.lapM - this.lapLegM[0]! + this.firstLegM;
  }

  /** The leg to drive now (null once every lap is done). */
  get current(): RouteLeg | null {
    return this.done ? null : this.legs[this.leg]!;
  }

  /** Laps completed. */
  get lapsDone(): number {
    return this.lap;
  }

  get done(): boolean {
    return this.laps > 0 && this.lap >= this.laps;
  }

  /** Index of the leg under way in its lap. */
  get legIndex(): number {
    return this.leg;
  }

  /** The current leg is reached: on to the next (the next lap after the last leg). */
  reached(): void {
    if (this.done) return;
    this.leg++;
    if (this.leg >= this.legs.length) {
      this.leg = 0;
      this.lap++;
    }
  }

  /**
   * Distance still to drive from `at` along the route's points, metres: to the current leg's
   * point, then the legs after it; for a patrol that never ends, to the end of this lap.
   */
  remainingM(at: Point2D): number {
    const leg = this.current;
    if (!leg) return 0;
    let remaining = distance(at, leg.goal);
    for (let i = this.leg + 1; i < this.legs.length; i++) remaining += this.lapLegM[i]!;
    if (this.laps > 0) remaining += (this.laps - this.lap - 1) * this.lapM;
    return remaining;
  }

  /** Share of the route done, 0..1 (of this lap for a patrol that never ends). */
  progress(at: Point2D): number {
    if (this.done) return 1;
    const total =
      this.laps === 0 ? (this.lap === 0 ? this.firstLapM : this.lapM) : this.firstLapM + (this.laps - 1) * this.lapM;
    if (total <= 0) return 0;
    return Math.min(1, Math.max(0, 1 - this.remainingM(at) / total));
  }
}
