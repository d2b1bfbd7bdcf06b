import type { OccupancyGridMessage } from '../../messages/occupancy-grid.js';
import type { Worker } from 'node:worker_threads';
import createDebug from 'debug';
import {
  isCortexToMain,
  type CortexSettings,
  type CortexToMain,
  type CortexTuning,
  type MainToCortex,
  type ReflexHoldState,
} from '../../cortex/cortex-thread-protocol.js';
import type { BatteryReading } from '../../messages/battery-reading.js';
import type { DriveCommand } from '../../messages/drive.js';
import type { Pose2D } from '../../messages/geometry.js';
import { lidarPointsBuffers, type LidarPoints } from '../../messages/lidar-points.js';
import type { MissionAssignment, MissionState, MissionTransition } from '../../messages/mission.js';
import type { Point2D } from '../../messages/geometry.js';
import type { RuntimeEventBody } from '../../messages/runtime-event.js';
import type { ConsistencySettings } from '../../cortex/consistency/consistency-settings.js';
import type { OdometrySample } from '../../messages/odometry.js';
import type { Clock } from '../../time/clock.js';
import type { SwarmHold } from '../../reflex/reflex-types.js';

const log = createDebug('spinal:runtime:cortex');

/**
 * How long the main thread waits for the cortex's lock-step answer before going on without it, ms
 * (real time). Only a guard against a planner that hangs for good: a healthy planner always
 * answers well within it, however loaded the machine, and a scripted stall is skipped by sim time
 * (see `stall`), so the lock step never depends on wall time and runs repeat exactly.
 */
const CORTEX_LOCKSTEP_GRACE_MS = 30_000;
/** How long a stopping cortex gets to write the robot's place before its thread is terminated, ms. */
const CORTEX_STOP_GRACE_MS = 3_000;

/** What the main thread does with the cortex's messages: only what safety needs comes this way. */
export interface CortexHandlers {
  drive(command: DriveCommand): void;
  heartbeat(missionKind: string, missionState: MissionState): void;
  /** A mission changed state (an event for the journal). */
  mission(transition: MissionTransition): void;
  /** Another event for the journal (what the consistency checker noticed, and did about it). */
  record(body: RuntimeEventBody): void;
  worldFrame(frame: Pose2D): void;
  /** A peer holds the right of way where the robot is going (null: released): the reflex's swarm hold. */
  swarmHold(hold: SwarmHold | null): void;
  /** The localisation's state changed (a health state of the robot: `lost` is degraded). */
  localisation(state: 'ok' | 'lost' | 'off', quality: number | null): void;
  /** Keeping the robot's place across restarts went wrong (`degraded`) or works again. */
  placeMemory(state: 'ok' | 'degraded', reason: string): void;
}

/**
 * The main thread's side of the cortex worker: starts it (at once, or under the simulator at the
 * first lock-step tick, so its first commands come at a known sim time), takes part in the lock step
 * (each tick waits for the cortex's timers due by then), checks and dispatches what the cortex sends,
 * and sends it the odometry of record and the lidar's revolutions.
 */
export class CortexLink {
  private nextDueUs = 0;
  private lagging = false;
  private tickWaiter: (() => void) | null = null;
  /** Clock time until which a scripted stall blocks the cortex: the lock step does not wait for it before. */
  private stalledUntilUs = -Infinity;
  /** The cortex has been sent `init`: from then on it takes part in the lock step. */
  private initialised = false;
  private pendingInit: Extract<MainToCortex, { t: 'init' }> | null = null;
  private dropped = 0;
  /** The runtime clock as the cortex can read it while blocked (kept current at every lock-step tick). */
  private readonly sharedClock = new Float64Array(new SharedArrayBuffer(8));
  private stoppedWaiter: (() => void) | null = null;
  private shutdownSent = false;
  private stoppedReceived = false;

  constructor(
    private readonly worker: Worker,
    private readonly clock: Clock,
    /** Under the simulator: the cortex runs on the robot's clock, in lock step. */
    private readonly lockstep: boolean,
    handlers: CortexHandlers,
  ) {
    worker.on('message', (message: unknown) => {
      if (!isCortexToMain(message)) {
        this.dropped++;
        log('dropped a malformed message from the cortex (%d so far)', this.dropped);
        return;
      }
      this.dispatch(message, handlers);
    });
    worker.on('error', (error) => log('cortex thread failed: %O', error));
  }

  /** Starts the cortex on its mission (under the simulator, at the next tick). */
  init(
    settings: CortexSettings,
    assignment: MissionAssignment | null,
    odometry: OdometrySample,
    map: OccupancyGridMessage | null = null,
    keepMapPath: string | null = null,
    site: { geofence: Point2D[] | null; dock: Point2D | null } = { geofence: null, dock: null },
    consistency: ConsistencySettings | null = null,
  ): void {
    const init: Extract<MainToCortex, { t: 'init' }> = {
      t: 'init',
      clock: this.lockstep ? 'virtual' : 'real',
      startUs: this.clock.nowUs(),
      assignment,
      settings,
      odometry,
      map,
      keepMapPath,
      site,
      ...(consistency ? { consistency } : {}),
    };
    if (this.lockstep) this.pendingInit = init;
    else {
      this.post(init);
      this.initialised = true;
    }
  }

