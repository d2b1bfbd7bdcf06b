import type { Pose2D } from '../messages/geometry.js';
import { isLidarPoints, type LidarPoints } from '../messages/lidar-points.js';
import type { FoxgloveSettings } from './foxglove/foxglove-settings.js';
import type { Requester, RuntimeEvent, RuntimeEventBody } from '../messages/runtime-event.js';
import type { LedgerSettings } from './ledger/ledger-settings.js';
import type { UplinkSettings } from './uplink/uplink-settings.js';
import type { MeshSettings } from './mesh/mesh-settings.js';
import type { UpgradeEventBody } from './ledger/upgrade-import.js';
import type { RuntimeStatus } from '../messages/runtime-status.js';

/**
 * Messages between the main thread (reflex + HAL) and the comms worker thread. Every message is a
 * plain object tagged by `t`, so it survives structured cloning and can be switched on exhaustively.
 * New kinds are added as new members of the unions below and a case in the matching guard; a side
 * that receives a kind it does not know counts and drops it. A request that needs an answer carries
 * an `id` that the answer repeats.
 */

/** The main thread's latest runtime snapshot, posted a few times a second. */
export interface StatusMessage {
  t: 'status';
  status: RuntimeStatus;
}

/**
 * The robot's world pose at `stampUs` (robot clock), posted more often than the status (Foxglove's
 * `/pose` and `/tf` follow it); posted only while the Foxglove server is on and the pose is known.
 */
export interface PoseMessage {
  t: 'pose';
  pose: Pose2D;
  stampUs: number;
}

/** The main thread's readiness (devices started, first status posted); `reason` explains `false`. */
export interface ReadyMessage {
  t: 'ready';
  ready: boolean;
  reason: string;
}

/** Stop serving and answer `stopped`. */
export interface ShutdownMessage {
  t: 'shutdown';
}

/**
 * Something notable happened on the robot at `atUs` (robot clock): the ledger numbers and commits
 * it, then answers `committed` naming `id` (the main thread's own count of what it asked).
 */
export interface RecordMessage {
  t: 'record';
  id: number;
  body: RuntimeEventBody;
  atUs: number;
}

/** What a field engineer asks of the robot through the debug port, with who asked (for the event log). */
export type OperatorCommand = (
  | { kind: 'estop'; reason: string }
  | { kind: 'estop-reset' }
  /** Manual drive, held only while renewed within the reflex's dead-man timeout. */
  | { kind: 'override'; vMps: number; wRadps: number }
) & { by: Requester };

/** The main thread's answer to an operator command: `ok: false` when it was refused (e.g. a reset while the button is still pressed). */
export interface OperatorResult {
  ok: boolean;
  body: unknown;
}

/** Comms → main: an operator command, answered by `command-result` with the same id. */
export interface CommandMessage {
  t: 'command';
  id: number;
  command: OperatorCommand;
}

/** Main → comms: the answer to `command`. */
export interface CommandResultMessage {
  t: 'command-result';
  id: number;
  result: OperatorResult;
}

/**
 * Comms → main: a config update from the supervisor, checked against the parameter definitions
 * (every name a tunable parameter, every value in range), to be applied between two reflex steps and
 * answered by `config-result` with the same id once it is in force, or refused.
 */
export interface ConfigUpdateMessage {
  t: 'config-update';
  id: number;
  /** The supervisor's number for the update; each new one is higher. */
  version: number;
  values: Record<string, number | boolean | string>;
  by: Requester;
}

/** Main → comms: the answer to `config-update`: `accepted` once the values are in force, else the reason. */
export interface ConfigResultMessage {
  t: 'config-result';
  id: number;
  accepted: boolean;
  reason: string;
}

/** A lidar's latest whole revolution, robot frame (served by `GET /api/v1/scan`); posted once a turn. */
export interface ScanMessage {
  t: 'scan';
  scan: LidarPoints;
}

/**
 * Lock step (under the simulator): the robot's clock has reached `nowUs`. The comms thread moves
 * its virtual clock there, runs what fell due, and answers `tick-done`.
 */
export interface TickMessage {
  t: 'tick';
  nowUs: number;
}

export type MainToComms =
  | StatusMessage
  | PoseMessage
  | ReadyMessage
  | RecordMessage
  | CommandResultMessage
  | ConfigResultMessage
  | ScanMessage
  | TickMessage
  | ShutdownMessage;

/** The debug port is bound; `address` is `host:port` actually bound (the real port when 0 was asked). */
export interface ListeningMessage {
  t: 'listening';
  address: string;
}

/**
 * The debug port could not be bound. `code` is the system code (`EADDRINUSE`, `EACCES`, ...) or
 * `EINVAL` for a malformed address; `message` names the address and the parameter to change.
 */
export interface ListenFailedMessage {
  t: 'listen-failed';
  code: string;
  message: string;
}

/** The comms thread has closed everything after a `shutdown`; it holds no more resources. */
export interface StoppedMessage {
  t: 'stopped';
}

/** Lock step: everything due up to `nowUs` has run; the comms thread's next timer is due at `nextDueUs` (`Infinity`: none). */
export interface TickDoneMessage {
  t: 'tick-done';
  nowUs: number;
  nextDueUs: number;
}

/**
 * A batch the ledger committed: each `record` by its id with the sequence it was given, those it
 * refused (a full disk) with the reason, and every event of the commit in sequence order
 * (the records' and the ledger's own notices).
 */
export interface CommittedMessage {
  t: 'committed';
  committed: Array<{ id: number; seq: number }>;
  refused: Array<{ id: number; reason: string }>;
  events: RuntimeEvent[];
}

/** Comms to main thread. */
export type CommsToMain =
  | ListeningMessage
  | ListenFailedMessage
  | StoppedMessage
  | CommandMessage
  | ConfigUpdateMessage
  | TickDoneMessage
  | CommittedMessage;

