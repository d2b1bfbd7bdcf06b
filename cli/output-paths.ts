import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

/**
 * Checks, before a run starts, that `file` can be written: its directory exists and is writable,
 * and `file` itself is not a directory (nor an existing file that may not be written). Throws a
 * UsageError naming the option and the problem, so a long run never ends by losing its results.
 */
export function checkOutputFile(option: string, file: string): void {
  const path = resolve(file);
  const fail = (problem: string): never => {
    throw new UsageError(`${option} ${file}: ${problem}`);
  };
  const existing = statOrNull(path);
  if (existing?.isDirectory()) fail('is a directory; give a file name, e.g. report.json');
  const dir = dirname(path);
  const parent = statOrNull(dir);
  if (!parent) fail(`the directory ${dir} does not exist`);
  if (!parent?.isDirectory()) fail(`${dir} is not a directory`);
  try {
    accessSync(existing ? path : dir, constants.W_OK);
  } catch {
    fail(existing ? 'may not be written by this user' : `the directory ${dir} may not be written by this user`);
  }
}

function statOrNull(path: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
