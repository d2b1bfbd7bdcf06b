/**
 * The one place the fuzz tests (`test/fuzz/*.fuzz.test.ts`) take their seed and run count from.
 * By default every run uses the same seed and few runs per property, so the suite is repeatable and
 * quick; `npm run fuzz -- --minutes N` sets `FUZZ_SEED` to a fresh seed each round and `FUZZ_RUNS`
 * high. A failure prints its seed: `FUZZ_SEED=<seed> npx vitest run test/fuzz` replays it.
 */
import fc from 'fast-check';

/** The seed the suite runs with unless `FUZZ_SEED` says otherwise. */
export const DEFAULT_FUZZ_SEED = 20_261_207;
/** Runs per property unless `FUZZ_RUNS` says otherwise. */
export const DEFAULT_FUZZ_RUNS = 60;

function integerFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name}=${text} is not an integer`);
  return value;
}

export const FUZZ_SEED = integerFromEnv('FUZZ_SEED', DEFAULT_FUZZ_SEED);
export const FUZZ_RUNS = Math.max(1, integerFromEnv('FUZZ_RUNS', DEFAULT_FUZZ_RUNS));

fc.configureGlobal({ seed: FUZZ_SEED, numRuns: FUZZ_RUNS });

/** Runs for the costly properties (a server round trip, a file on disk): a tenth, at least 5. */
export const FEW_RUNS = Math.max(5, Math.round(FUZZ_RUNS / 10));

export { fc };
