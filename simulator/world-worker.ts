import type { MessagePort } from 'node:worker_threads';
import createDebug from 'debug';
import type { LinkPort, RobotToWorld, WorldToRobot } from '../hal/transport/sim-link/protocol.js';
import { SimWorld } from './sim-world.js';
import { NO_OBSERVATION } from './faults/fault-trigger.js';
import { SystemFaultSchedule } from './faults/system-fault-schedule.js';
import type { MainToWorld, WorldToMain, WorldWorkerData } from './world-thread-protocol.js';
import { runtimeFaultPhases } from './faults/runtime-fault-timeline.js';

const log = createDebug('spinal:sim:worker');

/** How often progress goes to the main thread, ms of wall time. */
const PROGRESS_PERIOD_MS = 100;

/** The part of the worker's parent port the world needs. */
export interface WorldParentPort {
  postMessage(message: WorldToMain): void;
  on(event: 'message', listener: (message: MainToWorld) => void): unknown;
}

/**
 * Entry of the world thread: builds the world and runs the lock-step loop until the duration is
 * reached or the main thread says stop, pacing sim time against wall time at `speed` (0: no pacing).
 */
export async function runWorldWorker(
  parent: WorldParentPort,
  data: WorldWorkerData,
  robotPorts: Record<string, MessagePort>,
): Promise<void> {
  let stopRequested = false;
  /** Mission states told before the world exists, handed on to it at every quantum. */
  const missionStates = new Map<string, string>();
  const systemFaults = new SystemFaultSchedule(data.scenario.robots);
  const scriptWaiters = new Map<number, () => void>();
  let built: SimWorld | null = null;
  parent.on('message', (message) => {
    if (message.t === 'stop') stopRequested = true;
    else if (message.t === 'mission-state') missionStates.set(message.robotId, message.state);
    else if (message.t === 'robot-down') built?.setRobotDown(message.robotId, message.down);
    else if (message.t === 'script-done') {
      scriptWaiters.get(message.seq)?.();
      scriptWaiters.delete(message.seq);
    }
  });
  const script = data.scenario.robots
    .flatMap((robot) => robot.script.map((step) => ({ robotId: robot.id, step })))
    .sort((a, b) => a.step.atS - b.step.atS);
  let scriptSeq = 0;
  /** Hands every scripted action due by now to the main thread and waits until each is done. */
  const runDueScript = async (nowUs: number): Promise<void> => {
    while (script.length > 0 && script[0]!.step.atS * 1e6 <= nowUs) {
      const { robotId, step } = script.shift()!;
      const seq = ++scriptSeq;
      const done = new Promise<void>((resolve) => scriptWaiters.set(seq, resolve));
      parent.postMessage({ t: 'script', seq, robotId, step, simTimeUs: nowUs });
      await done;
    }
  };
  /** Hands every system fault beginning or clearing by now to the main thread and waits until each is done. */
  const runDueSystemFaults = async (): Promise<void> => {
    for (const [robotId, state] of missionStates) world.setMissionState(robotId, state);
    const seen = new Map(world.observations().map((o) => [o.robotId, o.seen]));
    const nowUs = world.nowUs();
    for (const edge of systemFaults.due(nowUs, (robotId) => seen.get(robotId) ?? NO_OBSERVATION)) {
      const seq = ++scriptSeq;
      const done = new Promise<void>((resolve) => scriptWaiters.set(seq, resolve));
      parent.postMessage({ t: 'system-fault', seq, edge, simTimeUs: nowUs });
      await done;
    }
  };
  const runtimeFaults = runtimeFaultPhases(data.scenario);
  /** Hands every runtime fault phase due by now to the main thread and waits until each is thrown. */
  const runDueRuntimeFaults = async (world: SimWorld): Promise<void> => {
    const nowUs = world.nowUs();
    while (runtimeFaults.length > 0 && runtimeFaults[0]!.atUs <= nowUs) {
      const phase = runtimeFaults.shift()!;
      const seq = ++scriptSeq;
      const done = new Promise<void>((resolve) => scriptWaiters.set(seq, resolve));
      const pose = world.robotPose(phase.robotId);
      parent.postMessage({ t: 'runtime-fault', seq, phase, simTimeUs: nowUs, pose });
      await done;
    }
  };
  let world: SimWorld;
  try {
    const ports = new Map<string, LinkPort<RobotToWorld, WorldToRobot>>();
    for (const [id, port] of Object.entries(robotPorts))
      ports.set(id, port as unknown as LinkPort<RobotToWorld, WorldToRobot>);
    world = new SimWorld(data.scenario, data.boards, ports, data.scenarioFile, data.ptys);
    built = world;
  } catch (error) {
    parent.postMessage({ t: 'failed', message: error instanceof Error ? error.message : String(error) });
    return;
  }

  const quantumUs = data.quantumMs * 1_000;
  const endUs = data.durationS * 1e6;
  const startMs = performance.now();
  let lastProgressMs = startMs;
  const wallTimeS = (): number => (performance.now() - startMs) / 1e3;

  const endAfterGoalsUs = data.scenario.endAfterGoalsS === undefined ? null : data.scenario.endAfterGoalsS * 1e6;
  const goalsAllReached = (): boolean => {
    const atS = endAfterGoalsUs === null ? null : world.allGoalsReachedAtS();
    return atS !== null && world.nowUs() >= atS * 1e6 + (endAfterGoalsUs ?? 0);
  };
  while (world.nowUs() < endUs && !stopRequested && !goalsAllReached()) {
    await runDueRuntimeFaults(world);
    await runDueScript(world.nowUs());
    await runDueSystemFaults();
    await world.runQuantum(Math.min(quantumUs, endUs - world.nowUs()));
    const nowMs = performance.now();
    if (nowMs - lastProgressMs >= PROGRESS_PERIOD_MS) {
      lastProgressMs = nowMs;
      parent.postMessage({
        t: 'progress',
        simTimeS: world.nowUs() / 1e6,
        wallTimeS: wallTimeS(),
        robots: world.robotStates(),
      });
    }
    if (data.speed > 0) {
      const aheadMs = world.nowUs() / 1e3 / data.speed - (performance.now() - startMs);
      if (aheadMs > 1) await new Promise((resolve) => setTimeout(resolve, aheadMs));
    } else {
      // Let the stop message and other events in between quanta.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  log('world finished at %d us', world.nowUs());
  world.close();
  parent.postMessage({
    t: 'finished',
    simTimeS: world.nowUs() / 1e6,
    wallTimeS: wallTimeS(),
    robots: world.robotStates(true),
    faults: [...world.faultReports(), ...systemFaults.report()],
    linkErrors: world.linkErrors(),
  });
}
