import { SteppedWallClock } from '../../time/wall-clock.js';
import type { SimulatedFaultCells } from '../comms-thread-protocol.js';
import type { LedgerEnvironment } from './ledger.js';
import { SimulatedDiskSpace } from './simulated-disk-space.js';
import { armedPowerLossHook } from './power-loss-hook.js';

/**
 * What the ledger is given of its surroundings under the simulator's runtime faults: the wall
 * clock the simulator steps (rows keep the stepped `wall_ms`), and a disk it can fill (nothing
 * free, every write refused as ENOSPC would refuse it), and the power cut between a transaction's
 * writes and its commit once armed. Without cells: nothing (the real ones).
 */
export function ledgerEnvironmentOf(cells: SimulatedFaultCells | undefined): Partial<LedgerEnvironment> {
  if (!cells) return {};
  const wall = new SteppedWallClock(cells.wallClockStep);
  const disk = new SimulatedDiskSpace(cells.disk);
  return {
    nowWallMs: () => wall.nowMs(),
    freeDiskBytes: () => (disk.full() ? 0 : Number.POSITIVE_INFINITY),
    refusesWrites: () => disk.full(),
    beforeCommit: armedPowerLossHook(cells.powerLoss),
  };
}
