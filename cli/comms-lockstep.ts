import createDebug from 'debug';
import type { MainToComms, TickDoneMessage } from '../comms/comms-thread-protocol.js';

const log = createDebug('spinal:runtime:comms-lockstep');

/**
 * How long a lock-step tick waits for the comms thread's answer before going on without it, ms
 * (real time). Only a guard against a thread that hangs for good: a healthy one answers within
 * a few milliseconds, however loaded the machine.
 */
const COMMS_LOCKSTEP_GRACE_MS = 30_000;

/**
 * The comms thread's part in the simulator's lock step, seen from the main thread. Every tick is
 * relayed, so the thread's virtual clock follows the robot's; the tick waits for the thread's
 * answer only when one of its timers is due by then (a log-stream keep-alive, say), so a thread
 * with nothing due costs the lock step one message. A thread that misses the grace is left out
 * until it answers again.
 */
export class CommsLockstep {
  /** When the thread's next timer is due, microseconds of robot clock (as of its last answer). */
  private nextDueUs = Infinity;
  private lagging = false;
  private waiter: { nowUs: number; resolve: () => void } | null = null;

  constructor(private readonly post: (message: MainToComms) => void) {}

  /** Relays the tick at `nowUs`; resolves once the thread has run what is due by then. */
  tick(nowUs: number): Promise<void> {
    const due = !this.lagging && this.nextDueUs <= nowUs;
    this.post({ t: 'tick', nowUs });
    if (!due) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.lagging = true;
        this.waiter = null;
        log('the comms thread missed the lock step at %d us; going on without it', nowUs);
        resolve();
      }, COMMS_LOCKSTEP_GRACE_MS);
      this.waiter = {
        nowUs,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }

  /** The thread's `tick-done`. */
  answered(message: TickDoneMessage): void {
    this.nextDueUs = message.nextDueUs;
    if (this.lagging) log('the comms thread answers the lock step again');
    this.lagging = false;
    if (this.waiter && message.nowUs >= this.waiter.nowUs) {
      const { resolve } = this.waiter;
      this.waiter = null;
      resolve();
    }
  }
}
