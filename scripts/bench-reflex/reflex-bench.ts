import { availableParallelism, getPriority, loadavg, setPriority } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { raiseReflexPriority } from '../../cli/service/reflex-priority.js';
import { ReflexLoop } from '../../reflex/reflex-loop.js';
import { reflexSettingsFromParams } from '../../reflex/reflex-settings.js';
import { mixWheelDuties } from '../../reflex/wheel-mixer.js';
import type { Clock } from '../../time/clock.js';
import { seededRandom } from '../../simulator/world/seeded-random.js';
import { MonotonicClock } from '../../time/monotonic-clock.js';
import type {
  BenchThreadToMain,
  MainToBenchThread,
  SpinningPlannerData,
  StallingPlannerData,
} from './bench-thread-messages.js';
import { benchConfig, buildBenchRobot, type BenchRobot } from './bench-robot.js';
import { LatenessRecordingClock } from './lateness-recording-clock.js';
import { measurePacketPathCost } from './packet-path-cost.js';
import { measureSweptCheckCost } from './swept-check-cost.js';
import { summarizeLatency, type LatencySummary } from './latency-summary.js';
import { Ld06PacketFeed } from './ld06-packet-feed.js';
import { meshFigures, startBenchThread, startMeshLoad, type MeshLoad } from './load-threads.js';
import { runStopTrials, type StopTrialResult } from './stop-trials.js';

/**
 * `npm run bench -- reflex [--trials N] [--worker-nice N]`: how fast the reflex stops the motors
 * after the lidar packet that shows an obstacle, while the planner thread is stuck and the mesh
 * floods the comms thread; the same stop decided in the planner's thread instead (the design
 * spinal rejects); and how late the reflex's periodic loop runs at 100 Hz and 500 Hz under that
 * load. Progress goes to stderr, one JSON line of figures to stdout. docs/benchmarks.md says how
 * to read them.
 */

/** Mesh messages arriving at the comms thread, per second. */
const MESH_MESSAGES_PER_S = 2_000;
/** Manual drive relayed by the comms thread: forward speed, m/s, and period, ms. */
const DRIVE_MPS = 0.3;
const DRIVE_PERIOD_MS = 50;
/** Free distance between the footprint's front and the obstacle, metres: inside the stopping distance at any speed. */
const OBSTACLE_FREE_M = 0.06;
/**
 * How long an obstacle stop must stay clear before the robot drives again, ms (`reflex.clearHoldMs`,
 * default 300): shortened so that a thousand trials fit in a minute. The stop path does not read it.
 */
const CLEAR_HOLD_MS = 10;
/** The busy planner of the baseline blocks its thread this long out of every period, ms (BRIEF §4). */
const STALL_MS = 50;
const STALL_PERIOD_MS = 60;
/**
 * Room packets between the robot driving again and the obstacle, drawn at random so that the
 * obstacle falls at any phase of the periodic activity it could meet: for the reflex, its loop
 * (10 ms at 100 Hz: 1..4 packets of 2.67 ms); for the baseline, the planner's stall cycle (its
 * stop comes just after a stall, so a shorter lead would put the next obstacle early in the next
 * stall every time: 1..23 packets span the 60 ms cycle).
 */
const REFLEX_LEAD_PACKETS = { min: 1, max: 4 };
const BASELINE_LEAD_PACKETS = { min: 1, max: 23 };
const STOP_TIMEOUT_MS = 1_000;
/**
 * Longest the reflex's and the baseline's trial runs may take, ms, whatever the trial count (a
 * thousand trials take about 27 s and 62 s), so that the whole bench stays under two minutes.
 */
const MAX_REFLEX_RUN_MS = 45_000;
const MAX_BASELINE_RUN_MS = 70_000;
/** Length of the 500 Hz run, ms. */
const FAST_LOOP_RUN_MS = 6_000;
/** Length of the 100 Hz run at the priority the service gives the reflex, ms. */
const SERVICE_PRIORITY_RUN_MS = 6_000;
/** Length of the run with no load, for reference, ms. */
const REFERENCE_RUN_MS = 3_000;

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

interface BenchOptions {
  trials: number;
  /** Nice value the load threads give themselves (`--worker-nice N`); absent: they run at the main thread's. */
  workerNice: number | undefined;
}

function integerOption(argv: readonly string[], name: string, min: number, max: number): number | undefined {
  const at = argv.indexOf(name);
  if (at < 0) return undefined;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < min || value > max) {
    progress(`${name} must be an integer in ${min}..${max}, got ${argv[at + 1] ?? 'nothing'}`);
    process.exit(2);
  }
  return value;
}

function parseOptions(argv: readonly string[]): BenchOptions {
  return {
    trials: integerOption(argv, '--trials', 1, 1_000_000) ?? 1_000,
    workerNice: integerOption(argv, '--worker-nice', 0, 19),
  };
}

