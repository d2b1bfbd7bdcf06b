#!/usr/bin/env node
// Benchmarks: `npm run bench -- <name>`. Each prints its progress, then ends with one JSON line of
// its figures, e.g. {"bench":"sim","realTimeFactor":29.1}. Run `npm run build` first (npm test does).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { footprint } from './bench-footprint.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'main.js');

/** Runs one headless scenario as fast as it can and returns the report. */
function runScenario(scenario, durationS) {
  const report = join(mkdtempSync(join(tmpdir(), 'spinal-bench-')), 'report.json');
  const result = spawnSync(
    process.execPath,
    [
      cli,
      'sim',
      '--headless',
      '--speed',
      '0',
      '--scenario',
      scenario,
      '--duration',
      String(durationS),
      '--report',
      report,
    ],
    { cwd: root, env: { ...process.env, SPINAL_DEBUG_LISTEN: '127.0.0.1:0' }, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`sim exited ${result.status}: ${result.stderr}`);
  return JSON.parse(readFileSync(report, 'utf8'));
}

/** Runs a compiled benchmark script under dist/scripts and returns the figures of its last (JSON) line. */
function runBenchScript(relative, args) {
  const script = join(root, 'dist', 'scripts', ...relative.split('/'));
  if (!existsSync(script)) throw new Error(`${script} is missing: run "npm run build" first`);
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${relative} exited ${result.status}`);
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  const { bench: _bench, ...figures } = JSON.parse(last);
  return figures;
}

const benches = {
  /** The default scenario (60 s of sim time) as fast as it runs: the real-time factor is sim time over wall time (baseline: real time = 1). */
  sim() {
    const runs = 3;
    const factors = [];
    for (let i = 0; i < runs; i++) {
      const report = runScenario('default', 60);
      const robot = report.robots[0];
      console.error(
        `run ${i + 1}/${runs}: ${report.simTimeS} s sim in ${report.wallTimeS} s wall = ${report.realTimeFactor}x, goal ${robot.goalReached ? 'reached' : 'NOT reached'}, ${robot.collisions} collisions`,
      );
      if (!robot.goalReached || robot.collisions !== 0)
        throw new Error('the default scenario did not succeed; the figure would mean nothing');
      factors.push(report.realTimeFactor);
    }
    factors.sort((a, b) => a - b);
    return {
      realTimeFactor: factors[Math.floor(runs / 2)],
      realTimeFactorMin: factors[0],
      realTimeFactorMax: factors[runs - 1],
    };
  },

  /**
   * The reflex's stop latency and loop lateness while the planner thread is stuck and 2000 mesh
   * messages a second flood the comms thread, against the same stop decided in the planner's
   * thread (scripts/bench-reflex/, docs/benchmarks.md). Options: --trials N, --worker-nice N.
   */
  reflex(args) {
    const script = join(root, 'dist', 'scripts', 'bench-reflex', 'reflex-bench.js');
    if (!existsSync(script)) throw new Error(`${script} is missing: run "npm run build" first`);
    const result = spawnSync(process.execPath, [script, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`the reflex bench exited ${result.status}`);
    const last = result.stdout.trim().split('\n').at(-1) ?? '';
    const { bench: _bench, ...figures } = JSON.parse(last);
    return figures;
  },

  /** The cortex's grid A* against the `pathfinding` package's on 200, 400 and 1000 cell grids (scripts/bench-planner/). */
  planner(args) {
    return runBenchScript('bench-planner/planner-bench.js', args);
  },

  /** The cortex's whole cycle at 20 Hz on the warehouse map while the reflex runs (scripts/bench-planner/cortex-bench.ts). */
  cortex(args) {
    return runBenchScript('bench-planner/cortex-bench.js', args);
  },

  /**
   * The single executable's size, start-to-ready time and idle resident memory, beside a bare
   * `node -e` of the Node it embeds (scripts/bench-footprint.mjs). Run `npm run build:binary` first.
   * Options: --binary FILE, --settle S.
   */
  footprint(args) {
    return footprint(root, args);
  },

  /** Ledger ingest (batched and one commit each), uplink replay, backlog memory and the supervisor serving 200 robots (scripts/bench-ledger/). */
  ledger(args) {
    return runBenchScript('bench-ledger/ledger-bench.js', args);
  },

  /**
   * 50 robots' mesh links at 10 Hz through Mosquitto at 127.0.0.1:1883 (the embedded broker without it):
   * state age at an observer, CPU per robot, claim-to-claim round trip (scripts/bench-mesh/).
   * Options: --peers N, --duration S, --hz N.
   */
  mesh(args) {
    return runBenchScript('bench-mesh/mesh-bench.js', args);
  },
};

const name = process.argv[2];
if (!name || !(name in benches)) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}>`);
  process.exit(2);
}
if (name !== 'footprint' && !existsSync(cli)) {
  console.error('dist/cli/main.js is missing: run "npm run build" first');
  process.exit(2);
}
try {
  const figures = await benches[name](process.argv.slice(3));
  console.log(JSON.stringify({ bench: name, ...figures }));
} catch (error) {
  console.error(`bench ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
