import type { Worker } from 'node:worker_threads';
import createDebug from 'debug';
import type { CommsToMain, MainToComms, OperatorCommand, OperatorResult } from '../comms/comms-thread-protocol.js';
import type { BoardConfig } from '../config/board-schema.js';
import { ConfigError } from '../config/config-error.js';
import { hostListOf, type ParamValues } from '../config/params.js';
import type { CortexStatus, CortexToMain, MainToCortex } from '../cortex/cortex-thread-protocol.js';
import { createBuiltinRegistry } from '../hal/builtin-models.js';
import type { Device } from '../hal/device-api.js';
import { bindDevices } from '../hal/device-binding.js';
import { isLidar } from '../hal/lidar/api.js';
import { RevolutionCollector } from '../hal/lidar/revolution-collector.js';
import { isMotorDriver, type MotorChannel } from '../hal/motor/api.js';
import type { TransportBackends } from '../hal/registry.js';
import type { SimLinkClient } from '../hal/transport/sim-link/sim-link-client.js';
import type { MissionAssignment } from '../messages/mission.js';
import type { RuntimeEvent, RuntimeEventBody } from '../messages/runtime-event.js';
import type { RuntimeStatus } from '../messages/runtime-status.js';
import { ReflexLoop, type ReflexTrip, type SafetySources } from '../reflex/reflex-loop.js';
import { isBattery } from '../hal/battery/api.js';
import { isDigitalInput } from '../hal/digital-input/api.js';
import { isEncoder } from '../hal/encoder/api.js';
import { isImu } from '../hal/imu/api.js';
import { isRange } from '../hal/range/api.js';
import { isRoboclaw } from '../hal/motor/roboclaw/driver.js';
import type { Point2D } from '../messages/geometry.js';
import type { Clock } from '../time/clock.js';
import { sanitizeExternalText } from '../messages/external-text.js';
import { CommsLockstep } from './comms-lockstep.js';
import { OverrideSessions } from './override-sessions.js';
import { startThread } from './thread-launcher.js';

const log = createDebug('spinal:runtime');

/**
 * How long the main thread waits for the cortex's lock-step answer before going on without it, ms
 * (real time). Only a guard against a planner that hangs for good: a healthy planner always
 * answers well within it, however loaded the machine, and a scripted stall is skipped by sim time
 * (see `stallCortex`), so the lock step never depends on wall time and runs repeat exactly.
 */
const CORTEX_LOCKSTEP_GRACE_MS = 30_000;
/** How often the status snapshot goes to the comms thread, microseconds of clock time. */
const STATUS_PERIOD_US = 200_000;
/** Events and trips kept in memory (each trip carries its 2 s black box), newest last. */
const MAX_EVENTS_IN_MEMORY = 1_000;
/** Longest operator e-stop reason kept, characters. */
const MAX_OPERATOR_REASON_CHARS = 200;
/** How often an unrenewed override session is looked for, microseconds of clock time. */
const OVERRIDE_CHECK_PERIOD_US = 100_000;

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
  /** The area the robot must stay in, world frame (a site setting, from the config file or the scenario). */
  geofence?: readonly Point2D[] | null;
  /** Serve the HTTP debug port (default true). */
  debugPort?: boolean;
}

/**
 * One robot's runtime: devices from the board config, the reflex on this (main) thread, the cortex
 * and comms in worker threads, joined only by typed messages.
 */