const options = parseOptions(process.argv.slice(2));

function trialOptions(robot: BenchRobot, clock: Clock, seed: number, leadPackets: { min: number; max: number }) {
  return {
    serial: robot.serial,
    motors: robot.motorBus,
    feed: new Ld06PacketFeed({ roomHalfLengthM: 3, roomHalfWidthM: 2, rangeNoiseM: 0.005, random: seededRandom(seed) }),
    clock,
    obstacleRangeM: robot.board.robot.footprint.lengthM / 2 + OBSTACLE_FREE_M - robot.lidarMountXM,
    leadPackets,
    stopTimeoutMs: STOP_TIMEOUT_MS,
    random: seededRandom(seed + 1),
  };
}

function reportEvery(label: string, total: number): (done: number) => void {
  const step = Math.max(1, Math.round(total / 4));
  return (done) => {
    if (done % step === 0) progress(`  ${label}: ${done}/${total} trials`);
  };
}

// ---------------------------------------------------------------------------------------------
// Runs

interface ReflexRun {
  stop: LatencySummary;
  missed: number;
  interrupted: number;
  /** Stops the reflex made, by rule (the obstacle trials' and any other). */
  tripsByRule: Record<string, number>;
  lateness: LatencySummary;
  /** Loop iterations skipped because the thread was blocked for more than a period. */
  droppedTicks: number;
  /** The reflex's own monitor: 99th percentile lateness of its last 1000 iterations, µs. */
  monitorLatenessP99Us: number;
  mesh: Record<string, number>;
}

/**
 * The reflex on this thread at `loopRateHz`, stopping the robot trial after trial. Under `load`
 * its drive command comes from the comms thread; with no load, from a timer on this thread.
 */
async function runReflex(
  load: MeshLoad | null,
  loopRateHz: number,
  trials: number,
  maxRunMs: number,
): Promise<ReflexRun> {
  const clock = new MonotonicClock();
  const robot = await buildBenchRobot(clock, CLEAR_HOLD_MS);
  const reflexClock = new LatenessRecordingClock(clock);
  const reflex = new ReflexLoop({
    clock: reflexClock,
    settings: robot.settings,
    loopRateHz,
    footprint: robot.board.robot.footprint,
    geometry: robot.geometry,
    lidar: robot.lidar,
    left: robot.left,
    right: robot.right,
  });
  const onDrive = (message: BenchThreadToMain): void => {
    if (message.t === 'drive') reflex.submit(message.command);
  };
  load?.comms.on('message', onDrive);
  const cancelLocalDrive = load
    ? () => undefined
    : clock.every(DRIVE_PERIOD_MS * 1_000, () =>
        reflex.submit({ source: 'manual', vMps: DRIVE_MPS, wRadps: 0, stampUs: clock.nowUs() }),
      );
  const tripsByRule: Record<string, number> = {};
  reflex.onTrip((trip) => {
    tripsByRule[trip.rule] = (tripsByRule[trip.rule] ?? 0) + 1;
  });
  reflex.start();
  let result: StopTrialResult | undefined;
  const run = async (): Promise<void> => {
    result = await runStopTrials({
      ...trialOptions(robot, clock, loopRateHz, REFLEX_LEAD_PACKETS),
      trials,
      maxDurationMs: maxRunMs,
      ready: () => reflex.status().state === 'clear' && robot.motorBus.driving(),
      progress: Number.isFinite(trials) ? reportEvery(`${loopRateHz} Hz`, trials) : undefined,
    });
  };
  const mesh = load ? await meshFigures(load, run) : (await run(), {});
  reflexClock.stopRecording();
  const monitor = reflex.loopTiming();
  reflex.stop();
  cancelLocalDrive();
  load?.comms.off('message', onDrive);
  await Promise.all(robot.devices.map((d) => d.stop()));
  if (!result) throw new Error('the trials did not run');
  return {
    stop: summarizeLatency(result.latenciesMs),
    missed: result.missed,
    interrupted: result.interrupted,
    tripsByRule,
    lateness: summarizeLatency(reflexClock.latenessMs()),
    droppedTicks: reflexClock.droppedCalls(),
    monitorLatenessP99Us: monitor.latenessP99Us,
    mesh,
  };
}

interface BaselineRun {
  stop: LatencySummary;
  missed: number;
  mesh: Record<string, number>;
}

/**
 * The design spinal rejects: the main thread only moves bytes and writes the motors; the packets'
 * points go to the planner's thread, which makes the obstacle check between its stalls and posts
 * a stop back.
 */