/** The `role` under which the thread launcher starts the comms worker. */
export const COMMS_ROLE = 'comms';

/** What the launcher passes as `workerData` to the comms worker. */
export interface CommsWorkerData {
  role?: typeof COMMS_ROLE;
  /** Debug port address, `host:port` (BRIEF §5 default `127.0.0.1:8080`). */
  listen: string;
  /** Bearer token for mutating debug-port routes; empty: none configured. */
  token: string;
  /** Read-only bearer token; empty: none configured (reading beyond loopback needs `token`). */
  readToken: string;
  /** Host names the port answers to besides its address and loopback names. */
  allowedHosts: string[];
  /**
   * The clock the thread keeps what it timestamps and paces on (snapshot ages, the log stream's
   * keep-alives): `virtual` moves only with `tick` (the simulator's lock step, starting at
   * `startUs`); `real` is the monotonic clock. Default `real`.
   */
  clock?: 'virtual' | 'real';
  /** With a `virtual` clock: the robot's clock when the thread starts, microseconds. Default 0. */
  startUs?: number;
  /**
   * With a `virtual` clock: the memory of the lock step's `LockstepCell` (time/lockstep-cell.ts),
   * through which the clock follows the robot's between ticks and tells when its next timer is due.
   */
  lockstepCell?: SharedArrayBuffer;
  /** The ledger the thread owns (default: in memory, batch durability). */
  ledger?: LedgerSettings;
  /** Names this start of the runtime in the ledger and on the uplink (default: a random UUID). */
  bootId?: string;
  /** The fleet supervisor's link (default: none). */
  uplink?: UplinkSettings | null;
  /** The MQTT mesh to the peer robots (default: none). */
  mesh?: MeshSettings | null;
  /** The runtime's version, for the uplink's hello. */
  version?: string;
  /** The Foxglove WebSocket server (default: none). */
  foxglove?: FoxgloveSettings | null;
  /** The upgrade journal's entries: those the ledger does not hold yet are written to it at start. */
  upgrades?: UpgradeEventBody[];
  /** Under the simulator: the cells its clock-jump and disk-full faults are thrown through (default: none). */
  simulatedFaults?: SimulatedFaultCells;
}

/**
 * The shared cells (`SharedArrayBuffer`s) through which the simulator steps the robot's wall clock
 * (`time/wall-clock.ts`), fills its ledger's disk (`ledger/simulated-disk-space.ts`) and cuts its
 * power mid-transaction, seen by the ledger's thread at its next read.
 */
export interface SimulatedFaultCells {
  wallClockStep: SharedArrayBuffer;
  disk: SharedArrayBuffer;
  /** One 32-bit flag: 1 arms the power-loss fault (the process dies inside its next ledger transaction, see `ledger/power-loss-hook.ts`). */
  powerLoss: SharedArrayBuffer;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isParameterValues(value: unknown): value is Record<string, number | boolean | string> {
  if (!isRecord(value) || Array.isArray(value)) return false;
  return Object.values(value).every(
    (v) => typeof v === 'boolean' || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)),
  );
}

function looksLikeStatus(value: unknown): value is RuntimeStatus {
  return isRecord(value) && typeof value.robotId === 'string' && Array.isArray(value.devices);
}

function isPose(value: unknown): value is Pose2D {
  return (
    isRecord(value) && [value.xM, value.yM, value.yawRad].every((n) => typeof n === 'number' && Number.isFinite(n))
  );
}

/** True when `value` is a well-formed {@link MainToComms} message. */
export function isMainToComms(value: unknown): value is MainToComms {
  if (!isRecord(value)) return false;
  switch (value.t) {
    case 'status':
      return looksLikeStatus(value.status);
    case 'pose':
      return isPose(value.pose) && typeof value.stampUs === 'number' && Number.isFinite(value.stampUs);
    case 'ready':
      return typeof value.ready === 'boolean' && typeof value.reason === 'string';
    case 'command-result':
      return typeof value.id === 'number' && isRecord(value.result) && typeof value.result.ok === 'boolean';
    case 'config-result':
      return typeof value.id === 'number' && typeof value.accepted === 'boolean' && typeof value.reason === 'string';
    case 'record':
      return (
        Number.isInteger(value.id) &&
        isRecord(value.body) &&
        typeof value.body.kind === 'string' &&
        typeof value.atUs === 'number' &&
        Number.isFinite(value.atUs)
      );
    case 'scan':
      return isLidarPoints(value.scan);
    case 'tick':
      return typeof value.nowUs === 'number' && Number.isFinite(value.nowUs);
    case 'shutdown':
      return true;
    default:
      return false;
  }
}

/** True when `value` is a well-formed {@link CommsToMain} message. */
export function isCommsToMain(value: unknown): value is CommsToMain {
  if (!isRecord(value)) return false;
  switch (value.t) {
    case 'listening':
      return typeof value.address === 'string';
    case 'listen-failed':
      return typeof value.code === 'string' && typeof value.message === 'string';
    case 'stopped':
      return true;
    case 'command':
      return typeof value.id === 'number' && isRecord(value.command) && typeof value.command.kind === 'string';
    case 'config-update':
      return (
        typeof value.id === 'number' &&
        Number.isSafeInteger(value.version) &&
        (value.version as number) >= 0 &&
        isParameterValues(value.values) &&
        isRecord(value.by) &&
        typeof value.by.via === 'string'
      );
    case 'tick-done':
      return typeof value.nowUs === 'number' && typeof value.nextDueUs === 'number';
    case 'committed':
      return Array.isArray(value.committed) && Array.isArray(value.refused) && Array.isArray(value.events);
    default:
      return false;
  }
}
