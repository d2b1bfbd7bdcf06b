import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { BenchThreadData } from './bench-thread-messages.js';
import { runComms, runMeshFlood, type MainPort } from './mesh-threads.js';
import { runSpinningPlanner, runStallingPlanner } from './planner-threads.js';

/** Entry of every load thread of the reflex bench; `workerData.role` says which one it is. */
const data = workerData as BenchThreadData;
if (!parentPort) throw new Error('bench-threads.js runs as a worker thread of reflex-bench.js');
const main = parentPort as unknown as MainPort;
if (data.nice !== undefined) setPriority(data.nice);
switch (data.role) {
  case 'spinning-planner':
    runSpinningPlanner(main);
    break;
  case 'stalling-planner':
    runStallingPlanner(main, data);
    break;
  case 'comms':
    runComms(main, data);
    break;
  case 'mesh-flood':
    runMeshFlood(main, data);
    break;
}
