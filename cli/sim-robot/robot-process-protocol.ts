import type { OperatorCommand, OperatorResult } from '../../comms/comms-thread-protocol.js';
import type { RobotToWorld, WorldToRobot } from '../../hal/transport/sim-link/protocol.js';
import type { IpcLinkEnvelope } from '../../hal/transport/sim-link/ipc-link-port.js';
import type { Pose2D } from '../../messages/geometry.js';
import type { MissionState } from '../../messages/mission.js';
import type { RuntimeEvent } from '../../messages/runtime-event.js';
import type { RuntimeStatus } from '../../messages/runtime-status.js';
import type { ReflexTrip } from '../../reflex/reflex-loop.js';
import type { DebugPortResult } from '../runtime/comms-link.js';
import type { SimRobotSpec } from './sim-robot-spec.js';
import type { CellFault } from './fault-cells.js';

/** A robot process started again after its predecessor was killed: at this sim time, the body where the world holds it. */
export interface RobotRestart {
  startUs: number;
  pose: Pose2D;
}

/**
 * The IPC channel between `spinal sim` and one robot process (`serialization: 'advanced'`). The
 * robot's sim link rides on it wrapped as `{t: 'link'}` (see `ipc-link-port.ts`), beside this
 * control traffic; the channel keeps order, so a control message sent before a tick is handled
 * before it.
 */
export type SimToRobotProcess =
  | IpcLinkEnvelope<WorldToRobot>
  /** `backoffSeed`: the seed of the robot's reconnection jitter, so that a run repeats. */
  | { t: 'start'; robot: SimRobotSpec; backoffSeed: number; restart?: RobotRestart }
  /** One of the runtime faults thrown through the process's own fault cells. */
  | { t: 'cell-fault'; fault: CellFault }
  | { t: 'operate'; id: number; command: OperatorCommand }
  | { t: 'stall-cortex'; durationUs: number }
  | { t: 'settle' }
  | { t: 'stop' };

/** What the report takes from a robot at the end of the run. */
export interface RobotProcessOutcome {
  missionState: MissionState;
  readiness: { everReady: boolean; reason: string };
  trips: ReflexTrip[];
  reportedPoses: Array<[number, Pose2D]>;
}

export type RobotProcessToSim =
  | IpcLinkEnvelope<RobotToWorld>
  /** The runtime is up (its devices started): its status then, and the process it runs in. */
  | { t: 'started'; pid: number; status: RuntimeStatus; atUs: number }
  | { t: 'start-failed'; message: string }
  | { t: 'debug-port'; result: DebugPortResult; address: string | null }
  | { t: 'event'; event: RuntimeEvent }
  | { t: 'status'; status: RuntimeStatus }
  | { t: 'operated'; id: number; result: OperatorResult }
  | { t: 'settled'; outcome: RobotProcessOutcome }
  | { t: 'stopped' };
