import type { OperatorCommand, OperatorResult } from '../../comms/comms-thread-protocol.js';
import type { Pose2D } from '../../messages/geometry.js';
import type { MissionState } from '../../messages/mission.js';
import type { RuntimeEvent } from '../../messages/runtime-event.js';
import type { RuntimeStatus } from '../../messages/runtime-status.js';
import type { ReflexTrip } from '../../reflex/reflex-loop.js';
import type { DebugPortResult } from '../runtime/comms-link.js';
import type { CellFault } from './fault-cells.js';

/**
 * One scenario robot as `spinal sim` drives it, wherever its runtime runs: on the simulator's own
 * main thread ({@link InProcessSimRobot}) or in a process of its own ({@link RobotProcess}).
 */
export interface SimRobot {
  readonly id: string;
  /** Called for every event of the robot's journal, in order. */
  onEvent(listener: (event: RuntimeEvent) => void): void;
  /** Called once if the robot's runtime is gone before it was stopped (its process died), with why. */
  onLost(listener: (reason: string) => void): void;
  debugPortAddress(): string | null;
  debugPortResult(): Promise<DebugPortResult>;
  /** The robot's status as last known (a robot process sends it a few times a second). */
  status(): RuntimeStatus;
  /** An operator command applied by the runtime itself (a scripted e-stop with no debug port). */
  operate(command: OperatorCommand): Promise<OperatorResult>;
  /** Blocks the planner thread for `durationUs` of clock time; in force before the world's next tick. */
  stallCortex(durationUs: number): void;
  /** Sets one of the runtime faults thrown through the robot's fault cells (its wall clock, its disk, its power). */
  throwCellFault(fault: CellFault): void;
  /** Fetches what the report takes from the robot at the end of the run (see the getters below). */
  settle(): Promise<void>;
  /** As of {@link settle}: */
  missionState(): MissionState;
  readiness(): { everReady: boolean; reason: string };
  readonly trips: readonly ReflexTrip[];
  /** The world pose the robot reported at each of the world's sampling instants, by sim time (us). */
  reportedPoses(): ReadonlyMap<number, Pose2D>;
  stop(): Promise<void>;
}
