/** One thread's figures at a sample, as the thread probe reports them (`thread-probe.cjs`). */
export interface SoakThreadSample {
  /** `main` (where the reflex runs) or the worker's role (`world`, `cortex`, `comms`, ...) with its thread id. */
  thread: string;
  /** When the thread wrote the report, wall milliseconds since the epoch. */
  wallMs: number;
  heapUsedMb: number;
  /** The heap V8 holds for the thread (used or not): what it adds to RSS. */
  heapTotalMb: number;
  /** Memory outside the heap that the thread's objects hold (Buffers, typed arrays, native objects V8 is told of). */
  externalMb: number;
  /** Event-loop delay over the probe's last interval, milliseconds. */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

/** The simulation process at one moment of a soak run. */
export interface SoakSample {
  /** Wall seconds since the simulation started. */
  tS: number;
  /** Resident set size of the whole process (`/proc/<pid>/status` VmRSS), megabytes. */
  rssMb: number;
  /** CPU time of the process since the previous sample over the wall time between them, percent of one core. */
  cpuPct: number;
  /** The ledgers' files on disk (every robot's database with its WAL), megabytes. */
  ledgerMb: number;
  /** Events held in the first robot's ledger (its `/metrics`), or null when the debug port did not answer. */
  ledgerEvents: number | null;
  /** Per thread, from inside the process; empty when the probe is off or has not reported yet. */
  threads: SoakThreadSample[];
}
