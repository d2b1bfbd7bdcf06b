import { readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc/<pid>/stat`'s CPU times (USER_HZ, 100 on every Linux Node runs on). */
const USER_HZ = 100;

/** A process's resident memory and CPU time read from outside it, from `/proc` (Linux). */
export interface ProcReading {
  rssMb: number;
  /** User plus system CPU time of all its threads, seconds. */
  cpuS: number;
}

/** `VmRSS` of `/proc/<pid>/status`, in megabytes (null when absent). */
export function rssMbOfStatus(status: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : null;
}

/** utime + stime of `/proc/<pid>/stat` (fields 14 and 15, counted after the parenthesised name), seconds. */
export function cpuSOfStat(stat: string): number | null {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / USER_HZ : null;
}

/** The process's reading now, or null once it has gone. */
export function readProc(pid: number): ProcReading | null {
  try {
    const rssMb = rssMbOfStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const cpuS = cpuSOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return rssMb === null || cpuS === null ? null : { rssMb, cpuS };
  } catch {
    return null;
  }
}
