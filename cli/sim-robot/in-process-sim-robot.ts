import type { OperatorCommand, OperatorResult } from '../../comms/comms-thread-protocol.js';
import type { LinkPort, RobotToWorld, WorldToRobot } from '../../hal/transport/sim-link/protocol.js';
import { SimLinkClient } from '../../hal/transport/sim-link/sim-link-client.js';
import type { Pose2D } from '../../messages/geometry.js';
import type { MissionState } from '../../messages/mission.js';
import type { RuntimeEvent } from '../../messages/runtime-event.js';
import type { RuntimeStatus } from '../../messages/runtime-status.js';
import type { ReflexTrip } from '../../reflex/reflex-loop.js';
import { VirtualClock } from '../../time/virtual-clock.js';
import { RobotRuntime } from '../robot-runtime.js';
import type { DebugPortResult } from '../runtime/comms-link.js';
import { recordReportedPoses } from './reported-poses.js';
import type { SimRobot } from './sim-robot.js';
import { applyCellFault, type CellFault } from './fault-cells.js';
import type { SimulatedFaultCells } from '../../comms/comms-thread-protocol.js';
import { simRobotRuntimeOptions, type SimRobotSpec } from './sim-robot-spec.js';

/** A scenario robot whose runtime runs on the simulator's main thread, linked to the world over `port`. */
export class InProcessSimRobot implements SimRobot {
  readonly id: string;
  private readonly poses: Map<number, Pose2D>;

  private constructor(
    private readonly runtime: RobotRuntime,
    private readonly cells: SimulatedFaultCells | undefined,
  ) {
    this.id = runtime.status().robotId;
    this.poses = recordReportedPoses(runtime);
  }

  /** Starts the runtime; it joins the lock step before its devices start (its first tick waits for it). */
  static async start(spec: SimRobotSpec, port: LinkPort<WorldToRobot, RobotToWorld>): Promise<InProcessSimRobot> {
    const clock = new VirtualClock(0);
    const link = new SimLinkClient(port, clock, { waitForTickHandler: true });
    return new InProcessSimRobot(
      await RobotRuntime.start(simRobotRuntimeOptions(spec, clock, link)),
      spec.simulatedFaults,
    );
  }

  onEvent(listener: (event: RuntimeEvent) => void): void {
    this.runtime.onEvent(listener);
  }

  onLost(): void {
    // On this thread: it is gone only with the simulator.
  }

  debugPortAddress(): string | null {
    return this.runtime.debugPortAddress();
  }

  debugPortResult(): Promise<DebugPortResult> {
    return this.runtime.debugPortResult();
  }

  status(): RuntimeStatus {
    return this.runtime.status();
  }

  operate(command: OperatorCommand): Promise<OperatorResult> {
    return Promise.resolve(this.runtime.operate(command));
  }

  stallCortex(durationUs: number): void {
    this.runtime.stallCortex(durationUs);
  }

  throwCellFault(fault: CellFault): void {
    if (this.cells) applyCellFault(this.cells, fault);
  }

  settle(): Promise<void> {
    return Promise.resolve();
  }

  missionState(): MissionState {
    return this.runtime.missionState();
  }

  readiness(): { everReady: boolean; reason: string } {
    return this.runtime.readiness();
  }

  get trips(): readonly ReflexTrip[] {
    return this.runtime.trips;
  }

  reportedPoses(): ReadonlyMap<number, Pose2D> {
    return this.poses;
  }

  stop(): Promise<void> {
    return this.runtime.stop();
  }
}
