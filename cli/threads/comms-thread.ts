import { parentPort, workerData } from 'node:worker_threads';
import { runCommsWorker, type CommsPort, type CortexChannel } from '../../comms/comms-worker.js';
import { lowerThreadPriority } from './background-priority.js';
import { peerPort } from './peer-port.js';

// Entry of the comms thread (debug port, mesh, uplink): it loads the comms code and nothing else.
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
    },
    undefined,
    peerPort(data) as CortexChannel | null,
  );
}
