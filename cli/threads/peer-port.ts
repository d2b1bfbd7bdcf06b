import { MessagePort } from 'node:worker_threads';

/** The port to the thread's peer (cortex ↔ comms), when the launcher gave one in `workerData.peer`. */
export function peerPort(data: Record<string, unknown>): MessagePort | null {
  return data.peer instanceof MessagePort ? data.peer : null;
}
