import type { ReflexSettings } from './reflex-types.js';

/**
 * Measures the deceleration the robot really achieves when the reflex stops it, from the forward
 * speed the wheel encoders report, so the stopping model can use the worse of what it assumes and
 * what it sees. Pure: it is given the stop commands, the speed samples and their clock times, and
 * does no I/O.
 *
 * A stop counts from the moment the motors are told to stop (so the time the command takes to
 * reach the wheels is charged to the brakes: the estimate errs low, the safe side) until the
 * measured speed has fallen to a tenth of what it was. A stop that is released before then, or
 * that starts from below `reflex.brakingObservedMinSpeedMps`, teaches nothing. The estimate is the
 * lowest of the last `reflex.brakingObservedStops` stops, and never below `reflex.brakingObservedFloorMps2`.
 */

/** Tuning of the observer (the `reflex.brakingObserved*` parameters); the defaults suit wheel encoders polled at 20 Hz or faster. */
export type DecelerationObserverSettings = Pick<
  ReflexSettings,
  'brakingObservedMinSpeedMps' | 'brakingObservedStops' | 'brakingObservedFloorMps2'
>;

/** What the observer has learnt. */
export interface DecelerationObservation {
  /** The lowest deceleration among the recent measured stops, m/s²; null before the first one. */
  observedMps2: number | null;
  /** Stops measured since start. */
  stops: number;
}

/** Fraction of the starting speed at which a stop counts as done. */
const STOPPED_FRACTION = 0.1;

export class DecelerationObserver {
  private readonly minSpeedMps: number;
  private readonly window: number;
  private readonly floorMps2: number;
  /** The stop being measured: when it was commanded and the speed then. */
  private stop: { startUs: number; fromMps: number } | null = null;
  /** Speed of the latest sample, m/s, and its time. */
  private lastSpeedMps: number | null = null;
  private readonly recent: number[] = [];
  private measured = 0;

  constructor(settings: DecelerationObserverSettings) {
    this.minSpeedMps = settings.brakingObservedMinSpeedMps;
    this.window = Math.max(1, Math.round(settings.brakingObservedStops));
    this.floorMps2 = settings.brakingObservedFloorMps2;
  }

  /** The motors were told to stop at `nowUs` (a stop already being measured goes on). */
  stopCommanded(nowUs: number): void {
    if (this.stop) return;
    const fromMps = Math.abs(this.lastSpeedMps ?? 0);
    if (fromMps >= this.minSpeedMps) this.stop = { startUs: nowUs, fromMps };
  }

  /** The motors were told to move again: a stop not yet finished is dropped. */
  motionCommanded(): void {
    this.stop = null;
  }

  /** The encoders measured forward speed `speedMps` (signed) at `stampUs`. */
  speedSample(stampUs: number, speedMps: number): void {
    if (!Number.isFinite(speedMps)) return;
    this.lastSpeedMps = speedMps;
    const stop = this.stop;
    if (!stop || stampUs <= stop.startUs) return;
    const speed = Math.abs(speedMps);
    if (speed > stop.fromMps * STOPPED_FRACTION) return;
    const decel = (stop.fromMps - speed) / ((stampUs - stop.startUs) / 1e6);
    this.stop = null;
    this.measured++;
    this.recent.push(Math.max(this.floorMps2, decel));
    if (this.recent.length > this.window) this.recent.shift();
  }

  /** The lowest deceleration among the recent measured stops, m/s²; null before the first one. */
  observedMps2(): number | null {
    let lowest: number | null = null;
    for (const value of this.recent) if (lowest === null || value < lowest) lowest = value;
    return lowest;
  }

  observation(): DecelerationObservation {
    return { observedMps2: this.observedMps2(), stops: this.measured };
  }
}

/** The deceleration the stopping model should use: the worse (smaller) of the assumed and the observed one. */
export function effectiveDecelMps2(assumedMps2: number, observedMps2: number | null): number {
  return observedMps2 === null ? assumedMps2 : Math.min(assumedMps2, observedMps2);
}
