import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { runWorldWorker, type WorldParentPort } from '../../simulator/world-worker.js';
import type { WorldWorkerData } from '../../simulator/world-thread-protocol.js';

// Entry of the simulator's world thread: it loads the simulator's code and nothing else.
if (parentPort) {
  const data = workerData as { world: WorldWorkerData; ports: Record<string, MessagePort> };
  void runWorldWorker(parentPort as unknown as WorldParentPort, data.world, data.ports);
}
