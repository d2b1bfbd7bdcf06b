import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import createDebug from 'debug';
import type { OperatorCommand, OperatorResult } from '../../comms/comms-thread-protocol.js';
import { IpcLinkPort } from '../../hal/transport/sim-link/ipc-link-port.js';
import type { Pose2D } from '../../messages/geometry.js';
import type { MissionState } from '../../messages/mission.js';
import type { RuntimeEvent } from '../../messages/runtime-event.js';
import type { RuntimeStatus } from '../../messages/runtime-status.js';
import type { ReflexTrip } from '../../reflex/reflex-loop.js';
import type { DebugPortResult } from '../runtime/comms-link.js';
import type {
  RobotProcessOutcome,
  RobotProcessToSim,
  RobotRestart,
  SimToRobotProcess,
} from './robot-process-protocol.js';
import type { CellFault } from './fault-cells.js';
import type { SimRobot } from './sim-robot.js';
import type { SimRobotSpec } from './sim-robot-spec.js';

const log = createDebug('spinal:sim:robot-process');

/** How long a robot process may take to stop when asked before it is killed, ms of wall time. */
const STOP_GRACE_MS = 10_000;

/**
 * The robot process's entry beside this module (`robot-process-main.js`), or null where there is
 * none (a single-file bundle): the fleet's robots then run on the simulator's main thread.
 */
export function robotProcessEntry(): string | null {
  const file = fileURLToPath(new URL('./robot-process-main.js', import.meta.url));
  return existsSync(file) ? file : null;
}

/**
 * A scenario robot in a process of its own (forked, `serialization: 'advanced'`): its runtime,
 * threads, ledger and debug port are the child's. Its sim link is relayed between `worldLink`
 * (the main thread's end of the MessageChannel whose other end the world holds) and the child's
 * IPC channel, message for message in order, so the lock step is the one of an in-process robot.
 * The child is in a process group of its own (a Ctrl-C on the terminal reaches the simulator only,
 * which then stops every robot), and ends itself when the simulator's channel closes (no orphans
 * even when the simulator is killed outright). A child that exits unasked is reported through
 * {@link onLost}.
 */
export class RobotProcess implements SimRobot {
  private readonly eventListeners: Array<(event: RuntimeEvent) => void> = [];
  /** Every event since the runtime started: the world runs on while the rest of the fleet starts, and a listener added then still sees them all. */
  private readonly events: RuntimeEvent[] = [];
  private readonly lostListeners: Array<(reason: string) => void> = [];
  private lastStatus: RuntimeStatus;
  private address: string | null = null;
  private portResult: Promise<DebugPortResult>;
  private resolvePort: (result: DebugPortResult) => void = () => undefined;
  private outcome: RobotProcessOutcome | null = null;
  private settled: (() => void) | null = null;
  private readonly operations = new Map<number, (result: OperatorResult) => void>();
  private nextOperation = 1;
  private stopping = false;
  private exited: Promise<void>;

  /** The robot's clock when its runtime was up, microseconds (sim time). */
  readonly startedAtUs: number;

