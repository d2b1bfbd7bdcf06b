import createDebug from 'debug';
import type { AppliedDrive } from '../messages/drive.js';
import type { ReflexStatus } from '../messages/runtime-status.js';
import { BlackBox, blackBoxEntry, type BlackBoxEntry } from './black-box.js';
import type { ReflexDecision, ReflexInputs } from './reflex-types.js';

const log = createDebug('spinal:reflex');

/** Seconds of history the black box keeps. */
const BLACK_BOX_S = 2;

/** A stop the reflex imposed, with its cause and the black box frozen at that moment. */
export interface ReflexTrip {
  rule: string;
  reason: string;
  atUs: number;
  /** The last 2 s of loop iterations before the trip, oldest first. */
  blackBox?: BlackBoxEntry[];
}

/**
 * The reflex's flight recorder: the black box of the last 2 s of iterations, and every trip with
 * the black box frozen at that moment, told to whoever listens.
 */
export class TripRecorder {
  private readonly blackBox: BlackBox;
  private readonly listeners: Array<(trip: ReflexTrip) => void> = [];
  private last: ReflexTrip | null = null;
  private count = 0;

  constructor(loopRateHz: number) {
    this.blackBox = new BlackBox(Math.max(1, Math.round(loopRateHz * BLACK_BOX_S)));
  }

  onTrip(listener: (trip: ReflexTrip) => void): void {
    this.listeners.push(listener);
  }

  /** One iteration's line in the black box. */
  record(nowUs: number, inputs: ReflexInputs | null, applied: AppliedDrive, decision: ReflexDecision): void {
    if (inputs) this.blackBox.record(blackBoxEntry(nowUs, inputs, applied, decision));
  }

  /** A trip at `nowUs` (its iteration recorded first). */
  trip(nowUs: number, trip: NonNullable<ReflexDecision['trip']>): void {
    const recorded: ReflexTrip = { ...trip, atUs: nowUs, blackBox: this.blackBox.freeze() };
    this.last = recorded;
    this.count++;
    log('trip %s: %s', recorded.rule, recorded.reason);
    for (const listener of this.listeners) listener(recorded);
  }

  /** The last trip and how many there were, as the status says. */
  summary(): Pick<ReflexStatus, 'lastTrip' | 'trips'> {
    const last = this.last;
    return { lastTrip: last ? { rule: last.rule, reason: last.reason, atUs: last.atUs } : null, trips: this.count };
  }
}
