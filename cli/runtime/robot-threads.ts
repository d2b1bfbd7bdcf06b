import { randomUUID } from 'node:crypto';
import { MessageChannel, type Worker } from 'node:worker_threads';
import type { LedgerSettings } from '../../comms/ledger/ledger-settings.js';
import type { SimulatedFaultCells } from '../../comms/comms-thread-protocol.js';
import type { UpgradeEventBody } from '../../comms/ledger/upgrade-import.js';
import { uplinkSettingsFromParams } from '../../comms/uplink/uplink-settings.js';
import { meshSettingsFromParams } from '../../comms/mesh/mesh-settings.js';
import { debugPortSettingsFromParams } from '../../comms/debug-port/debug-port-settings.js';
import { foxgloveSettingsFromParams } from '../../comms/foxglove/foxglove-settings.js';
import type { ParamValues } from '../../config/params.js';
import { LockstepCell } from '../../time/lockstep-cell.js';
import { startThread } from '../thread-launcher.js';

/**
 * Starts the robot's worker threads: the cortex, and the comms thread (the ledger, the debug port;
 * on the robot's clock: virtual under the simulator's lock step, following the robot's through
 * `commsCell`), joined by their own channel so that what they tell each other (mission progress now; maps,
 * missions, peers as they come) never crosses the reflex's thread.
 */
export function startRobotThreads(
  params: ParamValues,
  clock: { lockstep: boolean; startUs: number },
  ledger: LedgerSettings,
  upgrades: readonly UpgradeEventBody[] = [],
  footprint: { lengthM: number; widthM: number } | null = null,
  simulatedFaults?: SimulatedFaultCells,
): { cortex: Worker; comms: Worker; commsCell: LockstepCell | null } {
  const { port1, port2 } = new MessageChannel();
  const commsCell = clock.lockstep ? new LockstepCell(clock.startUs) : null;
  const cortex = startThread('cortex', { peer: port1 }, [port1]);
  const comms = startThread(
    'comms',
    {
      ...debugPortSettingsFromParams(params),
      clock: clock.lockstep ? 'virtual' : 'real',
      startUs: clock.startUs,
      ...(commsCell ? { lockstepCell: commsCell.buffer } : {}),
      ledger,
      bootId: randomUUID(),
      uplink: uplinkSettingsFromParams(params),
      mesh: meshSettingsFromParams(params, params['robot.id']),
      upgrades,
      foxglove: foxgloveSettingsFromParams(params, footprint),
      ...(simulatedFaults ? { simulatedFaults } : {}),
      peer: port2,
    },
    [port2],
  );
  return { cortex, comms, commsCell };
}
