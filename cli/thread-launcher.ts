import { Worker, type TransferListItem } from 'node:worker_threads';
import { threadSource, type ThreadRole } from './thread-sources.js';

/** Starts a worker thread in `role`; its data arrives as `workerData`. */
export function startThread(
  role: ThreadRole,
  data: Record<string, unknown> = {},
  transferList: TransferListItem[] = [],
): Worker {
  const source = threadSource(role);
  const options = { workerData: { ...data, role }, transferList, stdout: false, stderr: false };
  return 'code' in source ? new Worker(source.code, { ...options, eval: true }) : new Worker(source.file, options);
}