export class RobotRuntime {
  readonly trips: ReflexTrip[] = [];
  /** The most recent events, in order (the ledger will keep them all, durably). */
  readonly events: RuntimeEvent[] = [];
  private lastSeq = 0;
  private readonly eventListeners: Array<(event: RuntimeEvent) => void> = [];
  private cortexStatus: CortexStatus = { pose: null, missionKind: 'none', missionState: 'idle', goalDistanceM: null };
  private debugAddress: string | null = null;
  private cancelStatusPublishing: (() => void) | null = null;
  /** Under the simulator: the comms thread's part in the lock step. */
  private readonly commsLockstep: CommsLockstep | null;
  private cortexNextDueUs = 0;
  private cortexLagging = false;
  private cortexTickWaiter: ((nowUs: number) => void) | null = null;
  /** Clock time until which a scripted stall blocks the cortex: the lock step does not wait for it before. */
  private cortexStalledUntilUs = -Infinity;
  /** The cortex has been sent `init`: from then on it takes part in the lock step. */
  private cortexInitialised = false;
  /** Under the simulator: the `init` the next tick gives the cortex. */
  private pendingCortexInit: Extract<MainToCortex, { t: 'init' }> | null = null;
  private readonly startedAtMs = performance.now();
  /** Clock time the runtime started at (printed times count from here). */
  readonly startedAtUs: number;
  private readonly overrides: OverrideSessions;
  private cancelOverrideCheck: (() => void) | null = null;
  private everReady = false;
  private readonly debugPortSettled: Promise<{ ok: true } | { ok: false; message: string }>;
  private settleDebugPort: (result: { ok: true } | { ok: false; message: string }) => void = () => undefined;
  /** The runtime clock as other threads can read it while blocked (kept current at every lock-step tick). */
  private readonly sharedClock = new Float64Array(new SharedArrayBuffer(8));

  private constructor(
    private readonly o: RobotRuntimeOptions,
    private readonly devices: Device[],
    readonly reflex: ReflexLoop,
    private readonly cortex: Worker,
    private readonly comms: Worker | null,
  ) {
    this.startedAtUs = o.clock.nowUs();
    this.overrides = new OverrideSessions(o.params['reflex.deadmanTimeoutMs'] * 1e3);
    this.commsLockstep = comms && o.lockstep ? new CommsLockstep((message) => comms.postMessage(message)) : null;
    this.debugPortSettled = comms
      ? new Promise((resolve) => (this.settleDebugPort = resolve))
      : Promise.resolve({ ok: false, message: 'the debug port is off' });
  }

