/**
 * `npm run soak -- --minutes N`: a small fleet patrols a hall for N wall minutes (`spinal sim
 * --headless --speed 1`) with device faults and broker outages repeating (`soak-scenario.ts`), while
 * this runner samples the simulation process from outside (`/proc/<pid>/status` and `stat`: RSS and
 * CPU; the ledger files' size; the first robot's `/metrics`: events held) and, through the thread
 * probe loaded into it (`thread-probe.ts`), each thread's heap and event-loop delay. Prints the
 * figures over time as a table, writes them as an SVG plot (`--svg FILE`), flags RSS growth over the
 * second half (`rss-growth.ts`) and ends with one JSON line
 * `{"bench":"soak","minutes":..,"rssGrowthMbPerHour":..,"eventsLost":..,"collisions":..}`.
 * Exit 1 when the growth is flagged, an event was lost, a robot collided or the simulation failed;
 * 2 on bad options. Run `npm run build` first (`npm run soak` does).
 */
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import type { SimRunReport } from '../../cli/sim-report.js';
import { readProc } from './proc-sampler.js';
import { gaugeValue } from './prometheus-gauge.js';
import { rssGrowth } from './rss-growth.js';
import { parseSoakOptions, SOAK_USAGE, type SoakOptions } from './soak-options.js';
import { renderSoakPlotSvg } from './soak-plot-svg.js';
import type { SoakSample, SoakThreadSample } from './soak-sample.js';
import { soakScenario } from './soak-scenario.js';
import { soakTable, threadSummary, threadTable } from './soak-table.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const probe = join(here, 'thread-probe.js');
/** Lines of the simulation's own output shown when it fails. */
const TAIL_LINES = 40;

/** A free TCP port on loopback, for the first robot's debug port (its `/metrics` is scraped). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** The ledger files' total size (every robot's database with its WAL and shared-memory file), megabytes. */
function ledgerMb(dir: string): number {
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith('ledger.db')) continue;
    try {
      bytes += statSync(join(dir, name)).size;
    } catch {
      // Gone between the listing and the stat (a WAL checkpointed away).
    }
  }
  return bytes / 2 ** 20;
}

/** Events held in the first robot's ledger, from its `/metrics`; null when it does not answer in time. */
async function ledgerEvents(port: number): Promise<number | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return gaugeValue(await response.text(), 'spinal_ledger_events');
  } catch {
    return null;
  }
}

