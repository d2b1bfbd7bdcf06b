import { closeSync, openSync, rmSync, writeSync } from 'node:fs';

/**
 * A file of `bytes` zeros beside the ledger (`<path>-reserve`), written at start and deleted when
 * the disk fills up, so that SQLite has room to drop old events and write safety ones; written
 * again once there is room. Nothing for an in-memory ledger or `bytes` 0.
 */
export class DiskReserve {
  private readonly file: string | null;

  constructor(
    ledgerPath: string,
    private readonly bytes: number,
  ) {
    this.file = ledgerPath === ':memory:' || ledgerPath === '' || bytes <= 0 ? null : `${ledgerPath}-reserve`;
    this.restore();
  }

  /** Gives the space back to the file system. */
  release(): void {
    if (this.file) rmSync(this.file, { force: true });
  }

  /** Takes the space again; quietly leaves it released when there is not room for it. */
  restore(): void {
    if (!this.file) return;
    let fd: number | null = null;
    try {
      fd = openSync(this.file, 'w');
      const chunk = Buffer.alloc(Math.min(this.bytes, 64 * 1024));
      for (let written = 0; written < this.bytes; written += chunk.length) writeSync(fd, chunk);
    } catch {
      this.release();
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }
}