  /** Binds the devices, starts them, the reflex and the worker threads. ConfigErrors for a bad board. */
  static async start(o: RobotRuntimeOptions): Promise<RobotRuntime> {
    const { board, boardFile, params, clock } = o;
    const devices = bindDevices(board, boardFile, createBuiltinRegistry(), clock, o.backends);
    const lidar = devices.find((d) => d.id === board.robot.lidar);
    if (!lidar || !isLidar(lidar))
      throw new ConfigError(boardFile, 'robot.lidar', `"${board.robot.lidar}" is not a lidar`);
    const left = motorChannel(devices, board.robot.drive.left, boardFile, 'robot.drive.left');
    const right = motorChannel(devices, board.robot.drive.right, boardFile, 'robot.drive.right');

    const reflex = new ReflexLoop({
      clock,
      loopRateHz: params['reflex.loopRateHz'],
      settings: {
        deadmanTimeoutUs: params['reflex.deadmanTimeoutMs'] * 1e3,
        lidarStaleTimeoutUs: params['reflex.lidarStaleTimeoutMs'] * 1e3,
        obstacleMemoryUs: params['reflex.obstacleMemoryMs'] * 1e3,
        sectorStaleUs: params['reflex.sectorStaleMs'] * 1e3,
        seeThroughM: params['reflex.seeThroughM'],
        rangeStaleTimeoutUs: params['reflex.rangeStaleTimeoutMs'] * 1e3,
        brakingDecelMps2: params['reflex.brakingDecelMps2'],
        reactionLatencyS: params['reflex.reactionLatencyMs'] / 1e3,
        stopMarginM: params['reflex.stopMarginM'],
        slowZoneM: params['reflex.slowZoneM'],
        maxSpeedMps: params['reflex.maxSpeedMps'],
        maxTurnRateRadps: params['reflex.maxTurnRateRadps'],
        clearHoldUs: params['reflex.clearHoldMs'] * 1e3,
        cortexHeartbeatTimeoutUs: params['reflex.cortexHeartbeatTimeoutMs'] * 1e3,
        batteryLowV: params['reflex.batteryLowV'],
        batteryCriticalV: params['reflex.batteryCriticalV'],
        batteryHoldUs: params['reflex.batteryHoldMs'] * 1e3,
        tiltLimitDeg: params['reflex.tiltLimitDeg'],
        impactLimitG: params['reflex.impactLimitG'],
        stallMinCommandMps: params['reflex.stallMinCommandMps'],
        stallTimeUs: params['reflex.stallTimeMs'] * 1e3,
        loopOverrunLimit: params['reflex.loopOverrunLimit'],
        geofence: o.geofence ?? null,
      },
      footprint: board.robot.footprint,
      sideMarginM: params['reflex.sideMarginM'],
      geometry: {
        wheelBaseM: board.robot.wheelBaseM,
        maxWheelSpeedMps: board.robot.maxWheelSpeedMps,
        invertLeft: board.robot.drive.invertLeft,
        invertRight: board.robot.drive.invertRight,
      },
      lidar,
      left,
      right,
      safety: safetySources(devices),
      // In lock step no wall time passes between two clock readings: an iteration costs no clock time.
      elapsedMs: o.lockstep ? () => clock.nowUs() / 1e3 : undefined,
    });

    const cortex = startThread('cortex');
    const comms =
      o.debugPort === false
        ? null
        : startThread('comms', {
            listen: params['debug.listen'],
            token: params['debug.token'],
            readToken: params['debug.readToken'],
            allowedHosts: hostListOf(params['debug.allowedHosts']),
            clock: o.lockstep ? 'virtual' : 'real',
            startUs: clock.nowUs(),
          });
    const runtime = new RobotRuntime(o, devices, reflex, cortex, comms);
    runtime.wire();
    // Under the simulator the world's clock waits for the first tick's answer: joining before the
    // devices start keeps their start-up (and everything after) at the same sim times in every run.
    runtime.joinLockstep();
    await Promise.all(devices.map((d) => d.start()));
    reflex.start();
    runtime.noteReadiness();
    runtime.cancelOverrideCheck = clock.every(OVERRIDE_CHECK_PERIOD_US, () => {
      for (const event of runtime.overrides.expire(clock.nowUs())) runtime.record(event);
    });
    const init: MainToCortex = {
      t: 'init',
      clock: o.lockstep ? 'virtual' : 'real',
      startUs: clock.nowUs(),
      assignment: o.assignment,
      settings: {
        rateHz: params['cortex.rateHz'],
        cruiseSpeedMps: params['cortex.cruiseSpeedMps'],
        headingGain: params['cortex.headingGain'],
        maxTurnRateRadps: params['reflex.maxTurnRateRadps'],
        goalToleranceM: params['cortex.goalToleranceM'],
      },
    };
    // Under the simulator the cortex starts at a lock-step tick, so its first commands arrive at a known sim time.
    if (o.lockstep) runtime.pendingCortexInit = init;
    else cortex.postMessage(init);
    return runtime;
  }

  /** Called for every event as it happens. */
  onEvent(listener: (event: RuntimeEvent) => void): void {
    this.eventListeners.push(listener);
  }

  private record(body: RuntimeEventBody): void {
    const event = { ...body, seq: ++this.lastSeq, atUs: this.o.clock.nowUs() } as RuntimeEvent;
    this.events.push(event);
    if (this.events.length > MAX_EVENTS_IN_MEMORY) this.events.splice(0, this.events.length - MAX_EVENTS_IN_MEMORY);
    for (const listener of this.eventListeners) listener(event);
    this.comms?.postMessage({ t: 'event', event } satisfies MainToComms);
  }

  /** The address the debug port is bound to, once it is (null before, or when it failed). */
  debugPortAddress(): string | null {
    return this.debugAddress;
  }

  missionState(): CortexStatus['missionState'] {
    return this.cortexStatus.missionState;
  }