async function runBaseline(load: MeshLoad, planner: Worker, trials: number): Promise<BaselineRun> {
  const clock = new MonotonicClock();
  const robot = await buildBenchRobot(clock, CLEAR_HOLD_MS);
  let seq = 0;
  let obstacleSeq = Infinity;
  let stopped = true;
  let driveAsked = false;
  robot.lidar.onPoints((points) => {
    seq++;
    const { xM, yM, rangeM, intensity } = points;
    // The driver's arrays are its own copies: they move to the planner's thread without a copy.
    const buffers = [xM.buffer, yM.buffer, rangeM.buffer, intensity.buffer] as ArrayBuffer[];
    planner.postMessage({ t: 'points', seq, points } satisfies MainToBenchThread, buffers);
  });
  const onStop = (message: BenchThreadToMain): void => {
    if (message.t !== 'stop' || message.seq < obstacleSeq || stopped) return;
    stopped = true;
    void Promise.all([robot.left.brake(), robot.right.brake()]).catch(() => undefined);
  };
  planner.on('message', onStop);
  const duty = mixWheelDuties(DRIVE_MPS, 0, robot.geometry);
  let result: StopTrialResult | undefined;
  const mesh = await meshFigures(load, async () => {
    result = await runStopTrials({
      ...trialOptions(robot, clock, 7, BASELINE_LEAD_PACKETS),
      trials,
      maxDurationMs: MAX_BASELINE_RUN_MS,
      ready: () => {
        if (robot.motorBus.driving()) {
          driveAsked = false;
          return true;
        }
        if (!driveAsked) {
          driveAsked = true;
          void Promise.all([robot.left.setDuty(duty.left), robot.right.setDuty(duty.right)]).catch(() => undefined);
        }
        return false;
      },
      beforeObstacle: () => {
        obstacleSeq = seq + 1;
        stopped = false;
      },
      progress: reportEvery('baseline', trials),
    });
  });
  planner.off('message', onStop);
  await Promise.all(robot.devices.map((d) => d.stop()));
  if (!result) throw new Error('the trials did not run');
  return { stop: summarizeLatency(result.latenciesMs), missed: result.missed, mesh };
}

function describe(summary: LatencySummary): string {
  return `p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms, max ${summary.maxMs} ms (${summary.count})`;
}

