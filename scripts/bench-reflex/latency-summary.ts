/** Percentiles of a set of durations, milliseconds, rounded to the microsecond. */
export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

function roundUs(ms: number): number {
  return Math.round(ms * 1_000) / 1_000;
}

/** The nearest-rank `p`-th percentile (0 < p <= 100) of values sorted ascending; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? NaN;
}

/** Count, median, 99th percentile, maximum and mean of `valuesMs`. */
export function summarizeLatency(valuesMs: readonly number[]): LatencySummary {
  const sorted = [...valuesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((total, v) => total + v, 0);
  return {
    count: sorted.length,
    p50Ms: roundUs(percentile(sorted, 50)),
    p99Ms: roundUs(percentile(sorted, 99)),
    maxMs: roundUs(sorted.at(-1) ?? NaN),
    meanMs: roundUs(sorted.length ? sum / sorted.length : NaN),
  };
}
