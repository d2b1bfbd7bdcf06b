import type { LockstepCell } from './lockstep-cell.js';
import { VirtualClock } from './virtual-clock.js';

/**
 * A worker thread's virtual clock in the simulator's lock step, following the robot's clock
 * through a {@link LockstepCell}: it reads the robot's time (never behind its own), and writes
 * when its next timer is due, so the main thread sends it a tick only then. Its timers fire at
 * those ticks, in due order, each seeing its own due time, as on any {@link VirtualClock}.
 */
export class LockstepFollowerClock extends VirtualClock {
  constructor(
    private readonly cell: LockstepCell,
    startUs = 0,
  ) {
    super(startUs);
  }

  override nowUs(): number {
    const own = super.nowUs();
    return this.isFiring() ? own : Math.max(own, this.cell.robotNowUs());
  }

  protected override timersChanged(): void {
    this.cell.setNextDueUs(this.nextDueUs());
  }
}