async function main(): Promise<void> {
  const { trials } = options;
  const loadAvg1m = loadavg()[0] ?? 0;
  progress(
    `reflex bench: ${trials} trials, ${availableParallelism()} CPUs, load average ${loadAvg1m.toFixed(2)}, node ${process.version}`,
  );
  progress(`reference: reflex on the main thread, no other thread, ${REFERENCE_RUN_MS / 1_000} s`);
  const reference = await runReflex(null, 100, Infinity, REFERENCE_RUN_MS);
  progress(`  stop latency ${describe(reference.stop)}; 100 Hz loop lateness ${describe(reference.lateness)}`);

  const load = await startMeshLoad({
    messagesPerS: MESH_MESSAGES_PER_S,
    driveMps: DRIVE_MPS,
    drivePeriodMs: DRIVE_PERIOD_MS,
    nice: options.workerNice,
  });
  progress(`spinal: reflex on the main thread, planner thread spinning, ${MESH_MESSAGES_PER_S} mesh messages/s`);
  const spinning = await startBenchThread(
    { role: 'spinning-planner' } satisfies SpinningPlannerData,
    [],
    options.workerNice,
  );
  const at100 = await runReflex(load, 100, trials, MAX_REFLEX_RUN_MS);
  progress(`  stop latency ${describe(at100.stop)}, missed ${at100.missed}, interrupted ${at100.interrupted}`);
  progress(`  reflex stops by rule: ${JSON.stringify(at100.tripsByRule)}`);
  progress(`  100 Hz loop lateness ${describe(at100.lateness)}, ${at100.droppedTicks} ticks dropped`);
  progress(`  mesh: ${JSON.stringify(at100.mesh)}`);
  // What the service buys: the same load, the reflex's thread at the nice value the unit gives it.
  const niceBefore = getPriority(0);
  const priority = raiseReflexPriority();
  let atServicePriority: ReflexRun | null = null;
  if (priority.nice < niceBefore) {
    atServicePriority = await runReflex(load, 100, Infinity, SERVICE_PRIORITY_RUN_MS);
    setPriority(0, niceBefore);
    progress(
      `  at the service's priority (nice ${priority.nice}): 100 Hz loop lateness ${describe(atServicePriority.lateness)}, ${atServicePriority.droppedTicks} ticks dropped`,
    );
  } else {
    progress(`  at the service's priority: not measured, nice ${priority.nice}: ${priority.source}`);
  }
  const at500 = await runReflex(load, 500, Infinity, FAST_LOOP_RUN_MS);
  progress(`  500 Hz loop lateness ${describe(at500.lateness)}, ${at500.droppedTicks} ticks dropped`);
  progress(
    `  stop latency with the 500 Hz loop ${describe(at500.stop)}, missed ${at500.missed}, interrupted ${at500.interrupted}`,
  );
  progress(`  reflex stops by rule: ${JSON.stringify(at500.tripsByRule)}`);
  await spinning.terminate();

  progress(`baseline: obstacle check in the planner thread, which stalls ${STALL_MS} ms every ${STALL_PERIOD_MS} ms`);
  const { board, params } = benchConfig(CLEAR_HOLD_MS);
  const stalling = await startBenchThread(
    {
      role: 'stalling-planner',
      settings: reflexSettingsFromParams(params, null),
      footprint: board.robot.footprint,
      wheelBaseM: board.robot.wheelBaseM,
      cruiseMps: DRIVE_MPS,
      stallMs: STALL_MS,
      stallPeriodMs: STALL_PERIOD_MS,
    } satisfies StallingPlannerData,
    [],
    options.workerNice,
  );
  const baseline = await runBaseline(load, stalling, trials);
  progress(`  stop latency ${describe(baseline.stop)}, missed ${baseline.missed}`);
  await Promise.all([stalling.terminate(), load.comms.terminate(), load.flood.terminate()]);

  const cost = measureSweptCheckCost(
    reflexSettingsFromParams(params, null),
    board.robot.footprint,
    board.robot.wheelBaseM,
  );
  progress(
    `swept-area check per evaluation (${cost.points} remembered points in reach): straight ${describe(cost.straight)}; arc ${describe(cost.arc)}; turn in place ${describe(cost.rotation)}`,
  );

  const packetPath = await measurePacketPathCost(seededRandom(11));
  progress(
    `one lidar packet's path on the reflex's thread, bytes to motor writes, nothing else running: ${describe(packetPath.perPacket)}; CPU ${packetPath.cpuPerPacketUs} µs per packet; stops meanwhile ${JSON.stringify(packetPath.tripsByRule)}`,
  );

  const ratio = Math.round((baseline.stop.p99Ms / at100.stop.p99Ms) * 10) / 10;
  console.log(
    JSON.stringify({
      bench: 'reflex',
      stopLatencyP99Ms: at100.stop.p99Ms,
      baselineStopLatencyP99Ms: baseline.stop.p99Ms,
      lateness100HzP99Ms: at100.lateness.p99Ms,
      lateness500HzP99Ms: at500.lateness.p99Ms,
      stopLatencyP50Ms: at100.stop.p50Ms,
      stopLatencyMaxMs: at100.stop.maxMs,
      trials: at100.stop.count,
      missedStops: at100.missed,
      baselineStopLatencyP50Ms: baseline.stop.p50Ms,
      baselineStopLatencyMaxMs: baseline.stop.maxMs,
      baselineTrials: baseline.stop.count,
      baselineMissedStops: baseline.missed,
      ratio,
      lateness100HzServicePriorityP99Ms: atServicePriority?.lateness.p99Ms ?? null,
      lateness100HzServicePriorityMaxMs: atServicePriority?.lateness.maxMs ?? null,
      servicePriority: atServicePriority ? `nice ${priority.nice}` : priority.source,
      lateness100HzMaxMs: at100.lateness.maxMs,
      lateness100HzTicks: at100.lateness.count,
      lateness100HzDroppedTicks: at100.droppedTicks,
      lateness100HzMonitorP99Ms: at100.monitorLatenessP99Us / 1_000,
      lateness500HzMaxMs: at500.lateness.maxMs,
      lateness500HzTicks: at500.lateness.count,
      lateness500HzDroppedTicks: at500.droppedTicks,
      stopLatency500HzP99Ms: at500.stop.p99Ms,
      meshParsedPerS: at100.mesh.parsedPerS,
      sweptCheckPoints: cost.points,
      sweptCheckStraightP50Us: Math.round(cost.straight.p50Ms * 1e3),
      sweptCheckArcP50Us: Math.round(cost.arc.p50Ms * 1e3),
      sweptCheckArcP99Us: Math.round(cost.arc.p99Ms * 1e3),
      sweptCheckRotationP50Us: Math.round(cost.rotation.p50Ms * 1e3),
      packetPathP50Us: Math.round(packetPath.perPacket.p50Ms * 1e3),
      packetPathP99Us: Math.round(packetPath.perPacket.p99Ms * 1e3),
      packetPathCpuUs: packetPath.cpuPerPacketUs,
      packetPathTripsByRule: packetPath.tripsByRule,
      referenceStopLatencyP99Ms: reference.stop.p99Ms,
      referenceLateness100HzP99Ms: reference.lateness.p99Ms,
      tripsByRule100Hz: at100.tripsByRule,
      tripsByRule500Hz: at500.tripsByRule,
      cpus: availableParallelism(),
      loadAvg1m: Math.round(loadAvg1m * 100) / 100,
    }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    progress(`reflex bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
