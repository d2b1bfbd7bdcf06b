import createDebug from 'debug';
import type { MotorChannel } from '../hal/motor/api.js';

const log = createDebug('spinal:reflex');

interface WheelOutput {
  stop: boolean;
  left: number;
  right: number;
}

/** Duties this close to what is on the wire are not written again. */
const DUTY_EPSILON = 1e-3;

/**
 * The last step to the motors: both channels written together, one write sequence at a time, the
 * latest wanted output winning; nothing is written that is already on the wire. A failed write is
 * counted and retried with the next output (the other channel is written whatever happens to it:
 * a failed driver must not keep the other wheel moving).
 */
export class MotorOutput {
  private written: WheelOutput | null = null;
  private wanted: WheelOutput = { stop: true, left: 0, right: 0 };
  private writing = false;
  private errors = 0;

  constructor(
    private readonly left: MotorChannel,
    private readonly right: MotorChannel,
  ) {}

  /** Wheel duties to drive at. */
  drive(left: number, right: number): void {
    this.set({ stop: false, left, right });
  }

  /** Brake both wheels. */
  brake(): void {
    this.set({ stop: true, left: 0, right: 0 });
  }

  /** Writes that failed so far. */
  writeErrors(): number {
    return this.errors;
  }

  private set(output: WheelOutput): void {
    this.wanted = output;
    this.flush();
  }

  private flush(): void {
    if (this.writing) return;
    const want = this.wanted;
    const had = this.written;
    if (
      had &&
      had.stop === want.stop &&
      Math.abs(had.left - want.left) < DUTY_EPSILON &&
      Math.abs(had.right - want.right) < DUTY_EPSILON
    )
      return;
    this.writing = true;
    const { left, right } = this;
    const writes = want.stop ? [left.brake(), right.brake()] : [left.setDuty(want.left), right.setDuty(want.right)];
    void Promise.allSettled(writes)
      .then((results) => {
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed.length === 0) {
          this.written = want;
          return;
        }
        this.errors += failed.length;
        this.written = null;
        const reason: unknown = failed[0]?.reason;
        log('motor write failed: %s', reason instanceof Error ? reason.message : String(reason));
      })
      .finally(() => {
        this.writing = false;
        if (this.wanted !== want) this.flush();
      });
  }
}