/** The probe's reports written since `offset`, newest per thread into `latest`; returns the new offset. */
function readProbe(file: string, offset: number, latest: Map<string, SoakThreadSample>): number {
  if (!existsSync(file)) return offset;
  const text = readFileSync(file, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  for (const line of text.slice(offset, end).split('\n')) {
    if (line === '') continue;
    try {
      const report = JSON.parse(line) as SoakThreadSample;
      latest.set(report.thread, report);
    } catch {
      // A torn line: the next report of that thread replaces it.
    }
  }
  return Math.max(offset, end);
}

interface SimRun {
  code: number | null;
  report: SimRunReport | null;
  samples: SoakSample[];
  tail: string[];
}

/** Runs the simulation for the soak and samples it until it exits. */
async function runSoak(options: SoakOptions, work: string): Promise<SimRun> {
  const durationS = Math.round(options.minutes * 60);
  const scenarioFile = join(work, 'soak.yaml');
  writeFileSync(
    scenarioFile,
    stringify(soakScenario({ robots: options.robots, durationS, faultPeriodS: options.faultPeriodS })),
  );
  const reportFile = join(work, 'report.json');
  const probeFile = join(work, 'threads.jsonl');
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...(options.threadProbe ? ['--import', pathToFileURL(probe).href] : []),
      cli,
      'sim',
      '--headless',
      '--speed',
      '1',
      '--scenario',
      scenarioFile,
      '--duration',
      String(durationS),
      '--report',
      reportFile,
    ],
    {
      cwd: work,
      env: {
        ...process.env,
        SPINAL_DEBUG_LISTEN: `127.0.0.1:${port}`,
        SPINAL_LEDGER_PATH: join(work, 'ledger.db'),
        ...(options.threadProbe
          ? { SOAK_PROBE_FILE: probeFile, SOAK_PROBE_INTERVAL_MS: String(Math.round(options.sampleS * 1000)) }
          : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = createWriteStream(join(work, 'sim.log'));
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    log.write(chunk);
    tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  const interrupt = (): void => {
    child.kill('SIGINT');
  };
  process.on('SIGINT', interrupt);

  const samples: SoakSample[] = [];
  const latest = new Map<string, SoakThreadSample>();
  let probeOffset = 0;
  const startedMs = performance.now();
  let previous = { tS: 0, cpuS: 0 };
  let running = true;
  void exited.then(() => {
    running = false;
  });
  const pid = child.pid;
  while (running && pid !== undefined) {
    await new Promise((wake) => setTimeout(wake, options.sampleS * 1000));
    const proc = readProc(pid);
    if (!running || !proc) break;
    const tS = (performance.now() - startedMs) / 1000;
    probeOffset = readProbe(probeFile, probeOffset, latest);
    const sample: SoakSample = {
      tS,
      rssMb: proc.rssMb,
      cpuPct: tS > previous.tS ? ((proc.cpuS - previous.cpuS) / (tS - previous.tS)) * 100 : 0,
      ledgerMb: ledgerMb(work),
      ledgerEvents: await ledgerEvents(port),
      threads: [...latest.values()].sort((a, b) => a.thread.localeCompare(b.thread, 'en', { numeric: true })),
    };
    previous = { tS, cpuS: proc.cpuS };
    samples.push(sample);
    const t = threadSummary(sample.threads);
    console.error(
      `[${(tS / 60).toFixed(1)}/${options.minutes} min] RSS ${sample.rssMb.toFixed(1)} MB, CPU ${sample.cpuPct.toFixed(0)} %, ` +
        `loop delay p99 main ${t.mainDelayP99Ms?.toFixed(1) ?? '-'} ms / workers ${t.workersDelayP99Ms?.toFixed(1) ?? '-'} ms, ` +
        `ledger ${sample.ledgerMb.toFixed(2)} MB, ${sample.ledgerEvents ?? '-'} events`,
    );
  }
  const code = await exited;
  process.removeListener('SIGINT', interrupt);
  await new Promise((done) => log.end(done));
  const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as SimRunReport) : null;
  return { code, report, samples, tail };
}

async function main(): Promise<number> {
  const parsed = parseSoakOptions(process.argv.slice(2));
  if ('error' in parsed) {
    console.error(`soak: ${parsed.error}\n${SOAK_USAGE}`);
    return 2;
  }
  const options = parsed;
  if (process.platform !== 'linux') {
    console.error('soak: samples the simulation through /proc, so it runs on Linux only');
    return 2;
  }
  if (!existsSync(cli)) {
    console.error(`${cli} is missing: run "npm run build" first`);
    return 2;
  }
  const svgFile = resolve(options.svg);
  const work = mkdtempSync(join(tmpdir(), 'spinal-soak-'));
  console.error(
    `soak: ${options.robots} robots patrolling for ${options.minutes} min at real time, a fault cycle every ` +
      `${options.faultPeriodS} s, sampled every ${options.sampleS} s (work files in ${work})`,
  );
  const run = await runSoak(options, work);
  const { report, samples } = run;
  const growth = rssGrowth(samples, options.noiseFloorMbPerHour);
  const collisions = report ? report.robots.reduce((sum, robot) => sum + robot.collisions, 0) : null;
  const eventsLost = report ? report.eventsLost : null;

  console.log(soakTable(samples));
  if (samples.some((s) => s.threads.length > 0)) console.log(`\n${threadTable(samples)}`);
  const verdict = growth.flagged ? 'FLAGGED' : growth.judged ? 'within noise' : 'run too short to judge';
  console.log(
    `\nRSS growth over the second half: ${growth.mbPerHour.toFixed(1)} MB/h (threshold ` +
      `${growth.thresholdMbPerHour.toFixed(1)} MB/h): ${verdict}`,
  );
  if (report) {
    const faults = report.faults.length;
    console.log(
      `sim: ${report.simTimeS} s in ${report.wallTimeS} s wall (${report.realTimeFactor}x real time), ` +
        `${faults} device faults injected, ${collisions} collision(s), ${eventsLost} event(s) lost`,
    );
    for (const robot of report.robots) {
      console.log(
        `  ${robot.id}: ${robot.distanceM} m driven, ${robot.collisions} collision(s), ` +
          `${robot.reflexTrips.length} reflex trip(s), mission ${robot.missionState}`,
      );
    }
  }
  const failures = [
    ...(growth.flagged ? ['RSS growth above noise'] : []),
    ...(eventsLost ? [`${eventsLost} event(s) lost`] : []),
    ...(collisions ? [`${collisions} collision(s)`] : []),
    ...(run.code === 0 ? [] : [`the simulation exited ${run.code}`]),
    ...(report ? [] : ['the simulation wrote no report']),
  ];
  if (run.code !== 0 || !report) console.error(`the simulation's last lines:\n${run.tail.join('\n')}`);

  try {
    mkdirSync(dirname(svgFile), { recursive: true });
    const title = `spinal soak: ${options.robots} robots, ${options.minutes} min, RSS ${growth.mbPerHour.toFixed(1)} MB/h (${verdict})`;
    writeFileSync(svgFile, renderSoakPlotSvg(samples, growth, title));
    console.log(`plot: ${svgFile}`);
  } catch (error) {
    failures.push(`the plot was not written: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (options.samplesFile) {
    writeFileSync(options.samplesFile, samples.map((s) => JSON.stringify(s)).join('\n') + '\n');
  }
  for (const failure of failures) console.log(`soak: FAILED: ${failure}`);
  // The work files (scenario, report, the simulation's output) stay when the run failed, for a look.
  if (failures.length === 0) rmSync(work, { recursive: true, force: true });
  else console.log(`soak: the scenario, report and the simulation's output are in ${work}`);
  console.log(
    JSON.stringify({
      bench: 'soak',
      minutes: options.minutes,
      rssGrowthMbPerHour: Math.round(growth.mbPerHour * 10) / 10,
      eventsLost,
      collisions,
      rssGrowthThresholdMbPerHour: Math.round(growth.thresholdMbPerHour * 10) / 10,
      growthFlagged: growth.flagged,
      growthJudged: growth.judged,
      rssFirstMb: samples[0] ? Math.round(samples[0].rssMb) : null,
      rssLastMb: samples.at(-1) ? Math.round(samples.at(-1)!.rssMb) : null,
      robots: options.robots,
      faultsInjected: report?.faults.length ?? null,
      realTimeFactor: report?.realTimeFactor ?? null,
    }),
  );
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
