/**
 * The footprint of the single executable (`npm run bench -- footprint`): its size, the time from
 * starting `spinal sim` (live, the default scenario) in an empty directory to the first 200 of
 * `GET /readyz`, and the whole process's resident memory (all its threads: VmRSS of
 * /proc/<pid>/status), in a plain environment and in the service's, beside a bare `node -e` of the
 * embedded Node in the same run: at rest (`idleRssMb`: the robot's process, `spinal run`, with its
 * board's devices absent, so nothing moves) and running the simulator demo (`simRssMb`: the robot
 * driving its scenario, with the simulated world's thread besides). MB here are 2^20 bytes. Options: --binary FILE (default dist/spinal-linux-x64),
 * --settle S (seconds after ready before sampling, default 5).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeDist } from './binary/node-dist.mjs';

/* global fetch */

const MB = 1024 * 1024;

/** `VmRSS`, `RssAnon` and `RssFile` of a process, in MB. */
function residentMb(statusText) {
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(statusText)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, anon: kb('RssAnon') / 1024, file: kb('RssFile') / 1024 };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The resident memory of process `pid` after `settleS` seconds: the median of 5 samples 0.2 s apart. */
async function settledResident(pid, settleS) {
  await sleep(settleS * 1000);
  const samples = [];
  for (let i = 0; i < 5; i++) {
    samples.push(residentMb(readFileSync(`/proc/${pid}/status`, 'utf8')));
    await sleep(200);
  }
  samples.sort((a, b) => a.rss - b.rss);
  return samples[2];
}

/** Resolves with the debug port's address once the child announces it. */
function announcedAddress(child) {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr.on('data', (chunk) => {
      text += chunk.toString();
      const match = /debug port: http:\/\/([^/\s]+)\//.exec(text);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`spinal exited ${code} before its debug port was up: ${text}`)));
  });
}

