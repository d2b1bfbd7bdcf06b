/**
 * The ledger's free-space probe with a switch another thread throws (the simulator's disk-full
 * fault): while the shared cell says full, the probe reports 0 bytes free and the ledger is to
 * treat every write as refused by the disk (ENOSPC), exactly as when SQLite reports SQLITE_FULL.
 */

/** Bytes of the shared cell: one 32-bit flag (1: full). */
export const SIMULATED_DISK_CELL_BYTES = 4;

export class SimulatedDiskSpace {
  private readonly flag: Int32Array;

  constructor(cell: SharedArrayBuffer) {
    this.flag = new Int32Array(cell, 0, 1);
  }

  /** Whether the disk counts as full now. */
  full(): boolean {
    return Atomics.load(this.flag, 0) === 1;
  }

  /** Fills the disk (`true`) or frees it again, as seen by every thread holding the cell. */
  static setFull(cell: SharedArrayBuffer, full: boolean): void {
    Atomics.store(new Int32Array(cell, 0, 1), 0, full ? 1 : 0);
  }
}
