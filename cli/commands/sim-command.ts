import { existsSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import createDebug from 'debug';
import { ConfigError } from '../../config/config-error.js';
import { createBuiltinRegistry } from '../../hal/builtin-models.js';
import { resolveDevices } from '../../hal/device-binding.js';
import type { ParamValues } from '../../config/params.js';
import { resolveParams } from '../../config/param-values.js';
import { mappedPtys, simRobotSpec } from '../sim-robot/sim-robot-spec.js';
import { EmbeddedSupervisor } from '../sim-supervisor.js';
import { FleetBroker } from '../fleet-broker.js';
import {
  checkSystemFaults,
  hasFaultOn,
  startFaultTargets,
  type RunFaultTargets,
} from '../sim-faults/system-fault-targets.js';
import { createSimHardware } from '../../simulator/devices/builtin-sim-devices.js';
import { checkFaults } from '../../simulator/fault-injector.js';
import {
  isBoardPath,
  missionOfScenario,
  scenarioMissionOf,
  type ScenarioRobot,
  type ScenarioScriptStep,
} from '../../simulator/scenario.js';
import { loadGeofence } from '../../config/runtime-config-file.js';
import type { MainToWorld, WorldToMain, WorldWorkerData } from '../../simulator/world-thread-protocol.js';
import { useBackoffRandom } from '../../time/backoff.js';
import { seededRandom } from '../../simulator/world/seeded-random.js';
import { loadBoard, loadParams, loadScenario, type LoadedBoard } from '../config-sources.js';
import { printNotableEvents } from '../event-printer.js';
import { openPtyPairs, type PtyPairs } from '../pty-pairs.js';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import { resolvePriorMap } from '../prior-map.js';
import { believedTrajectoryOf, runPlotOf, writeRunPlot } from '../sim-plot.js';
import { buildSimReport, type MissionOutcome, type SimRunRobotReport } from '../sim-report.js';
import { checkUnknownEnvVars } from '../env-warnings.js';
import { checkOutputFile } from '../output-paths.js';
import { sanitizeExternalText } from '../../messages/external-text.js';
import { formatStatusLine } from '../status-line.js';
import { startThread } from '../thread-launcher.js';
import { startSimRobots } from '../sim-robot/fleet-start.js';
import { needsProcessSupervisor, RuntimeFaultDriver } from '../sim-robot/runtime-fault-driver.js';
import { restartableLedger } from '../sim-robot/restartable-ledger.js';
import type { SimRobot } from '../sim-robot/sim-robot.js';
import { EXIT_OK, EXIT_RUNTIME_FAILURE, UsageError } from '../usage-error.js';

const log = createDebug('spinal:cli:sim');

export interface SimOptions {
  scenario?: string;
  board?: string;
  config?: string;
  headless: boolean;
  /** Sim seconds to run; default: the scenario's duration headless, until Ctrl-C otherwise. */
  durationS?: number;
  /** Sim seconds per wall second; 0 = as fast as possible. Default: 1, or 0 when headless. */
  speed?: number;
  report?: string;
  /** Where to draw the run's picture (SVG, `cli/sim-plot.ts`). */
  plot?: string;
  /** Each robot of a fleet in a process of its own (`--robot-processes`), not on the main thread. */
  robotProcesses?: boolean;
  /** Attach every simulated serial device to a pseudo-terminal and read it through the real serialport binding. */
  pty?: boolean;
  /** Where progress goes (stderr). */
  out: NodeJS.WriteStream;
}

/** One scenario robot as `spinal sim` runs it: its spec, board, parameters and its end of the link. */
interface SimRobotSetup {
  index: number;
  spec: ScenarioRobot;
  board: LoadedBoard;
  params: ParamValues;
  /** The robot's prior map (null: it maps as it goes). */
  map: OccupancyGridMessage | null;
  /** The robot's end of the link (its runtime's, or relayed to its process). */
  robotPort: MessagePort;
  /** The world's end of the link, transferred to the world thread. */
  worldPort: MessagePort;
  ptys: PtyPairs | null;
}

/**
 * `spinal sim`: the world in its own thread, one robot runtime per scenario robot on this thread
 * with simulated transports, each over its own link and on its own virtual clock, all in lock
 * step with the world. Writes the report when asked and returns the exit code.
 */
export async function runSimCommand(options: SimOptions): Promise<number> {
  if (options.report !== undefined) checkOutputFile('--report', options.report);
  if (options.plot !== undefined) checkOutputFile('--plot', options.plot);
  checkUnknownEnvVars(process.env, options.out, false);
  const { scenario, file: scenarioFile } = loadScenario(options.scenario);
  const boards = scenario.robots.map((robot, index) => {
    const spec = withConfigGeofence(robot, index, scenarioFile, options.config);
    scenario.robots[index] = spec;
    const board = loadBoard(options.board ?? scenarioBoardRef(spec.board, scenarioFile));
    // The board's devices pass the check `spinal run` and `spinal doctor` make before any of them is simulated.
    resolveDevices(board.board, board.file, createBuiltinRegistry());
    const params = loadParams(withScenarioParams(board, spec, index, scenarioFile), options.config);
    return { index, spec, board, params, map: resolvePriorMap(params, board, { map: spec.map, file: scenarioFile }) };
  });
  const first = boards[0]!;
  checkSystemFaults(boards, scenarioFile);
  // Bytes through pseudo-terminals flow in real time, outside the lock step: keep the clock real by default.
  const speed = options.speed ?? (options.headless && !options.pty ? 0 : 1);
  const durationS = options.durationS ?? (options.headless ? scenario.durationS : Infinity);
  if (!(durationS > 0)) throw new UsageError('--duration must be a positive number of seconds');

  const robots: SimRobotSetup[] = [];
  const closePtys = (): void => {
    for (const robot of robots) robot.ptys?.close();
  };
  try {
    for (const { index, spec, board, params, map } of boards) {
      const serialPaths = board.board.buses.flatMap((bus) =>
        bus.kind === 'serial' && board.board.devices.some((d) => d.enabled && d.bus === bus.id) ? [bus.path] : [],
      );
      const ptys = options.pty ? await openPtyPairs(serialPaths) : null;
      const channel = new MessageChannel();
      robots.push({ index, spec, board, params, map, robotPort: channel.port1, worldPort: channel.port2, ptys });
      checkFaults(spec.faults, createSimHardware(board.board, board.file).byId, scenarioFile, index);
    }
  } catch (error) {
    closePtys();
    throw error;
  }
  // Reconnection jitter from the scenario's seed, so that a run repeats exactly.
  useBackoffRandom(seededRandom(scenario.seed + 1));
  const workerData: WorldWorkerData = {
    scenario,
    scenarioFile,
    boards: Object.fromEntries(robots.map((r) => [r.spec.id, r.board])),
    speed,
    durationS,
    // One world, one quantum: the first robot's parameter sets it.
    quantumMs: first.params['sim.quantumMs'],
    ptys: Object.fromEntries(
      robots.flatMap((r) =>
        r.ptys
          ? [
              [
                r.spec.id,
                Object.fromEntries(Object.entries(r.ptys.pairs).map(([path, pair]) => [path, pair.deviceEnd])),
              ],
            ]
          : [],
      ),
    ),
  };
  const worldPorts = robots.map((r) => r.worldPort);
  const world = startThread(
    'world',
    { world: workerData, ports: Object.fromEntries(robots.map((r) => [r.spec.id, r.worldPort])) },
    worldPorts,
  );

  const supervisor = first.params['uplink.target'] === '' ? await EmbeddedSupervisor.start() : null;
  // One broker for the fleet when the scenario names none: each robot's mesh meets its peers there.
  // A robot alone with no broker named has no one to talk to: its mesh stays off.
  const ownBroker = first.params['mesh.enabled'] && first.params['mesh.broker'] === '';
  // A robot alone has one too when a fault takes the broker down or a rogue peer joins its mesh.
  const brokerFaulted = hasFaultOn(boards, 'broker') || hasFaultOn(boards, 'mesh');
  const broker = ownBroker && (robots.length > 1 || brokerFaulted) ? await FleetBroker.start() : null;
  const meshOff = ownBroker && broker === null;
  // All at once: each joins the lock step before its devices start, and the world's first tick
  // waits for every robot, so that every start-up happens at sim time 0. With --robot-processes,
  // a fleet's robots each run in a process of their own.
  // A robot whose process the scenario kills runs in a process of its own under a process
  // supervisor, on a ledger in a file (one in memory would go with the process).
  const supervised = new Set(robots.filter((r) => needsProcessSupervisor(r.spec)).map((r) => r.spec.id));
  let runtimes: SimRobot[];
  let faults: RunFaultTargets | null = null;
  try {
    faults = await startFaultTargets(boards, supervisor, broker, scenario.seed);
    const targets = faults;
    runtimes = await startSimRobots(
      robots.map((robot) => {
        const spec = simRobotSpec(
          { ...robot, ptys: robot.ptys ? mappedPtys(robot.ptys) : null },
          targets.uplinkTarget(robot.spec.id) ?? supervisor?.address ?? null,
          meshOff ? 'off' : (targets.brokerUrl ?? broker?.url ?? null),
        );
        return {
          robot: supervised.has(robot.spec.id)
            ? { ...spec, ledger: restartableLedger(spec.ledger, robot.spec.id) }
            : spec,
          port: robot.robotPort,
        };
      }),
      scenario.seed + 1,
      options.robotProcesses === true,
      supervised,
    );
  } catch (error) {
    await faults?.close();
    await world.terminate();
    await supervisor?.stop();
    await broker?.close();
    closePtys();
    throw error;
  }
  // A fault's `when` may name a robot's mission state: the world hears of every change.
  runtimes.forEach((runtime, i) =>
    runtime.onEvent((event) => {
      if (event.kind !== 'mission') return;
      world.postMessage({ t: 'mission-state', robotId: robots[i]!.spec.id, state: event.state } satisfies MainToWorld);
    }),
  );
  const runFaults = faults!;
  const committed = new Map(robots.map((robot) => [robot.spec.id, [] as number[]]));
  runtimes.forEach((runtime, i) => runtime.onEvent((event) => committed.get(robots[i]!.spec.id)?.push(event.seq)));
  const missions = runtimes.map((runtime) => recordMissions(runtime));
  const byId = new Map(robots.map((robot, i) => [robot.spec.id, runtimes[i]!]));
  const runtimeFaults = new RuntimeFaultDriver(byId, world, options.out);
  const stopAll = async (): Promise<void> => {
    await Promise.all(runtimes.map((runtime) => runtime.stop()));
    await world.terminate();
    await runFaults.close();
    await supervisor?.stop();
    await broker?.close();
    closePtys();
  };

  const debugPorts = await Promise.all(runtimes.map((runtime) => runtime.debugPortResult()));
  const unavailable = debugPorts.findIndex((result) => !result.ok);
  if (unavailable >= 0) {
    const result = debugPorts[unavailable]!;
    const whose = robots.length > 1 ? ` of ${robots[unavailable]!.spec.id}` : '';
    options.out.write(
      `spinal sim: stopping: the debug port${whose} is not available: ${result.ok ? '' : result.message}\n`,
    );
    await stopAll();
    return EXIT_RUNTIME_FAILURE;
  }

  const live = !options.headless;
  for (const robot of robots) {
    for (const [path, pair] of Object.entries(robot.ptys?.pairs ?? {})) {
      const whose = robots.length > 1 ? `${robot.spec.id}: ` : '';
      options.out.write(
        `${whose}${path} is the pseudo-terminal ${pair.hostEnd}, read through the serialport binding ` +
          `(DTR/RTS through ${pair.modemLines})\n`,
      );
    }
  }
  const speedText = speed === 0 ? 'as fast as possible' : `${speed}x real time`;
  const lengthText = Number.isFinite(durationS) ? `${durationS} s` : 'Ctrl-C to stop';
  const boardText =
    robots.length === 1
      ? `board ${first.board.board.board}`
      : `${robots.length} robots (${robots.map((r) => `${r.spec.id} on ${r.board.board.board}`).join(', ')})`;
  options.out.write(
    `spinal sim: scenario "${scenario.name}" (${scenarioFile}), ${boardText}, ${speedText}, ${lengthText}\n`,
  );

  // Device faults and recoveries are worth a line each, live or headless.
  for (const [i, runtime] of runtimes.entries()) {
    const label = robots.length > 1 ? robots[i]!.spec.id : null;
    printNotableEvents(runtime, options.out, live && options.out.isTTY === true, 0, label);
  }

  let interrupted: string | null = null;
  const stopWorld = (signal: NodeJS.Signals): void => {
    interrupted = signal;
    world.postMessage({ t: 'stop' } satisfies MainToWorld);
  };
  process.once('SIGINT', stopWorld);
  process.once('SIGTERM', stopWorld);

  const announced = new Set<number>();
  let lastLineMs = 0;
  const outcome = await new Promise<WorldToMain>((resolve) => {
    world.on('message', (message: WorldToMain) => {
      if (message.t === 'runtime-fault') {
        void runtimeFaults
          .apply(message.phase, message.simTimeUs, message.pose)
          .then(() => world.postMessage({ t: 'script-done', seq: message.seq } satisfies MainToWorld));
        return;
      }
      if (message.t === 'script') {
        const runtime = byId.get(message.robotId);
        const label = robots.length > 1 ? message.robotId : null;
        const done = runtime
          ? runScriptStep(runtime, message.step, message.simTimeUs, options.out, label, broker)
          : Promise.resolve();
        void done.then(() => world.postMessage({ t: 'script-done', seq: message.seq } satisfies MainToWorld));
        return;
      }
      if (message.t === 'system-fault') {
        const { edge } = message;
        const at = `${robots.length > 1 ? `${edge.robotId} ` : ''}[${(message.simTimeUs / 1e6).toFixed(3)} s]`;
        void runFaults.runner
          .apply(edge)
          .then(
            (done) => options.out.write(`${at} fault: ${edge.fault.device} ${edge.fault.kind} ${edge.edge}: ${done}\n`),
            (error: unknown) =>
              options.out.write(
                `${at} fault: ${edge.fault.device} ${edge.fault.kind} ${edge.edge} failed: ${String(error)}\n`,
              ),
          )
          .then(() => world.postMessage({ t: 'script-done', seq: message.seq } satisfies MainToWorld));
        return;
      }
      if (message.t !== 'progress') {
        resolve(message);
        return;
      }
      for (const [i, runtime] of runtimes.entries()) {
        const address = runtime.debugPortAddress();
        if (!address || announced.has(i) || !live) continue;
        announced.add(i);
        const whose = robots.length > 1 ? ` (${robots[i]!.spec.id})` : '';
        options.out.write(`debug port: http://${address}/api/v1/status${whose}\n`);
      }
      const nowMs = performance.now();
      if (live && nowMs - lastLineMs >= (options.out.isTTY ? 200 : 1_000)) {
        lastLineMs = nowMs;
        const line = runtimes
          .map((runtime, i) => {
            const text = formatStatusLine(message.simTimeS, runtime.status());
            return robots.length > 1 ? `${robots[i]!.spec.id} ${text}` : text;
          })
          .join(' || ');
        options.out.write(options.out.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
      }
    });
    for (const runtime of runtimes) runtime.onLost((message) => resolve({ t: 'failed', message }));
    world.on('error', (error) => resolve({ t: 'failed', message: error.message }));
    world.on('exit', (code) => resolve({ t: 'failed', message: `the world thread exited (code ${code})` }));
  });
  process.removeListener('SIGINT', stopWorld);
  process.removeListener('SIGTERM', stopWorld);
  if (live && options.out.isTTY) options.out.write('\n');

  await runtimeFaults.settled();
  await Promise.all(runtimes.map((runtime) => runtime.settle()));
  const outcomes = runtimes.map((runtime, i) => {
    const readiness = runtime.readiness();
    return {
      id: robots[i]!.spec.id,
      missionState: runtime.missionState(),
      trips: runtime.trips,
      everReady: readiness.everReady,
      notReadyReason: readiness.reason,
      reportedPoses: runtime.reportedPoses(),
      missions: [...missions[i]!.values()],
    };
  });
  const eventsLost = (await supervisor?.eventsLost(committed)) ?? 0;
  const eventDelivery = (await supervisor?.delivery(committed)) ?? null;
  await stopAll();
  if (outcome.t !== 'finished') {
    options.out.write(`spinal sim: the simulation failed: ${outcome.t === 'failed' ? outcome.message : 'no result'}\n`);
    return EXIT_RUNTIME_FAILURE;
  }
  // Live, Ctrl-C is how a run ends; headless, it cuts the run short of its duration.
  const cutShort = options.headless && interrupted !== null;
  const report = buildSimReport(
    scenario.name,
    { ...outcome, faults: [...outcome.faults, ...runtimeFaults.report()] },
    outcomes,
    eventsLost,
    cutShort
      ? {
          complete: false,
          reason: `interrupted by ${interrupted} at ${outcome.simTimeS.toFixed(3)} s of ${durationS} s`,
        }
      : { complete: true, reason: null },
  );
  if (eventDelivery) report.eventDelivery = eventDelivery;
  const believed = new Map(outcomes.map((robot) => [robot.id, believedTrajectoryOf(robot.reportedPoses)]));
  const plotFailure = options.plot
    ? writeRunPlot(
        options.plot,
        runPlotOf(scenario, report, outcome.robots, believed, new Map(robots.map((r) => [r.spec.id, r.board.board]))),
      )
    : null;
  if (plotFailure) options.out.write(`spinal sim: cannot write the plot to ${options.plot}: ${plotFailure}\n`);
  else if (options.plot) report.plot = options.plot;
  log('report %O', report);
  let reportWritten = false;
  if (options.report) {
    try {
      writeFileSync(options.report, `${JSON.stringify(report, null, 2)}\n`);
      reportWritten = true;
    } catch (error) {
      options.out.write(`spinal sim: cannot write the report to ${options.report}: ${(error as Error).message}\n`);
    }
  }
  for (const robot of report.robots) {
    const spec = robots.find((r) => r.spec.id === robot.id)?.spec;
    options.out.write(describeRobotOutcome(robot, spec ? scenarioMissionOf(spec).kind : 'unknown'));
  }
  const reportText = `${reportWritten ? `, report: ${options.report}` : ''}${report.plot ? `, plot: ${report.plot}` : ''}`;
  options.out.write(
    `sim ${report.simTimeS} s in ${report.wallTimeS} s wall (${report.realTimeFactor}x real time)${reportText}\n`,
  );
  const failures = [
    ...(report.complete ? [] : [`the run is incomplete: ${report.incompleteReason}`]),
    ...report.robots.filter((r) => !r.everReady).map((r) => `${r.id} never became ready: ${r.notReadyReason}`),
    ...(options.report && !reportWritten ? ['the report was not written'] : []),
    ...(plotFailure ? ['the plot was not written'] : []),
  ];
  for (const failure of failures) options.out.write(`spinal sim: ${sanitizeExternalText(failure)}\n`);
  return failures.length === 0 ? EXIT_OK : EXIT_RUNTIME_FAILURE;
}

/** Every mission of the run as it last stood, from the robot's mission events (in the order they arrived). */
function recordMissions(runtime: SimRobot): Map<string, MissionOutcome> {
  const missions = new Map<string, MissionOutcome>();
  runtime.onEvent((event) => {
    if (event.kind !== 'mission' || !event.id) return;
    missions.set(event.id, {
      id: event.id,
      kind: event.mission,
      state: event.state,
      reason: event.reason ?? '',
      atS: Math.round(event.atUs / 1e3) / 1e3,
    });
  });
  return missions;
}

/** Most trips listed in the summary; the rest are counted. */
const MAX_TRIPS_LISTED = 5;

/** The summary lines of one robot: goal (for a goto mission only), mission, distance, trips. */
export function describeRobotOutcome(robot: SimRunRobotReport, missionKind: string): string {
  const goal = missionKind === 'goto' ? `goal ${robot.goalReached ? 'reached' : 'not reached'}, ` : '';
  const lines = [
    `${robot.id}: ${goal}mission ${missionKind} ${robot.missionState}, ` +
      `${robot.distanceM} m driven, ${robot.collisions} collision(s), min clearance ${robot.minClearanceM} m, ` +
      `${robot.reflexTrips.length} reflex trip(s)${robot.everReady ? '' : ', never ready'}`,
  ];
  for (const trip of robot.reflexTrips.slice(0, MAX_TRIPS_LISTED)) {
    lines.push(`  trip at ${trip.simTimeS} s: ${sanitizeExternalText(trip.reason)}`);
  }
  if (robot.reflexTrips.length > MAX_TRIPS_LISTED)
    lines.push(`  and ${robot.reflexTrips.length - MAX_TRIPS_LISTED} more`);
  return `${lines.join('\n')}\n`;
}

/**
 * A robot's geofence: the scenario's, or the `--config` file's when the scenario gives none (the
 * file's fence is a site setting: every robot without its own keeps to it). Both at once is
 * refused (ConfigError, exit 2): two fences for one site would leave it unclear which one the
 * robot keeps to. The world measures breaches against the same fence.
 */
function withConfigGeofence(
  spec: ScenarioRobot,
  index: number,
  scenarioFile: string,
  configFile: string | undefined,
): ScenarioRobot {
  const fromConfig = configFile === undefined ? null : loadGeofence(configFile);
  if (!fromConfig) return spec;
  if (spec.geofence) {
    throw new ConfigError(
      configFile!,
      'geofence',
      `the scenario ${scenarioFile} gives robot ${spec.id} a geofence too (robots[${index}].geofence): give the fence in one of them`,
    );
  }
  return { ...spec, geofence: fromConfig.map(({ xM, yM }): [number, number] => [xM, yM]) };
}

/**
 * The board with the scenario robot's `params:` over its own (e.g. the battery capacity of the
 * pack the scenario gives it); a bad name or value there is a ConfigError naming the scenario.
 */
function withScenarioParams(board: LoadedBoard, spec: ScenarioRobot, index: number, scenarioFile: string): LoadedBoard {
  if (Object.keys(spec.params).length === 0) return board;
  try {
    resolveParams({
      board: { file: scenarioFile, values: { ...board.board.params, ...spec.params }, drive: board.board.robot },
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new ConfigError(scenarioFile, `robots[${index}].${error.path}`, error.problem);
    }
    throw error;
  }
  return { ...board, board: { ...board.board, params: { ...board.board.params, ...spec.params } } };
}

/** A scenario's board: a shipped board's name as it is, a relative path taken from the scenario file's folder. */
function scenarioBoardRef(ref: string, scenarioFile: string): string {
  if (!isBoardPath(ref) || isAbsolute(ref) || !existsSync(scenarioFile)) return ref;
  return join(dirname(scenarioFile), ref);
}

/** A scripted mission (or its abort), sent to the robot's debug port as a field engineer's tool would. */
async function sendMissionStep(
  runtime: SimRobot,
  step: ScenarioScriptStep,
  at: string,
  out: NodeJS.WriteStream,
): Promise<void> {
  const address = runtime.debugPortAddress();
  const abort = step.action === 'mission-abort';
  const path = abort ? `/api/v1/missions/${encodeURIComponent(step.id ?? '')}` : '/api/v1/missions';
  const method = abort ? 'DELETE' : 'POST';
  if (!address) {
    out.write(`${at} script: ${method} ${path} not sent: the debug port is off\n`);
    return;
  }
  const body = abort
    ? undefined
    : JSON.stringify({
        ...(step.id === undefined ? {} : { id: step.id }),
        ...(step.priority === undefined ? {} : { priority: step.priority }),
        mission: step.mission ? missionOfScenario(step.mission) : undefined,
      });
  try {
    const response = await fetch(`http://${address}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body }),
    });
    const answer = (await response.json().catch(() => ({}))) as { reason?: unknown };
    const reason = typeof answer.reason === 'string' ? `: ${sanitizeExternalText(answer.reason)}` : '';
    out.write(`${at} script: ${method} ${path} -> ${response.status}${reason}\n`);
  } catch (error) {
    out.write(`${at} script: ${method} ${path} failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

/**
 * One scripted action of the scenario, at its sim time: e-stops go through the robot's own debug
 * port over HTTP (as a field engineer's would), a planner stall blocks the cortex thread.
 */
async function runScriptStep(
  runtime: SimRobot,
  step: ScenarioScriptStep,
  simTimeUs: number,
  out: NodeJS.WriteStream,
  robot: string | null,
  broker: FleetBroker | null,
): Promise<void> {
  const at = `${robot ? `${robot} ` : ''}[${(simTimeUs / 1e6).toFixed(3)} s]`;
  if (step.action === 'broker-stop' || step.action === 'broker-start') {
    if (!broker) {
      out.write(
        `${at} script: ${step.action} skipped: the scenario's robots use a broker of their own (mesh.broker)\n`,
      );
      return;
    }
    const done = step.action === 'broker-stop' ? await broker.stop() : await broker.start();
    out.write(`${at} script: ${step.action}: ${done}\n`);
    return;
  }
  if (step.action === 'cortex-stall') {
    runtime.stallCortex(step.durationS * 1e6);
    out.write(`${at} script: the planner thread stalls for ${step.durationS} s\n`);
    return;
  }
  if (step.action === 'mission' || step.action === 'mission-abort') {
    await sendMissionStep(runtime, step, at, out);
    return;
  }
  const path = step.action === 'estop' ? '/api/v1/estop' : '/api/v1/estop/reset';
  const address = runtime.debugPortAddress();
  if (!address) {
    const by = { via: 'script', remoteAddress: null, origin: null, authenticated: false } as const;
    const result = await runtime.operate(
      step.action === 'estop' ? { kind: 'estop', reason: 'scenario script', by } : { kind: 'estop-reset', by },
    );
    out.write(`${at} script: ${step.action} (no debug port: applied directly) -> ${result.ok ? 'ok' : 'refused'}\n`);
    return;
  }
  try {
    const response = await fetch(`http://${address}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'scenario script' }),
    });
    out.write(`${at} script: POST ${path} -> ${response.status}\n`);
  } catch (error) {
    out.write(`${at} script: POST ${path} failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
