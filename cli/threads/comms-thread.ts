import { parentPort, workerData } from 'node:worker_threads';
import { runCommsWorker, type CommsPort, type CortexChannel } from '../../comms/comms-worker.js';
import type { LedgerSettings } from '../../comms/ledger/ledger-settings.js';
import { isUpgradeEventBody } from '../../comms/ledger/upgrade-import.js';
import type { UplinkSettings } from '../../comms/uplink/uplink-settings.js';
import type { MeshSettings } from '../../comms/mesh/mesh-settings.js';
import type { FoxgloveSettings } from '../../comms/foxglove/foxglove-settings.js';
import { VERSION } from '../embedded-assets.generated.js';
import { lowerThreadPriority } from './background-priority.js';
import { peerPort } from './peer-port.js';
import type { SimulatedFaultCells } from '../../comms/comms-thread-protocol.js';

function isSimulatedFaultCells(value: unknown): value is SimulatedFaultCells {
  if (typeof value !== 'object' || value === null) return false;
  const cells = value as Record<string, unknown>;
  return ['wallClockStep', 'disk', 'powerLoss'].every((key) => cells[key] instanceof SharedArrayBuffer);
}

// Entry of the comms thread (debug port, ledger, mesh, uplink): it loads the comms code and nothing else.
if (parentPort) {
  const data = workerData as Record<string, unknown>;
  lowerThreadPriority();
  runCommsWorker(
    parentPort as unknown as CommsPort,
    {
      listen: String(data.listen),
      token: String(data.token ?? ''),
      readToken: String(data.readToken ?? ''),
      allowedHosts: Array.isArray(data.allowedHosts) ? data.allowedHosts.map(String) : [],
      clock: data.clock === 'virtual' ? 'virtual' : 'real',
      startUs: typeof data.startUs === 'number' ? data.startUs : 0,
      ...(data.lockstepCell instanceof SharedArrayBuffer ? { lockstepCell: data.lockstepCell } : {}),
      ...(data.ledger ? { ledger: data.ledger as LedgerSettings } : {}),
      ...(typeof data.bootId === 'string' ? { bootId: data.bootId } : {}),
      ...(data.uplink ? { uplink: data.uplink as UplinkSettings } : {}),
      ...(data.mesh ? { mesh: data.mesh as MeshSettings } : {}),
      ...(data.foxglove ? { foxglove: data.foxglove as FoxgloveSettings } : {}),
      version: VERSION,
      upgrades: Array.isArray(data.upgrades) ? data.upgrades.filter(isUpgradeEventBody) : [],
      ...(isSimulatedFaultCells(data.simulatedFaults) ? { simulatedFaults: data.simulatedFaults } : {}),
    },
    undefined,
    peerPort(data) as CortexChannel | null,
  );
}
