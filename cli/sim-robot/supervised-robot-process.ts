import type { MessagePort } from 'node:worker_threads';
import createDebug from 'debug';
import type { OperatorCommand, OperatorResult } from '../../comms/comms-thread-protocol.js';
import type { Pose2D } from '../../messages/geometry.js';
import type { MissionState } from '../../messages/mission.js';
import type { RuntimeEvent } from '../../messages/runtime-event.js';
import type { RuntimeStatus } from '../../messages/runtime-status.js';
import type { ReflexTrip } from '../../reflex/reflex-loop.js';
import type { DebugPortResult } from '../runtime/comms-link.js';
import type { CellFault } from './fault-cells.js';
import { RobotProcess } from './robot-process.js';
import type { SimRobot } from './sim-robot.js';
import type { SimRobotSpec } from './sim-robot-spec.js';

const log = createDebug('spinal:sim:process-supervisor');

/**
 * A robot process under a process supervisor, as systemd's `Restart=on-failure` keeps a robot's
 * service: the simulator's `kill` and `power-loss` faults take the process down, and
 * {@link restart} starts its successor on the same ledger, the same link to the world and the same
 * debug-port settings. To the rest of `spinal sim` it is one robot whose events run on across its
 * processes (the ledger numbers them on, so none repeats).
 */
export class SupervisedRobotProcess implements SimRobot {
  private readonly eventListeners: Array<(event: RuntimeEvent) => void> = [];
  private readonly lostListeners: Array<(reason: string) => void> = [];

  private constructor(
    private current: RobotProcess,
    private readonly entry: string,
    private readonly spec: SimRobotSpec,
    private readonly worldLink: MessagePort,
    private readonly backoffSeed: number,
  ) {
    this.follow(current);
  }

  static async start(
    entry: string,
    spec: SimRobotSpec,
    worldLink: MessagePort,
    backoffSeed: number,
  ): Promise<SupervisedRobotProcess> {
    const first = await RobotProcess.start(entry, spec, worldLink, backoffSeed);
    return new SupervisedRobotProcess(first, entry, spec, worldLink, backoffSeed);
  }

  get id(): string {
    return this.current.id;
  }

  /** The `kill` fault: SIGKILL now; resolves once the process is gone. */
  kill(): Promise<void> {
    log('%s: SIGKILL to pid %d', this.id, this.current.pid);
    return this.current.killNow();
  }

  /**
   * The `power-loss` fault: the process dies inside its next ledger transaction, between the
   * rows' write and the commit; resolves once it is gone.
   */
  cutPower(): Promise<void> {
    const gone = this.current.expectDeath();
    this.current.throwCellFault({ kind: 'power-loss' });
    return gone;
  }

  /** Whether the robot's process is gone (killed, not yet restarted). */
  get down(): boolean {
    return this.current.gone;
  }

  /**
   * Starts the successor at sim time `startUs`, the body at `pose` (where the world holds it);
   * resolves with the sim time its runtime was up, microseconds. Its failure to start is reported as lost.
   */
  async restart(startUs: number, pose: Pose2D): Promise<number> {
    try {
      const next = await RobotProcess.start(this.entry, this.spec, this.worldLink, this.backoffSeed, { startUs, pose });
      this.current = next;
      this.follow(next);
      log('%s: restarted as pid %d, up at %d us', this.id, next.pid, next.startedAtUs);
      return next.startedAtUs;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      for (const listener of this.lostListeners) listener(`robot ${this.spec.spec.id} was not restarted: ${reason}`);
      throw error;
    }
  }

  onEvent(listener: (event: RuntimeEvent) => void): void {
    this.eventListeners.push(listener);
  }

  onLost(listener: (reason: string) => void): void {
    this.lostListeners.push(listener);
  }

  debugPortAddress(): string | null {
    return this.current.debugPortAddress();
  }

  debugPortResult(): Promise<DebugPortResult> {
    return this.current.debugPortResult();
  }

  status(): RuntimeStatus {
    return this.current.status();
  }

  operate(command: OperatorCommand): Promise<OperatorResult> {
    return this.current.operate(command);
  }

  stallCortex(durationUs: number): void {
    this.current.stallCortex(durationUs);
  }

  throwCellFault(fault: CellFault): void {
    this.current.throwCellFault(fault);
  }

  settle(): Promise<void> {
    return this.current.settle();
  }

  missionState(): MissionState {
    return this.current.missionState();
  }

  readiness(): { everReady: boolean; reason: string } {
    return this.current.readiness();
  }

  get trips(): readonly ReflexTrip[] {
    return this.current.trips;
  }

  reportedPoses(): ReadonlyMap<number, Pose2D> {
    return this.current.reportedPoses();
  }

  stop(): Promise<void> {
    return this.current.stop();
  }

  /** Passes on one process's events, and its death when nobody asked for it. */
  private follow(process: RobotProcess): void {
    process.onEvent((event) => {
      for (const listener of this.eventListeners) listener(event);
    });
    process.onLost((reason) => {
      for (const listener of this.lostListeners) listener(reason);
    });
  }
}