  status(): RuntimeStatus {
    const applied = this.reflex.appliedDrive();
    return {
      robotId: this.o.params['robot.id'],
      board: this.o.board.board,
      mode: this.o.mode,
      clockS: this.o.clock.nowUs() / 1e6,
      uptimeS: (performance.now() - this.startedAtMs) / 1e3,
      pose: this.cortexStatus.pose,
      speed: { vMps: applied.vMps, wRadps: applied.wRadps },
      mission: { kind: this.cortexStatus.missionKind, state: this.cortexStatus.missionState },
      nearestObstacleM: this.reflex.nearestObstacleM(),
      reflex: this.reflex.status(),
      loop: this.reflex.loopTiming(),
      devices: this.devices.map((d) => ({
        id: d.id,
        compatible: d.compatible,
        kind: d.kind,
        health: d.health(),
        counters: d.counters(),
        ...(d.details ? { details: d.details() } : {}),
      })),
    };
  }

  /**
   * Whether every device was healthy at some moment since the start, and if not, why not (the
   * devices that are not ok now, with their reasons). A robot that never became ready never drove.
   */
  readiness(): { everReady: boolean; reason: string } {
    return { everReady: this.everReady, reason: this.everReady ? '' : notReadyReason(this.status().devices) };
  }

  /**
   * Resolves once the debug port is bound (`ok: true`) or could not be (`ok: false` with the
   * reason); with the port turned off it resolves `ok: false` at once.
   */
  debugPortResult(): Promise<{ ok: true } | { ok: false; message: string }> {
    return this.debugPortSettled;
  }

  private noteReadiness(): void {
    if (!this.everReady && this.devices.every((d) => d.health().state === 'ok')) this.everReady = true;
  }

  async stop(): Promise<void> {
    this.cancelStatusPublishing?.();
    this.cancelOverrideCheck?.();
    for (const event of this.overrides.end('the runtime stopped')) this.record(event);
    this.reflex.stop();
    this.cortex.postMessage({ t: 'shutdown' } satisfies MainToCortex);
    this.comms?.postMessage({ t: 'shutdown' } satisfies MainToComms);
    await Promise.allSettled(this.devices.map((d) => d.stop()));
    await Promise.allSettled([this.cortex.terminate(), this.comms ? waitForStopped(this.comms) : Promise.resolve()]);
  }

  private wire(): void {
    const { reflex, cortex, comms } = this;
    cortex.on('message', (message: CortexToMain) => {
      if (message.t === 'drive') reflex.submit(message.command);
      else if (message.t === 'status') {
        const previous = this.cortexStatus;
        this.cortexStatus = message.status;
        reflex.heartbeat();
        if (message.status.pose) reflex.setPose(message.status.pose);
        if (
          previous.missionState !== message.status.missionState ||
          previous.missionKind !== message.status.missionKind
        ) {
          this.record({ kind: 'mission', mission: message.status.missionKind, state: message.status.missionState });
        }
      } else if (message.t === 'tick-done') {
        this.cortexNextDueUs = message.nowUs < message.nextDueUs ? message.nextDueUs : message.nowUs;
        if (this.cortexLagging) log('cortex answers the lock step again');
        this.cortexLagging = false;
        this.cortexTickWaiter?.(message.nowUs);
      }
    });
    cortex.on('error', (error) => log('cortex thread failed: %O', error));
    reflex.onApplied((applied) => cortex.postMessage({ t: 'applied', applied } satisfies MainToCortex));
    reflex.onTrip((trip) => {
      this.trips.push(trip);
      if (this.trips.length > MAX_EVENTS_IN_MEMORY) this.trips.splice(0, this.trips.length - MAX_EVENTS_IN_MEMORY);
      this.record({ kind: 'reflex-trip', rule: trip.rule, reason: trip.reason, blackBox: trip.blackBox ?? [] });
    });
    for (const device of this.devices) {
      device.onHealthChange((health, previous) => {
        if (health.state === previous.state) return;
        this.noteReadiness();
        log('%s: %s -> %s %s', device.id, previous.state, health.state, sanitizeExternalText(health.reason));
        this.record({
          kind: 'device-health',
          device: device.id,
          from: previous.state,
          to: health.state,
          reason: health.reason,
        });
      });
    }

    if (comms) {
      this.publishScans(comms);
      comms.on('message', (message: CommsToMain) => {
        if (message.t === 'listening') {
          this.debugAddress = message.address;
          log('debug port on http://%s', message.address);
          // A first snapshot at once: the robot's clock may not have reached the first period yet.
          this.publishStatus();
          this.settleDebugPort({ ok: true });
        } else if (message.t === 'listen-failed') {
          this.settleDebugPort({ ok: false, message: message.message });
        } else if (message.t === 'command') {
          const result = this.operate(message.command);
          comms.postMessage({ t: 'command-result', id: message.id, result } satisfies MainToComms);
        } else if (message.t === 'tick-done') {
          this.commsLockstep?.answered(message);
        }
      });
      comms.on('error', (error) => log('comms thread failed: %O', error));
      this.cancelStatusPublishing = this.o.clock.every(STATUS_PERIOD_US, () => this.publishStatus());
    }
  }

