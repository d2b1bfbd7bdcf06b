import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, onTestFailed } from 'vitest';

/**
 * Where the pictures of failed simulator runs are kept (`test-artifacts/plots/`, ignored by git):
 * CI keeps the folder as the run's artefacts, so a failed scenario test is understood at a glance.
 */
export const FAILURE_PLOTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts', 'plots');

let runs = 0;

/**
 * The arguments of a `spinal sim` run started by a test, with `--plot` to a temporary file that is
 * copied to {@link FAILURE_PLOTS_DIR} (named after the test) only when the test fails. Other
 * commands, runs that draw their own picture, `--help`, and runs outside a test are left alone.
 */
export function withPlotKeptOnFailure(args: readonly string[]): string[] {
  if (args[0] !== 'sim' || args.includes('--plot') || args.includes('--help') || args.includes('-h')) return [...args];
  const testName = expect.getState().currentTestName;
  if (!testName) return [...args];
  runs += 1;
  const file = join(mkdtempSync(join(tmpdir(), 'spinal-plot-')), 'run.svg');
  const kept = join(FAILURE_PLOTS_DIR, `${fileNameOf(testName)}-${runs}.svg`);
  try {
    onTestFailed(() => {
      if (!existsSync(file)) return;
      mkdirSync(FAILURE_PLOTS_DIR, { recursive: true });
      copyFileSync(file, kept);
    });
  } catch {
    // Not inside a running test (a hook): no picture to keep.
    return [...args];
  }
  // Right after the command, so that an option left without its value by a test stays so.
  return ['sim', '--plot', file, ...args.slice(1)];
}

/** A test's name as a file name: letters, digits and dashes, at most 100 characters. */
function fileNameOf(testName: string): string {
  return testName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100);
}