  private constructor(
    readonly id: string,
    private readonly child: ChildProcess,
    started: { pid: number; status: RuntimeStatus; atUs: number },
  ) {
    this.lastStatus = started.status;
    this.startedAtUs = started.atUs;
    this.portResult = new Promise((resolve) => (this.resolvePort = resolve));
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      child.once('exit', (code, signal) => {
        resolve();
        this.resolvePort({ ok: false, message: 'the robot process exited' });
        this.settled?.();
        for (const done of this.operations.values()) done({ ok: false, body: { error: 'the robot process exited' } });
        this.operations.clear();
        if (this.stopping) return;
        const reason = `the process of robot ${id} (pid ${started.pid}) died (${signal ? `signal ${signal}` : `exit code ${code}`})`;
        log(reason);
        for (const listener of this.lostListeners) listener(reason);
      });
    });
    child.on('message', (message: RobotProcessToSim) => this.receive(message));
  }

  /**
   * Forks the robot's process and starts its runtime there. Rejects, naming the robot, when the
   * runtime cannot start or the process dies first.
   */
  static start(
    entry: string,
    robot: SimRobotSpec,
    worldLink: MessagePort,
    backoffSeed: number,
    restart?: RobotRestart,
  ): Promise<RobotProcess> {
    const id = robot.spec.id;
    const child = fork(entry, [], {
      serialization: 'advanced',
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const send = (message: SimToRobotProcess): void => void child.send(message, () => undefined);
    const childLink = new IpcLinkPort<unknown, unknown>(child);
    const relay = (message: unknown): void => childLink.postMessage(message);
    worldLink.on('message', relay);
    // A successor relays the same link: this one lets go of it when its process is gone.
    child.once('exit', () => worldLink.off('message', relay));
    childLink.on('message', (message) => worldLink.postMessage(message));
    child.on('error', (error) => log('robot %s: %O', id, error));
    return new Promise<RobotProcess>((resolve, reject) => {
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
        reject(
          new Error(
            `the process of robot ${id} exited before its runtime started (${signal ? `signal ${signal}` : `exit code ${code}`})`,
          ),
        );
      const onMessage = (message: RobotProcessToSim): void => {
        if (message.t === 'started') {
          child.off('exit', onExit);
          child.off('message', onMessage);
          resolve(new RobotProcess(id, child, message));
        } else if (message.t === 'start-failed') {
          child.off('exit', onExit);
          child.off('message', onMessage);
          child.kill('SIGKILL');
          reject(new Error(`robot ${id} did not start: ${message.message}`));
        }
      };
      child.once('exit', onExit);
      child.on('message', onMessage);
      send({ t: 'start', robot, backoffSeed, ...(restart ? { restart } : {}) });
    });
  }

  /** The robot process's id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  onEvent(listener: (event: RuntimeEvent) => void): void {
    for (const event of this.events) listener(event);
    this.eventListeners.push(listener);
  }

  onLost(listener: (reason: string) => void): void {
    this.lostListeners.push(listener);
  }

  debugPortAddress(): string | null {
    return this.address;
  }

  debugPortResult(): Promise<DebugPortResult> {
    return this.portResult;
  }

  status(): RuntimeStatus {
    return this.lastStatus;
  }

  operate(command: OperatorCommand): Promise<OperatorResult> {
    const id = this.nextOperation++;
    return new Promise((resolve) => {
      this.operations.set(id, resolve);
      this.send({ t: 'operate', id, command });
    });
  }

  stallCortex(durationUs: number): void {
    this.send({ t: 'stall-cortex', durationUs });
  }

  settle(): Promise<void> {
    if (!this.child.connected) return Promise.resolve();
    return new Promise((resolve) => {
      this.settled = resolve;
      this.send({ t: 'settle' });
    });
  }

  missionState(): MissionState {
    return this.outcome?.missionState ?? this.lastStatus.mission.state;
  }

  readiness(): { everReady: boolean; reason: string } {
    return this.outcome?.readiness ?? { everReady: false, reason: 'the robot process is gone' };
  }

  get trips(): readonly ReflexTrip[] {
    return this.outcome?.trips ?? [];
  }

  reportedPoses(): ReadonlyMap<number, Pose2D> {
    return new Map(this.outcome?.reportedPoses ?? []);
  }

  /** Asks the process to stop its runtime and waits for it to exit; kills it if it does not in time. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.send({ t: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the process at once (the simulator is going down). */
  kill(): void {
    this.stopping = true;
    this.child.kill('SIGKILL');
  }

  /** Kills the process with SIGKILL (a `kill` fault) and resolves once it is gone; that is not reported as lost. */
  async killNow(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** The process is to die by itself (a `power-loss` fault): that is not reported as lost; resolves when it is gone. */
  expectDeath(): Promise<void> {
    this.stopping = true;
    return this.exited;
  }

  /** Whether the process is gone. */
  get gone(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  throwCellFault(fault: CellFault): void {
    this.send({ t: 'cell-fault', fault });
  }

  private send(message: SimToRobotProcess): void {
    if (this.child.connected) this.child.send(message, () => undefined);
  }

  private receive(message: RobotProcessToSim): void {
    switch (message.t) {
      case 'event':
        this.events.push(message.event);
        for (const listener of this.eventListeners) listener(message.event);
        return;
      case 'status':
        this.lastStatus = message.status;
        return;
      case 'debug-port':
        this.address = message.address;
        this.resolvePort(message.result);
        return;
      case 'operated':
        this.operations.get(message.id)?.(message.result);
        this.operations.delete(message.id);
        return;
      case 'settled':
        this.outcome = message.outcome;
        this.settled?.();
        this.settled = null;
        return;
      default:
    }
  }
}
