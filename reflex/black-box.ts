import type { AppliedDrive } from '../messages/drive.js';
import type { BlackBoxEntry } from '../messages/runtime-event.js';
import type { ReflexDecision, ReflexInputs } from './reflex-types.js';

export type { BlackBoxEntry } from '../messages/runtime-event.js';

/**
 * The last `durationUs` of loop iterations in a ring buffer (no allocation per entry once full),
 * frozen into a list at every trip and stored with the trip.
 */
export class BlackBox {
  private readonly ring: (BlackBoxEntry | undefined)[];
  private next = 0;
  private count = 0;

  /** `capacity` entries: the loop rate × the seconds to keep (2 s at 100 Hz = 200). */
  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`BlackBox capacity must be >= 1, got ${capacity}`);
    this.ring = new Array<BlackBoxEntry | undefined>(capacity);
  }

  record(entry: BlackBoxEntry): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.capacity, this.count + 1);
  }

  /** The recorded entries, oldest first (a copy: later records do not change it). */
  freeze(): BlackBoxEntry[] {
    const out: BlackBoxEntry[] = [];
    const start = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const entry = this.ring[(start + i) % this.capacity];
      if (entry) out.push(entry);
    }
    return out;
  }
}

/** One iteration's black-box line: the command, what was applied, the nearest obstacle on the path, and the decision. */
export function blackBoxEntry(
  nowUs: number,
  inputs: ReflexInputs,
  applied: AppliedDrive,
  decision: ReflexDecision,
): BlackBoxEntry {
  return {
    tUs: nowUs,
    cmdVMps: inputs.command?.vMps ?? 0,
    cmdWRadps: inputs.command?.wRadps ?? 0,
    appliedVMps: applied.vMps,
    appliedWRadps: applied.wRadps,
    aheadFreeM: inputs.motion?.obstacle?.freeDistanceM ?? null,
    lidarAgeMs: Math.round((nowUs - inputs.lidarLastDataUs) / 1_000),
    batteryV: inputs.battery?.voltageV ?? null,
    tiltDeg: inputs.imu?.tiltDeg ?? null,
    action: decision.action,
    rule: decision.rule,
  };
}
