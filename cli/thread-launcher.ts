import { Worker, type TransferListItem } from 'node:worker_threads';

/** The threads spinal runs besides the main one; each starts from the same entry file. */
export type ThreadRole = 'cortex' | 'comms' | 'world';

let entry: string | URL | null = null;

/**
 * Records the file every thread starts from: the entry module itself (the built `cli/main.js`,
 * or the single-file bundle), so that no other source file needs to exist on disk.
 */
export function setThreadEntry(file: string | URL): void {
  entry = file;
}

/** Starts a worker thread in `role`; its data arrives as `workerData`. */
export function startThread(
  role: ThreadRole,
  data: Record<string, unknown> = {},
  transferList: TransferListItem[] = [],
): Worker {
  if (!entry) throw new Error('startThread(): the thread entry was not set');
  return new Worker(entry, { workerData: { ...data, role }, transferList, stdout: false, stderr: false });
}
