/**
 * A configuration problem: which file, which field, what is wrong. The CLI prints `message` and
 * exits 2. `path` is written the way a person would point at the field: `devices[2].bus`.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** The file (or `environment`, `command line`) the value came from. */
    readonly file: string,
    /** Path of the bad field; empty when the problem is the file itself. */
    readonly path: string,
    /** What is wrong, in plain words. */
    readonly problem: string,
  ) {
    super(path ? `${file}: ${path}: ${problem}` : `${file}: ${problem}`);
  }
}

/** Formats a path like `devices[2].params.baudRate`. */
export function formatFieldPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}
