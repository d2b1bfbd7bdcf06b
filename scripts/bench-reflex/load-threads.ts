import { MessageChannel, Worker, type TransferListItem } from 'node:worker_threads';
import type { BenchThreadData, BenchThreadToMain, MainToBenchThread } from './bench-thread-messages.js';

/**
 * Starts a bench thread (`bench-threads.js` in `role`) and waits until it says it is running.
 * `nice`: the priority it gives itself (absent: left at the main thread's).
 */
export async function startBenchThread(
  data: BenchThreadData,
  transferList: TransferListItem[] = [],
  nice?: number,
): Promise<Worker> {
  const workerData: BenchThreadData = nice === undefined ? data : { ...data, nice };
  const worker = new Worker(new URL('./bench-threads.js', import.meta.url), { workerData, transferList });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: BenchThreadToMain): void => {
      if (message.t !== 'ready') return;
      worker.off('message', onMessage);
      worker.off('error', reject);
      resolve();
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
  return worker;
}

/** A load thread's counters since it started. */
function requestStats(worker: Worker): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    const onMessage = (message: BenchThreadToMain): void => {
      if (message.t !== 'stats') return;
      worker.off('message', onMessage);
      resolve(message.counters);
    };
    worker.on('message', onMessage);
    worker.postMessage({ t: 'stats' } satisfies MainToBenchThread);
  });
}

/** The comms thread and the mesh flood it receives: the load common to every run. */
export interface MeshLoad {
  comms: Worker;
  flood: Worker;
}

export interface MeshLoadOptions {
  /** PUBLISH packets a second into the comms thread. */
  messagesPerS: number;
  /** The manual drive the comms thread relays to the main thread: speed, m/s, and period, ms. */
  driveMps: number;
  drivePeriodMs: number;
  nice?: number;
}

/** Starts the comms thread and the flood, joined by their own channel (the mesh link). */
export async function startMeshLoad(o: MeshLoadOptions): Promise<MeshLoad> {
  const { port1, port2 } = new MessageChannel();
  const comms = await startBenchThread(
    { role: 'comms', mesh: port1, driveMps: o.driveMps, drivePeriodMs: o.drivePeriodMs },
    [port1],
    o.nice,
  );
  const flood = await startBenchThread(
    { role: 'mesh-flood', mesh: port2, messagesPerS: o.messagesPerS },
    [port2],
    o.nice,
  );
  return { comms, flood };
}

/** Runs `during` and tells what the mesh load did meanwhile: messages parsed and acknowledged per second. */
export async function meshFigures(load: MeshLoad, during: () => Promise<void>): Promise<Record<string, number>> {
  const before = await requestStats(load.comms);
  const startMs = performance.now();
  await during();
  const seconds = (performance.now() - startMs) / 1_000;
  const after = await requestStats(load.comms);
  const flood = await requestStats(load.flood);
  const rate = (key: string): number => Math.round(((after[key] ?? 0) - (before[key] ?? 0)) / seconds);
  return {
    parsedPerS: rate('parsed'),
    ackedPerS: rate('acked'),
    malformed: (after.malformed ?? 0) - (before.malformed ?? 0),
    unackedAtEnd: (flood.sent ?? 0) - (flood.acked ?? 0),
  };
}
