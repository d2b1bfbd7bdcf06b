/** A mistake on the command line: the CLI prints it with a hint and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes of BRIEF §5. */
export const EXIT_OK = 0;
export const EXIT_RUNTIME_FAILURE = 1;
export const EXIT_USAGE = 2;
