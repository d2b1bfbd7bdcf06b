import type { SoakSample } from './soak-sample.js';

/** How much resident memory grew over a soak run, and whether that is more than noise. */
export interface RssGrowth {
  /** Slope of the least-squares line through RSS over the second half of the run, MB per hour. */
  mbPerHour: number;
  /** The slope above which growth is flagged: the larger of the floor and three standard errors of the slope, MB per hour. */
  thresholdMbPerHour: number;
  flagged: boolean;
  /** Whether the second half was long enough to judge (a short run's second half is still warm-up). */
  judged: boolean;
  /** The fitted line over the second half (for the plot): RSS at its first and last sample time. */
  fit: { fromS: number; toS: number; fromMb: number; toMb: number } | null;
}

/** Growth under this many MB per hour is never flagged: the allocator and GC move RSS by that much on their own. */
export const DEFAULT_NOISE_FLOOR_MB_PER_HOUR = 10;
/** The shortest second half whose slope is judged, seconds: a run of a few minutes is still warming up. */
export const MIN_JUDGED_SECOND_HALF_S = 240;

/**
 * The RSS growth of a run: a least-squares line through the samples of its second half (the first
 * half is start-up and warm-up: caches, maps and JIT filling), flagged when the slope is above both
 * the noise floor and three standard errors of the slope (so that a noisy run is not flagged on a
 * slope it cannot tell from zero). A second half shorter than {@link MIN_JUDGED_SECOND_HALF_S} is
 * measured but not judged; fewer than 3 samples in it: no fit.
 */
export function rssGrowth(
  samples: readonly SoakSample[],
  noiseFloorMbPerHour = DEFAULT_NOISE_FLOOR_MB_PER_HOUR,
): RssGrowth {
  const last = samples.at(-1);
  const half = last ? last.tS / 2 : 0;
  const points = samples.filter((s) => s.tS >= half);
  const n = points.length;
  if (n < 3) return { mbPerHour: 0, thresholdMbPerHour: noiseFloorMbPerHour, flagged: false, judged: false, fit: null };
  const meanT = points.reduce((sum, s) => sum + s.tS, 0) / n;
  const meanR = points.reduce((sum, s) => sum + s.rssMb, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const s of points) {
    sxx += (s.tS - meanT) ** 2;
    sxy += (s.tS - meanT) * (s.rssMb - meanR);
  }
  if (sxx === 0)
    return { mbPerHour: 0, thresholdMbPerHour: noiseFloorMbPerHour, flagged: false, judged: false, fit: null };
  const slopeMbPerS = sxy / sxx;
  const intercept = meanR - slopeMbPerS * meanT;
  const residuals = points.reduce((sum, s) => sum + (s.rssMb - (intercept + slopeMbPerS * s.tS)) ** 2, 0);
  const slopeStdErrMbPerS = Math.sqrt(residuals / (n - 2) / sxx);
  const mbPerHour = slopeMbPerS * 3600;
  const thresholdMbPerHour = Math.max(noiseFloorMbPerHour, 3 * slopeStdErrMbPerS * 3600);
  const fromS = points[0]!.tS;
  const toS = points[n - 1]!.tS;
  const judged = toS - fromS >= MIN_JUDGED_SECOND_HALF_S;
  return {
    mbPerHour,
    thresholdMbPerHour,
    flagged: judged && mbPerHour > thresholdMbPerHour,
    judged,
    fit: { fromS, toS, fromMb: intercept + slopeMbPerS * fromS, toMb: intercept + slopeMbPerS * toS },
  };
}
