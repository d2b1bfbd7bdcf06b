import { parentPort, workerData } from 'node:worker_threads';
import type { CortexToMain } from '../../cortex/cortex-thread-protocol.js';
import { runCortexWorker, type CortexPort } from '../../cortex/cortex-worker.js';
import type { CortexToComms } from '../../messages/cortex-comms-protocol.js';
import { lowerThreadPriority } from './background-priority.js';
import { peerPort } from './peer-port.js';

// Entry of the cortex thread: it loads the planner's code and nothing else.
if (parentPort) {
  lowerThreadPriority();
  runCortexWorker(
    parentPort as unknown as CortexPort<CortexToMain>,
    peerPort(workerData as Record<string, unknown>) as CortexPort<CortexToComms> | null,
  );
}