  /**
   * Each lidar's whole revolutions go to the comms thread for `GET /api/v1/scan`: one message a
   * turn, its arrays transferred, so the reflex's thread only copies points as they arrive.
   */
  private publishScans(comms: Worker): void {
    for (const lidar of this.devices.filter(isLidar)) {
      const collector = new RevolutionCollector();
      lidar.onPoints((points) => {
        const scan = collector.push(points, lidar.speedDegPerS());
        if (!scan) return;
        const buffers = [scan.xM.buffer, scan.yM.buffer, scan.rangeM.buffer, scan.intensity.buffer] as ArrayBuffer[];
        comms.postMessage({ t: 'scan', scan } satisfies MainToComms, buffers);
      });
    }
  }

  /** Under the simulator: the cortex (once it has been initialised) and the comms thread take part in the lock step. */
  private joinLockstep(): void {
    const { cortex } = this;
    this.o.lockstep?.onTick(async (tick) => {
      this.sharedClock[0] = tick.simTimeUs;
      const commsAnswered = this.commsLockstep?.tick(tick.simTimeUs);
      if (this.pendingCortexInit) {
        cortex.postMessage({ ...this.pendingCortexInit, startUs: tick.simTimeUs } satisfies MainToCortex);
        this.pendingCortexInit = null;
        this.cortexInitialised = true;
      }
      if (
        !this.cortexInitialised ||
        this.cortexLagging ||
        tick.simTimeUs < this.cortexNextDueUs ||
        tick.simTimeUs < this.cortexStalledUntilUs
      )
        return commsAnswered;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.cortexLagging = true;
          log('cortex missed the lock step at %d us; going on without it', tick.simTimeUs);
          resolve();
        }, CORTEX_LOCKSTEP_GRACE_MS);
        this.cortexTickWaiter = () => {
          clearTimeout(timer);
          this.cortexTickWaiter = null;
          resolve();
        };
        cortex.postMessage({ t: 'tick', nowUs: tick.simTimeUs } satisfies MainToCortex);
      });
      await commsAnswered;
    });
  }

  /** Blocks the planner thread for `durationUs` of clock time (a fault scenario's planner stall). */
  stallCortex(durationUs: number): void {
    this.cortexStalledUntilUs = this.o.clock.nowUs() + durationUs;
    this.cortex.postMessage({
      t: 'stall',
      untilUs: this.o.clock.nowUs() + durationUs,
      clock: this.o.lockstep ? (this.sharedClock.buffer as SharedArrayBuffer) : null,
    } satisfies MainToCortex);
  }

  /**
   * An operator command from the debug port, a scenario script or the supervisor: e-stop, reset,
   * manual drive. Each is recorded as an event naming who asked. An override is answered with the
   * decision the reflex took for this very command (evaluated in this call), stamped now.
   */
  operate(command: OperatorCommand): OperatorResult {
    const { reflex } = this;
    const nowUs = this.o.clock.nowUs();
    switch (command.kind) {
      case 'estop': {
        const reason = sanitizeExternalText(command.reason, MAX_OPERATOR_REASON_CHARS);
        reflex.requestEstop('operator', reason);
        this.record({ kind: 'operator-estop', reason, by: command.by });
        return { ok: true, body: { reflex: reflex.status() } };
      }
      case 'estop-reset': {
        const reset = reflex.resetEstop();
        this.record({
          kind: 'operator-reset',
          cleared: reset.cleared,
          stillActive: reset.stillActive.map((r) => r.rule),
          by: command.by,
        });
        const ok = reset.stillActive.length === 0;
        return { ok, body: { ...reset, reflex: reflex.status() } };
      }
      case 'override': {
        for (const event of this.overrides.command(nowUs, command.vMps, command.wRadps, command.by)) this.record(event);
        reflex.override(command.vMps, command.wRadps);
        const decided = reflex.status();
        const applied = reflex.appliedDrive();
        return {
          ok: true,
          body: {
            reflex: decided,
            decision: {
              atUs: nowUs,
              state: decided.state,
              rule: decided.rule,
              reason: decided.reason,
              commanded: { vMps: command.vMps, wRadps: command.wRadps },
              applied: { vMps: applied.vMps, wRadps: applied.wRadps },
            },
          },
        };
      }
    }
  }

  private publishStatus(): void {
    const status = this.status();
    const notOk = status.devices.filter((d) => d.health.state !== 'ok');
    const reason = notReadyReason(status.devices);
    this.comms?.postMessage({ t: 'status', status } satisfies MainToComms);
    this.comms?.postMessage({ t: 'ready', ready: notOk.length === 0, reason } satisfies MainToComms);
  }
}