async function untilReady(address, deadlineMs) {
  while (Date.now() < deadlineMs) {
    try {
      const res = await fetch(`http://${address}/readyz`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(5);
  }
  throw new Error('not ready within 30 s');
}

/**
 * The environment the systemd unit gives the service (scripts/install/spinal.service): glibc's
 * per-thread malloc arenas capped.
 */
const SERVICE_ENV = Object.freeze({ MALLOC_ARENA_MAX: '2' });

/**
 * One start of the binary, copied alone into an empty directory as it is copied onto a board (no
 * node_modules, no Node on the PATH, the addon cache under it): milliseconds to ready, then the
 * resident memory after `settleS`.
 */
async function measureOnce(binary, settleS, extraEnv) {
  const dir = mkdtempSync(join(tmpdir(), 'spinal-footprint-'));
  const copy = join(dir, 'spinal');
  copyFileSync(binary, copy);
  const env = { PATH: '/usr/bin:/bin', HOME: dir, SPINAL_DEBUG_LISTEN: '127.0.0.1:0', ...extraEnv };
  const started = performance.now();
  const child = spawn(copy, ['sim'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const address = await announcedAddress(child);
    await untilReady(address, Date.now() + 30_000);
    const startToReadyMs = performance.now() - started;
    return { startToReadyMs, resident: await settledResident(child.pid, settleS) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The board `spinal run` is started with: a shipped one, whose devices this machine does not have. */
const RUN_BOARD = join('board-configs', 'rpi4-ld06-motorhat.yaml');

/** Resolves once `spinal run` says which robot it runs (its threads are up). */
function runStarted(child) {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr.on('data', (chunk) => {
      text += chunk.toString();
      if (/spinal run: robot /.test(text)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`spinal run exited ${code}: ${text}`)));
  });
}

/**
 * The robot's own process at rest: `spinal run` with a shipped board, copied alone into an empty
 * directory with its board config, on a machine without the board's devices (they report
 * `failed` and are retried; nothing moves). Its resident memory after `settleS`.
 */
async function measureRunIdle(root, binary, settleS, extraEnv) {
  const dir = mkdtempSync(join(tmpdir(), 'spinal-footprint-'));
  const copy = join(dir, 'spinal');
  copyFileSync(binary, copy);
  copyFileSync(join(root, RUN_BOARD), join(dir, 'board.yaml'));
  const env = { PATH: '/usr/bin:/bin', HOME: dir, SPINAL_DEBUG_LISTEN: '127.0.0.1:0', ...extraEnv };
  const child = spawn(copy, ['run', '--board', 'board.yaml'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    await runStarted(child);
    return await settledResident(child.pid, settleS);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The resident memory of a bare `node -e` of the embedded Node. */
function nodeBaseline(root) {
  const node = join(nodeDist('x64', join(root, '.cache', 'binary')), 'bin', 'node');
  const run = spawnSync(node, ['-e', "process.stdout.write(require('fs').readFileSync('/proc/self/status', 'utf8'))"], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin' },
  });
  if (run.status !== 0) throw new Error(`${node} -e failed: ${run.stderr}`);
  return residentMb(run.stdout);
}

/** The footprint bench's figures. */
export async function footprint(root, args) {
  const { values } = parseArgs({ args, options: { binary: { type: 'string' }, settle: { type: 'string' } } });
  const binary = values.binary ?? join(root, 'dist', 'spinal-linux-x64');
  let sizeBytes;
  try {
    sizeBytes = statSync(binary).size;
  } catch {
    throw new Error(`${binary} is missing: run "npm run build:binary" first`);
  }
  const settleS = Number(values.settle ?? 5);
  const runs = 3;
  const results = [];
  const serviceResults = [];
  for (const [label, env, into] of [
    ['plain environment', {}, results],
    ['service environment (MALLOC_ARENA_MAX=2)', SERVICE_ENV, serviceResults],
  ]) {
    for (let i = 0; i < runs; i++) {
      const result = await measureOnce(binary, settleS, env);
      const r = result.resident;
      console.error(
        `${label}, run ${i + 1}/${runs}: ready after ${result.startToReadyMs.toFixed(0)} ms; ${settleS} s later ` +
          `RSS ${r.rss.toFixed(1)} MB (anonymous ${r.anon.toFixed(1)}, file-backed ${r.file.toFixed(1)})`,
      );
      into.push(result);
    }
  }
  const idle = [];
  const idleService = [];
  for (const [label, env, into] of [
    ['plain environment', {}, idle],
    ['service environment (MALLOC_ARENA_MAX=2)', SERVICE_ENV, idleService],
  ]) {
    for (let i = 0; i < runs; i++) {
      const r = await measureRunIdle(root, binary, settleS, env);
      console.error(
        `spinal run at rest, ${label}, run ${i + 1}/${runs}: RSS ${r.rss.toFixed(1)} MB ` +
          `(anonymous ${r.anon.toFixed(1)}, file-backed ${r.file.toFixed(1)})`,
      );
      into.push(r);
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const baseline = nodeBaseline(root);
  console.error(
    `binary ${(sizeBytes / MB).toFixed(1)} MB; bare node -e of the embedded Node: RSS ${baseline.rss.toFixed(1)} MB ` +
      `(anonymous ${baseline.anon.toFixed(1)}, file-backed ${baseline.file.toFixed(1)})`,
  );
  const round = (x) => Math.round(x * 10) / 10;
  return {
    binaryMb: round(sizeBytes / MB),
    startToReadyMs: Math.round(median(results.map((r) => r.startToReadyMs))),
    idleRssMb: round(median(idle.map((r) => r.rss))),
    idleRssAnonMb: round(median(idle.map((r) => r.anon))),
    idleRssServiceEnvMb: round(median(idleService.map((r) => r.rss))),
    simRssMb: round(median(results.map((r) => r.resident.rss))),
    simRssServiceEnvMb: round(median(serviceResults.map((r) => r.resident.rss))),
    nodeBaselineRssMb: round(baseline.rss),
  };
}
