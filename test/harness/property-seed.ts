/**
 * Every property test's seed: fixed under CI (so a run on `main` is repeatable and a failure
 * reproduces from the log), drawn afresh on a developer's machine (so new counterexamples keep
 * being looked for). `SPINAL_PROPERTY_SEED` sets it anywhere, e.g. to replay a failure.
 */
import fc from 'fast-check';

/** The seed CI runs with. */
const CI_SEED = 20_261_206;

const given = process.env.SPINAL_PROPERTY_SEED;
const seed = given !== undefined && given !== '' ? Number(given) : process.env.CI ? CI_SEED : undefined;
if (seed !== undefined && Number.isInteger(seed)) fc.configureGlobal({ seed });
