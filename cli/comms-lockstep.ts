import createDebug from 'debug';
import type { MainToComms, TickDoneMessage } from '../comms/comms-thread-protocol.js';
import type { LockstepCell } from '../time/lockstep-cell.js';

const log = createDebug('spinal:runtime:comms-lockstep');

/**
 * How long a lock-step tick waits for the comms thread's answer before going on without it, ms
 * (real time). Only a guard against a thread that hangs for good: a healthy one answers within
 * a few milliseconds, however loaded the machine.
 */
const COMMS_LOCKSTEP_GRACE_MS = 30_000;

/**
 * The comms thread's part in the simulator's lock step, seen from the main thread. Every tick writes
 * the robot's time into the cell the two threads share, which the thread's clock reads; the tick
 * goes to the thread, and waits for its answer, only when one of its timers is due by then (a
 * mesh state, a log-stream keep-alive), which the thread writes into the cell too. So a thread
 * with nothing due costs the lock step nothing. A thread that misses the grace is left out (its
 * ticks sent, not waited for) until it answers again.
 */
export class CommsLockstep {
  private lagging = false;
  private waiter: { nowUs: number; resolve: () => void } | null = null;

  constructor(
    private readonly post: (message: MainToComms) => void,
    private readonly cell: LockstepCell,
  ) {}

  /** The tick at `nowUs`; resolves once the thread has run what is due by then. */
  tick(nowUs: number): Promise<void> {
    this.cell.setRobotNowUs(nowUs);
    if (this.cell.nextDueUs() > nowUs) return Promise.resolve();
    this.post({ t: 'tick', nowUs });
    if (this.lagging) return Promise.resolve();
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
    if (this.lagging) log('the comms thread answers the lock step again');
    this.lagging = false;
    if (this.waiter && message.nowUs >= this.waiter.nowUs) {
      const { resolve } = this.waiter;
      this.waiter = null;
      resolve();
    }
  }
}
