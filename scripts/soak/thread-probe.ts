/**
 * Loaded into every thread of the simulation by the soak runner (`node --import` reaches the main
 * thread and each worker started from a file): every SOAK_PROBE_INTERVAL_MS (default 5000) it
 * appends one JSON line to SOAK_PROBE_FILE with the thread's V8 heap (in use and held), the
 * external memory its objects hold, and its event-loop
 * delay since the previous line (perf_hooks' histogram, sampled by a 20 ms timer). Does nothing
 * when SOAK_PROBE_FILE is unset. Its timers are unref'd, so it never keeps a thread alive.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread, threadId, workerData } from 'node:worker_threads';

/** The event-loop delay histogram's timer period, milliseconds: coarse enough to cost the reflex thread nothing measurable. */
const RESOLUTION_MS = 20;

const file = process.env['SOAK_PROBE_FILE'];
if (file) {
  const intervalMs = Number(process.env['SOAK_PROBE_INTERVAL_MS'] ?? '5000');
  const role =
    typeof workerData === 'object' && workerData !== null && 'role' in workerData ? String(workerData.role) : 'worker';
  const thread = isMainThread ? 'main' : `${role}#${threadId}`;
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const timer = setInterval(() => {
    // Per thread in a worker: heap and external figures are the calling isolate's (rss is the process's).
    const memory = process.memoryUsage();
    const line = {
      thread,
      wallMs: Date.now(),
      heapUsedMb: memory.heapUsed / 2 ** 20,
      heapTotalMb: memory.heapTotal / 2 ** 20,
      externalMb: memory.external / 2 ** 20,
      // The histogram counts the timer's own period: what is over it is the delay.
      eventLoopDelayP99Ms: Math.max(0, delay.percentile(99) / 1e6 - RESOLUTION_MS),
      eventLoopDelayMaxMs: Math.max(0, delay.max / 1e6 - RESOLUTION_MS),
    };
    delay.reset();
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      // The runner reads what arrives; a thread that cannot write is missing from its table.
    }
  }, intervalMs);
  timer.unref();
}
