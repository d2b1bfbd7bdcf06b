import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import type { LedgerSettings } from '../../comms/ledger/ledger-settings.js';
import type { UpgradeEventBody } from '../../comms/ledger/upgrade-import.js';
import type { SimulatedFaultCells } from '../../comms/comms-thread-protocol.js';
import type { BoardConfig } from '../../config/board-schema.js';
import type { ParamValues } from '../../config/params.js';
import type { TransportBackends } from '../../hal/registry.js';
import type { SimLinkClient } from '../../hal/transport/sim-link/sim-link-client.js';
import type { Point2D } from '../../messages/geometry.js';
import type { MissionAssignment } from '../../messages/mission.js';
import type { SchedulingPriority } from '../../messages/scheduling-priority.js';
import type { Clock } from '../../time/clock.js';

/** What one robot's runtime is made from: its board, parameters, clock, transports and mission. */
export interface RobotRuntimeOptions {
  mode: 'sim' | 'run';
  board: BoardConfig;
  boardFile: string;
  params: ParamValues;
  clock: Clock;
  backends: TransportBackends;
  /** Under the simulator: the link whose ticks the runtime answers (lock step). */
  lockstep?: SimLinkClient;
  assignment: MissionAssignment | null;
  /** A prior map for the cortex (null or left out: the robot maps as it goes). */
  map?: OccupancyGridMessage | null;
  /** Where the cortex keeps the robot's place across restarts (`spinal run`), or null: nothing kept. */
  keepMapPath?: string | null;
  /** The area the robot must stay in, world frame (a site setting, from the config file or the scenario). */
  geofence?: readonly Point2D[] | null;
  /** Where the robot's dock is, world frame (a return to base goes there); null or left out: none. */
  dock?: Point2D | null;
  /** The reflex thread's scheduling priority, as `spinal run` set it (default: read as it is). */
  priority?: SchedulingPriority;
  /** The ledger (default: from the `ledger.*` parameters). */
  ledger?: LedgerSettings;
  /** The upgrade journal's entries (an installed robot's): the ledger takes in those it does not hold yet. */
  upgrades?: readonly UpgradeEventBody[];
  /** Under the simulator: the cells its clock-jump and disk-full faults go through (left out: none). */
  simulatedFaults?: SimulatedFaultCells;
}
