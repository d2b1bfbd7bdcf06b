import type { SoakSample, SoakThreadSample } from './soak-sample.js';

/** Rows the over-time table shows at most: samples evenly spread over the run, the last one always in. */
export const DEFAULT_TABLE_ROWS = 30;

/** The thread figures of a sample split into the main thread (the reflex's) and the workers. */
export function threadSummary(threads: readonly SoakThreadSample[]): {
  mainHeapMb: number | null;
  workersHeapMb: number | null;
  /** External memory of all threads together. */
  externalMb: number | null;
  mainDelayP99Ms: number | null;
  /** The worst worker's p99. */
  workersDelayP99Ms: number | null;
} {
  const main = threads.find((t) => t.thread === 'main');
  const workers = threads.filter((t) => t.thread !== 'main');
  return {
    mainHeapMb: main ? main.heapUsedMb : null,
    workersHeapMb: workers.length > 0 ? workers.reduce((sum, t) => sum + t.heapUsedMb, 0) : null,
    externalMb: threads.length > 0 ? threads.reduce((sum, t) => sum + t.externalMb, 0) : null,
    mainDelayP99Ms: main ? main.eventLoopDelayP99Ms : null,
    workersDelayP99Ms: workers.length > 0 ? Math.max(...workers.map((t) => t.eventLoopDelayP99Ms)) : null,
  };
}

/** Up to `rows` samples evenly spread over the run, first and last included. */
export function spreadSamples<T>(samples: readonly T[], rows: number): T[] {
  if (samples.length <= rows) return [...samples];
  const picked = new Set<number>();
  for (let i = 0; i < rows; i++) picked.add(Math.round((i * (samples.length - 1)) / (rows - 1)));
  return [...picked].sort((a, b) => a - b).map((i) => samples[i]!);
}

const HEADER = [
  't min',
  'RSS MB',
  'CPU %',
  'heap main MB',
  'heap workers MB',
  'external MB',
  'loop delay main p99 ms',
  'loop delay workers p99 ms',
  'ledger MB',
  'ledger events',
];

const fixed = (value: number | null, digits: number): string => (value === null ? '-' : value.toFixed(digits));

/** The over-time table as Markdown (a pipe table reads as text in a terminal, too). */
export function soakTable(samples: readonly SoakSample[], rows = DEFAULT_TABLE_ROWS): string {
  const body = spreadSamples(samples, rows).map((s) => {
    const t = threadSummary(s.threads);
    return [
      (s.tS / 60).toFixed(1),
      s.rssMb.toFixed(1),
      s.cpuPct.toFixed(0),
      fixed(t.mainHeapMb, 1),
      fixed(t.workersHeapMb, 1),
      fixed(t.externalMb, 1),
      fixed(t.mainDelayP99Ms, 1),
      fixed(t.workersDelayP99Ms, 1),
      s.ledgerMb.toFixed(2),
      s.ledgerEvents === null ? '-' : String(s.ledgerEvents),
    ];
  });
  return pipeTable(HEADER, body);
}

/** Per thread over the whole run: heap in use at the first and last report, heap held and external memory at the last, its worst event-loop delay. */
export function threadTable(samples: readonly SoakSample[]): string {
  const byThread = new Map<string, SoakThreadSample[]>();
  for (const sample of samples) {
    for (const t of sample.threads) {
      const list = byThread.get(t.thread) ?? [];
      // A thread's report is carried into later samples until a newer one arrives: count each once.
      if (list.at(-1)?.wallMs !== t.wallMs) list.push(t);
      byThread.set(t.thread, list);
    }
  }
  const rows = [...byThread.entries()].map(([thread, list]) => [
    thread,
    list[0]!.heapUsedMb.toFixed(1),
    list.at(-1)!.heapUsedMb.toFixed(1),
    list.at(-1)!.heapTotalMb.toFixed(1),
    list.at(-1)!.externalMb.toFixed(1),
    Math.max(...list.map((t) => t.eventLoopDelayP99Ms)).toFixed(1),
    Math.max(...list.map((t) => t.eventLoopDelayMaxMs)).toFixed(1),
  ]);
  return pipeTable(
    [
      'thread',
      'heap first MB',
      'heap last MB',
      'heap held last MB',
      'external last MB',
      'worst loop delay p99 ms',
      'loop delay max ms',
    ],
    rows,
  );
}

function pipeTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
