#!/usr/bin/env node
// Long fuzzing: `npm run fuzz -- --minutes N [--runs R] [--seed S] [test/fuzz/<file>...]`.
// Runs the fuzz tests (test/fuzz/*.fuzz.test.ts) round after round, each round with a fresh seed
// and R runs per property (default 2000), until N minutes (default 5) have passed. Prints each
// round's seed and outcome; on a failure prints the counterexample and the command that replays
// it, and exits 1. `--seed S` makes the first round use S (then fresh seeds follow).
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');

function parseArgs(argv) {
  const options = { minutes: 5, runs: 2000, seed: undefined, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const text = argv[++i];
      const number = Number(text);
      if (text === undefined || !Number.isFinite(number) || number <= 0) {
        console.error(`fuzz: ${arg} needs a positive number, got ${text ?? 'nothing'}`);
        process.exit(2);
      }
      return number;
    };
    if (arg === '--minutes') options.minutes = value();
    else if (arg === '--runs') options.runs = Math.round(value());
    else if (arg === '--seed') options.seed = Math.round(value());
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: npm run fuzz -- --minutes N [--runs R] [--seed S] [test/fuzz/<file>...]');
      process.exit(0);
    } else if (arg.startsWith('--')) {
      console.error(`fuzz: unknown option ${arg}`);
      process.exit(2);
    } else options.files.push(arg);
  }
  if (options.files.length === 0) options.files.push('test/fuzz/');
  return options;
}

/** The part of vitest's output that says what failed: the failing tests and their counterexamples. */
function failureReport(output) {
  const at = output.indexOf('Failed Tests');
  const text = at >= 0 ? output.slice(at) : output;
  return text
    .split('\n')
    .filter((line) => !/^\s+❯ .*node_modules\//.test(line))
    .slice(0, 80)
    .join('\n');
}

const options = parseArgs(process.argv.slice(2));
const started = Date.now();
const deadline = started + options.minutes * 60_000;
let round = 0;
console.log(`fuzz: ${options.files.join(' ')} for ${options.minutes} min, ${options.runs} runs per property per round`);
do {
  round += 1;
  const seed = round === 1 && options.seed !== undefined ? options.seed : randomInt(1, 2 ** 31 - 1);
  const roundStart = Date.now();
  const result = spawnSync(process.execPath, [vitest, 'run', ...options.files], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FUZZ_SEED: String(seed), FUZZ_RUNS: String(options.runs), NO_COLOR: '1', FORCE_COLOR: '0' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = ((Date.now() - roundStart) / 1000).toFixed(1);
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const tests = /Tests\s+(.*)/.exec(output)?.[1]?.trim() ?? '';
  if (result.status !== 0) {
    console.log(`round ${round}  seed ${seed}  FAILED after ${seconds} s  ${tests}`);
    console.log(failureReport(output));
    console.log(`\nfailing seed: ${seed}`);
    console.log(`replay: FUZZ_SEED=${seed} FUZZ_RUNS=${options.runs} npx vitest run ${options.files.join(' ')}`);
    process.exit(1);
  }
  const elapsedMin = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(`round ${round}  seed ${seed}  passed in ${seconds} s  ${tests}  (${elapsedMin}/${options.minutes} min)`);
} while (Date.now() < deadline);
console.log(`fuzz: ${round} round(s) of ${options.runs} runs per property, no failure`);
