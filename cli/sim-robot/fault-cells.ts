import type { SimulatedFaultCells } from '../../comms/comms-thread-protocol.js';
import { armPowerLoss, POWER_LOSS_CELL_BYTES } from '../../comms/ledger/power-loss-hook.js';
import { SIMULATED_DISK_CELL_BYTES, SimulatedDiskSpace } from '../../comms/ledger/simulated-disk-space.js';
import { SteppedWallClock, WALL_CLOCK_STEP_BYTES } from '../../time/wall-clock.js';

/**
 * What the simulator sets in a robot's fault cells: its wall clock's step, whether its disk is
 * full, whether its power is to go at the next ledger transaction. Plain data: it crosses the IPC
 * channel to a robot process, which holds its cells itself (shared memory stays in one process).
 */
export type CellFault =
  { kind: 'clock-jump'; offsetMs: number } | { kind: 'disk-full'; full: boolean } | { kind: 'power-loss' };

/** Fresh cells for one robot: its wall clock in step, its disk with room, its power on. */
export function newFaultCells(): SimulatedFaultCells {
  return {
    wallClockStep: new SharedArrayBuffer(WALL_CLOCK_STEP_BYTES),
    disk: new SharedArrayBuffer(SIMULATED_DISK_CELL_BYTES),
    powerLoss: new SharedArrayBuffer(POWER_LOSS_CELL_BYTES),
  };
}

/** Sets one fault in the cells; the robot's ledger thread sees it at its next read. */
export function applyCellFault(cells: SimulatedFaultCells, fault: CellFault): void {
  if (fault.kind === 'clock-jump') SteppedWallClock.setOffset(cells.wallClockStep, fault.offsetMs);
  else if (fault.kind === 'disk-full') SimulatedDiskSpace.setFull(cells.disk, fault.full);
  else armPowerLoss(cells.powerLoss, true);
}
