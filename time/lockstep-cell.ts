/** What the cell holds for "no timer pending": the largest 64-bit integer. */
const NONE = 0x7fff_ffff_ffff_ffffn;

/**
 * Two times in memory shared by the main thread and a worker thread in the simulator's lock step,
 * microseconds of the robot's clock: where the robot's clock is (the main thread writes it at every
 * tick) and when the worker's next timer is due (the worker writes it whenever its timers change).
 * With it the main thread wakes the worker only when one of its timers is due, and the worker still
 * reads the robot's time in between (what it stamps on what it receives).
 */
export class LockstepCell {
  private readonly cells: BigInt64Array;

  /** A new cell at `startUs` with no timer pending; or, given `buffer`, the cell another thread made. */
  constructor(startUsOrBuffer: number | SharedArrayBuffer) {
    if (typeof startUsOrBuffer === 'number') {
      this.cells = new BigInt64Array(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT));
      this.setRobotNowUs(startUsOrBuffer);
      Atomics.store(this.cells, 1, NONE);
    } else {
      this.cells = new BigInt64Array(startUsOrBuffer, 0, 2);
    }
  }

  /** The memory to hand the other thread. */
  get buffer(): SharedArrayBuffer {
    return this.cells.buffer as SharedArrayBuffer;
  }

  robotNowUs(): number {
    return Number(Atomics.load(this.cells, 0));
  }

  setRobotNowUs(nowUs: number): void {
    Atomics.store(this.cells, 0, BigInt(Math.round(nowUs)));
  }

  /** When the worker's next timer is due; `Infinity` when none is pending. */
  nextDueUs(): number {
    const due = Atomics.load(this.cells, 1);
    return due === NONE ? Infinity : Number(due);
  }

  setNextDueUs(dueUs: number): void {
    Atomics.store(this.cells, 1, Number.isFinite(dueUs) ? BigInt(Math.ceil(dueUs)) : NONE);
  }
}
