import type { LedgerSettings } from '../../comms/ledger/ledger-settings.js';
import type { SimulatedFaultCells } from '../../comms/comms-thread-protocol.js';
import { ledgerSettingsFromParams } from '../../comms/ledger/ledger-settings.js';
import type { ParamValues } from '../../config/params.js';
import { SimGpioBackend } from '../../hal/transport/gpio/sim-gpio-backend.js';
import { SimI2cBackend } from '../../hal/transport/i2c/sim-i2c-backend.js';
import { SimPwmBackend } from '../../hal/transport/pwm/sim-pwm-backend.js';
import {
  PathMappedSerialBackend,
  type MappedSerialPort,
} from '../../hal/transport/serial/path-mapped-serial-backend.js';
import { SerialportBackend } from '../../hal/transport/serial/serialport-backend.js';
import { SimSerialBackend } from '../../hal/transport/serial/sim-serial-backend.js';
import type { SimLinkClient } from '../../hal/transport/sim-link/sim-link-client.js';
import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import { scenarioMissionOf, scenarioStartPose, type ScenarioRobot } from '../../simulator/scenario.js';
import type { VirtualClock } from '../../time/virtual-clock.js';
import type { LoadedBoard } from '../config-sources.js';
import type { PtyPairs } from '../pty-pairs.js';
import type { RobotRuntimeOptions } from '../robot-runtime.js';
import { simDebugListen } from '../sim-debug-listen.js';
import { simLedgerPath } from '../sim-ledger-path.js';

/**
 * Everything one scenario robot's runtime is made from, as plain data: what a robot process is
 * started with (it crosses the IPC channel), and what an in-process robot is built from alike.
 */
export interface SimRobotSpec {
  index: number;
  spec: ScenarioRobot;
  board: LoadedBoard;
  /** Its parameters, with what the simulator sets for it (`robot.id`, `debug.listen`, supervisor, broker). */
  params: ParamValues;
  ledger: LedgerSettings;
  /** The robot's prior map (null: it maps as it goes). */
  map: OccupancyGridMessage | null;
  /** `--pty`: serial device path -> the pseudo-terminal the robot reads through the serialport binding. */
  ptys: Record<string, MappedSerialPort> | null;
  /** The cells the simulator throws the robot's clock-jump and disk-full faults through (shared memory: a robot on the simulator's main thread only). */
  simulatedFaults?: SimulatedFaultCells;
}

/**
 * One scenario robot's spec: its own board, parameters (`robot.id` is the scenario robot's id, and
 * only the first robot's debug port is on `debug.listen`, see {@link simDebugListen}), ledger (its
 * own path, see {@link simLedgerPath}), mission and geofence. `supervisor`: the embedded
 * supervisor's address, or null (as its parameters say); `broker`: the fleet's embedded broker for
 * every robot, `off` for a robot alone (no one to talk to), null: as its parameters say.
 */
export function simRobotSpec(
  robot: Omit<SimRobotSpec, 'ledger' | 'simulatedFaults'>,
  supervisor: string | null,
  broker: string | null,
): SimRobotSpec {
  const { params, spec, index } = robot;
  return {
    index,
    spec,
    board: robot.board,
    map: robot.map,
    ptys: robot.ptys,
    params: {
      ...params,
      'robot.id': spec.id,
      'debug.listen': simDebugListen(params['debug.listen'], index),
      ...(supervisor ? { 'uplink.target': supervisor } : {}),
      ...(broker === 'off' ? { 'mesh.enabled': false } : broker ? { 'mesh.broker': broker } : {}),
    },
    ledger: ledgerSettingsFromParams(params, simLedgerPath(params, index, spec.id)),
  };
}

/** `--pty`: what the robot opens instead of each simulated serial device (the host end and its modem lines). */
export function mappedPtys(ptys: PtyPairs): Record<string, MappedSerialPort> {
  return Object.fromEntries(
    Object.entries(ptys.pairs).map(([path, pair]) => [path, { path: pair.hostEnd, modemLines: pair.modemLines }]),
  );
}

/** The runtime options of a robot from its spec, on its clock and over its end of the link (simulated transports). */
export function simRobotRuntimeOptions(
  robot: SimRobotSpec,
  clock: VirtualClock,
  link: SimLinkClient,
): RobotRuntimeOptions {
  const { spec, board, ptys } = robot;
  return {
    mode: 'sim',
    board: board.board,
    boardFile: board.file,
    params: robot.params,
    ledger: robot.ledger,
    clock,
    backends: {
      serial: ptys ? new PathMappedSerialBackend(new SerialportBackend(), ptys) : new SimSerialBackend(link),
      i2c: new SimI2cBackend(link),
      gpio: new SimGpioBackend(link),
      pwm: new SimPwmBackend(link),
    },
    lockstep: link,
    assignment: { mission: scenarioMissionOf(spec), initialPose: scenarioStartPose(spec) },
    map: robot.map,
    geofence: spec.geofence?.map(([xM, yM]) => ({ xM, yM })) ?? null,
    dock: spec.dock ?? null,
    ...(robot.simulatedFaults ? { simulatedFaults: robot.simulatedFaults } : {}),
  };
}