/** `lidar failed: no data; motors degraded: ...`: the devices that are not ok, with why. */
function notReadyReason(devices: RuntimeStatus['devices']): string {
  return devices
    .filter((d) => d.health.state !== 'ok')
    .map((d) => `${d.id} ${d.health.state}${d.health.reason ? `: ${d.health.reason}` : ''}`)
    .join('; ');
}

/** The devices safety rules watch besides the lidar, found by kind (a RoboClaw's encoders and battery count too). */
function safetySources(devices: readonly Device[]): SafetySources {
  const roboclaw = devices.find(isRoboclaw);
  const encoder = devices.find(isEncoder);
  const battery = devices.find(isBattery);
  return {
    switches: devices.filter(isDigitalInput),
    battery: battery ?? (roboclaw ? { lastReading: () => roboclaw.lastBatteryReading() } : null),
    imu: devices.find(isImu) ?? null,
    wheels: encoder ?? (roboclaw ? { lastReading: () => roboclaw.lastEncoderReading() } : null),
    motorDrivers: devices.filter(isMotorDriver),
    ranges: devices.filter(isRange),
  };
}

function motorChannel(devices: Device[], ref: string, file: string, path: string): MotorChannel {
  const [deviceId = '', channelName = ''] = ref.split('.');
  const device = devices.find((d) => d.id === deviceId);
  if (!device || !isMotorDriver(device)) throw new ConfigError(file, path, `"${deviceId}" is not a motor driver`);
  if (!device.channelNames().includes(channelName)) {
    throw new ConfigError(
      file,
      path,
      `"${deviceId}" has no channel "${channelName}" (it has ${device.channelNames().join(', ')})`,
    );
  }
  return device.channel(channelName);
}

function waitForStopped(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => void worker.terminate().then(done, done), 1_000);
    worker.on('message', (message: CommsToMain) => {
      if (message.t === 'stopped') void worker.terminate().then(done, done);
    });
    worker.on('exit', done);
  });
}