  /** New values of the settings a running cortex takes; before a lock-step start, they replace those of its `init`. */
  retune(tuning: CortexTuning): void {
    if (this.pendingInit)
      this.pendingInit = { ...this.pendingInit, settings: { ...this.pendingInit.settings, ...tuning } };
    else this.post({ t: 'retune', tuning });
  }

  odometry(sample: OdometrySample): void {
    this.post({ t: 'odometry', sample });
  }

  /** The wheel encoders' travel, forward positive, left and right wheel. */
  wheels(travel: { stampUs: number; leftM: number; rightM: number }): void {
    this.post({ t: 'wheels', ...travel });
  }

  /** A battery monitor's reading. */
  battery(reading: BatteryReading): void {
    this.post({ t: 'battery', reading });
  }

  /** The IMU's yaw rates with their stamps. */
  gyro(stampsUs: number[], zRadps: number[]): void {
    this.post({ t: 'gyro', stampsUs, zRadps });
  }

  /** What the reflex does now (sent on every change: a stop that lasts holds the cortex's mission). */
  reflexState(state: ReflexHoldState, reason: string): void {
    this.post({ t: 'reflex', state, reason });
  }

  /** One lidar revolution; its arrays are transferred (the caller keeps no reference). */
  scan(scan: LidarPoints): void {
    this.worker.postMessage({ t: 'scan', scan } satisfies MainToCortex, lidarPointsBuffers(scan));
  }

  /** Blocks the planner thread for `durationUs` of clock time (a fault scenario's planner stall). */
  stall(durationUs: number): void {
    this.stalledUntilUs = this.clock.nowUs() + durationUs;
    this.post({
      t: 'stall',
      untilUs: this.clock.nowUs() + durationUs,
      clock: this.lockstep ? (this.sharedClock.buffer as SharedArrayBuffer) : null,
    });
  }

  /** Tells the cortex to stop its mission. */
  shutdown(): void {
    this.shutdownSent = true;
    this.post({ t: 'shutdown' });
  }

  /** Ends the thread: after `shutdown`, once it answers `stopped` (its place written) or its grace is over. */
  async terminate(): Promise<void> {
    if (this.shutdownSent && this.initialised && !this.stoppedReceived) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CORTEX_STOP_GRACE_MS);
        this.stoppedWaiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await this.worker.terminate();
  }

  private post(message: MainToCortex): void {
    this.worker.postMessage(message);
  }

  private dispatch(message: CortexToMain, handlers: CortexHandlers): void {
    switch (message.t) {
      case 'drive':
        handlers.drive(message.command);
        return;
      case 'heartbeat':
        handlers.heartbeat(message.missionKind, message.missionState);
        return;
      case 'mission':
        handlers.mission(message.transition);
        return;
      case 'record':
        handlers.record(message.body);
        return;
      case 'world-frame':
        handlers.worldFrame(message.frame);
        return;
      case 'swarm-hold':
        handlers.swarmHold(message.hold);
        return;
      case 'localisation':
        handlers.localisation(message.state, message.quality);
        return;
      case 'place-memory':
        handlers.placeMemory(message.state, message.reason);
        return;
      case 'stopped':
        this.stoppedReceived = true;
        this.stoppedWaiter?.();
        this.stoppedWaiter = null;
        return;
      case 'tick-done':
        this.nextDueUs = message.nowUs < message.nextDueUs ? message.nextDueUs : message.nowUs;
        if (this.lagging) log('cortex answers the lock step again');
        this.lagging = false;
        this.tickWaiter?.();
        return;
    }
  }

  /** A lock-step tick: the cortex runs what is due by then, unless it is not started, lagging, stalled or has nothing due. */
  async tick(simTimeUs: number): Promise<void> {
    this.sharedClock[0] = simTimeUs;
    if (this.pendingInit) {
      this.post({ ...this.pendingInit, startUs: simTimeUs });
      this.pendingInit = null;
      this.initialised = true;
    }
    if (!this.initialised || this.lagging || simTimeUs < this.nextDueUs || simTimeUs < this.stalledUntilUs) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.lagging = true;
        log('cortex missed the lock step at %d us; going on without it', simTimeUs);
        resolve();
      }, CORTEX_LOCKSTEP_GRACE_MS);
      this.tickWaiter = () => {
        clearTimeout(timer);
        this.tickWaiter = null;
        resolve();
      };
      this.post({ t: 'tick', nowUs: simTimeUs });
    });
  }
}
