import type { Worker } from 'node:worker_threads';
import type { OperatorCommand, OperatorResult } from '../comms/comms-thread-protocol.js';
import type { ConfigUpdateAnswer, ConfigUpdateRequest } from '../comms/config-channel.js';
import { cortexSettingsFromParams } from '../cortex/cortex-settings.js';
import { consistencySettingsFromParams } from '../cortex/consistency/consistency-settings.js';
import { createBuiltinRegistry } from '../hal/builtin-models.js';
import type { Device } from '../hal/device-api.js';
import { bindDevices } from '../hal/device-binding.js';
import { isLidar } from '../hal/lidar/api.js';
import type { MissionState } from '../messages/mission.js';
import type { RuntimeEvent } from '../messages/runtime-event.js';
import type { RuntimeStatus } from '../messages/runtime-status.js';
import type { ReflexLoop, ReflexTrip } from '../reflex/reflex-loop.js';
export type { RobotRuntimeOptions } from './runtime/robot-runtime-options.js';
import type { RobotRuntimeOptions } from './runtime/robot-runtime-options.js';
import { CommsLink, type DebugPortResult } from './runtime/comms-link.js';
import { CortexLink } from './runtime/cortex-link.js';
import { resolveDriveDevices, type DriveDevices } from './runtime/drive-devices.js';
import { EventJournal } from './runtime/event-journal.js';
import { LiveParams } from './runtime/live-params.js';
import { LocalisationHealth } from './runtime/localisation-health.js';
import { relayBattery } from './runtime/battery-relay.js';
import { relayMotionSensors } from './runtime/motion-sensor-relay.js';
import { OperatorDesk } from './runtime/operator-desk.js';
import { createReflex } from './runtime/reflex-assembly.js';
import { fanOutRevolutions } from './runtime/revolution-fanout.js';
import { startRobotThreads } from './runtime/robot-threads.js';
import type { LockstepCell } from '../time/lockstep-cell.js';
import { StatusSnapshot } from './runtime/status-snapshot.js';
import { currentPriority } from './service/reflex-priority.js';
import { journalDeviceHealth } from './runtime/device-health-journal.js';
import { ledgerSettingsFromParams } from '../comms/ledger/ledger-settings.js';
import type { Cancel } from '../time/clock.js';

/**
 * One robot's runtime, its composition root: devices from the board config, the reflex on this
 * (main) thread, the cortex and comms in worker threads, joined only by typed messages; every
 * event numbered in one journal.
 */
export class RobotRuntime {
  /** Clock time the runtime started at (printed times count from here). */
  readonly startedAtUs: number;
  private readonly journal: EventJournal;
  private readonly snapshot: StatusSnapshot;
  private readonly desk: OperatorDesk;
  private readonly cortex: CortexLink;
  private readonly comms: CommsLink;
  private readonly live: LiveParams;
  private cancelSettle: Cancel = () => undefined;
  private readonly localisation = new LocalisationHealth();
  /** The reflex state the cortex was last told of. */
  private reflexStateSent: RuntimeStatus['reflex']['state'] = 'clear';
  /** How keeping the robot's place across restarts goes (see `cortex.keepMapPath`). */
  private placeMemory: string = 'ok';
  private readonly tickListeners: Array<(simTimeUs: number) => void> = [];

  private constructor(
    private readonly o: RobotRuntimeOptions,
    private readonly devices: Device[],
    readonly reflex: ReflexLoop,
    threads: { cortex: Worker; comms: Worker; commsCell: LockstepCell | null },
  ) {
    const { clock, params } = o;
    this.startedAtUs = clock.nowUs();
    this.journal = new EventJournal(clock, (id, body, atUs) => this.comms.record(id, body, atUs));
    this.snapshot = new StatusSnapshot(
      {
        robotId: params['robot.id'],
        board: o.board,
        mode: o.mode,
        clock,
        priority: o.priority ?? currentPriority(),
        config: () => this.live.status(),
        site: {
          footprint: { ...o.board.robot.footprint },
          geofence: o.geofence ? o.geofence.map((p) => ({ xM: p.xM, yM: p.yM })) : null,
          sideMarginM: params['reflex.sideMarginM'],
          reactionLatencyMs: params['reflex.reactionLatencyMs'],
          deadmanTimeoutMs: params['reflex.deadmanTimeoutMs'],
        },
      },
      reflex,
      devices,
    );
    const record = (body: Parameters<EventJournal['record']>[0]): void => void this.journal.record(body);
    this.desk = new OperatorDesk(reflex, clock, params['reflex.deadmanTimeoutMs'] * 1e3, record);
    const lockstep = o.lockstep !== undefined;
    this.cortex = new CortexLink(threads.cortex, clock, lockstep, {
      drive: (command) => reflex.submit(command),
      heartbeat: (kind, state) => {
        reflex.heartbeat();
        this.snapshot.missionIs(kind, state);
        const { state: reflexState, reason } = reflex.decisionState();
        if (reflexState !== this.reflexStateSent) this.cortex.reflexState(reflexState, reason);
        this.reflexStateSent = reflexState;
      },
      mission: (t) =>
        record({ kind: 'mission', mission: t.kind, state: t.to, id: t.id, from: t.from, reason: t.reason }),
      record,
      worldFrame: (frame) => reflex.setWorldFrame(frame),
      swarmHold: (hold) => reflex.setSwarmHold(hold),
      localisation: (state, quality) => {
        const body = this.localisation.report(state, quality);
        if (body) record(body);
      },
      placeMemory: (state, reason) => {
        if (state !== this.placeMemory)
          record({ kind: 'device-health', device: 'place-memory', from: this.placeMemory, to: state, reason });
        this.placeMemory = state;
      },
    });
    this.live = new LiveParams(params, {
      board: o.board,
      geofence: o.geofence ?? null,
      parts: { reflex, cortex: this.cortex },
      record,
    });
    this.comms = new CommsLink(
      threads.comms,
      clock,
      threads.commsCell,
      (c) => this.operate(c),
      () => this.snapshot.withReadiness(),
      (message) => this.journal.committed(message),
      (update) => this.live.apply(update),
      params['foxglove.listen'] !== '' ? () => reflex.worldPose() : null,
    );
    // Under the simulator both workers take part in each tick: the world waits until each has run what was due.
    o.lockstep?.onTick(async ({ simTimeUs }) => {
      for (const listener of this.tickListeners) listener(simTimeUs);
      const commsAnswered = this.comms.tick(simTimeUs);
      await this.cortex.tick(simTimeUs);
      await commsAnswered;
    });
  }

  /** Binds the devices, starts them, the reflex and the worker threads. ConfigErrors for a bad board. */
  static async start(o: RobotRuntimeOptions): Promise<RobotRuntime> {
    const { board, boardFile, params, clock } = o;
    const devices = bindDevices(board, boardFile, createBuiltinRegistry(), clock, o.backends);
    const drive = resolveDriveDevices(devices, board, boardFile);
    const geofence = o.geofence ?? null;
    const reflex = createReflex({ board, params, clock, geofence, lockstep: o.lockstep !== undefined }, drive);
    const runtime = new RobotRuntime(
      o,
      devices,
      reflex,
      startRobotThreads(
        params,
        { lockstep: o.lockstep !== undefined, startUs: clock.nowUs() },
        o.ledger ?? ledgerSettingsFromParams(params),
        o.upgrades ?? [],
        board.robot.footprint,
        o.simulatedFaults,
      ),
    );
    runtime.wire(drive.motion, drive.battery);
    // Under the simulator the world's clock waits for the first tick's answer: the cortex joined the
    // lock step before the devices start, so their start-up (and everything after) is at the same sim times in every run.
    await Promise.all(devices.map((d) => d.start()));
    reflex.start();
    runtime.snapshot.noteReadiness();
    runtime.desk.start();
    const cortexSettings = cortexSettingsFromParams(params, board.robot);
    runtime.cortex.init(
      cortexSettings,
      o.assignment,
      reflex.odometrySample(),
      o.map ?? null,
      o.keepMapPath ?? null,
      { geofence: o.geofence ? [...o.geofence] : null, dock: o.dock ?? null },
      consistencySettingsFromParams(params, cortexSettings.robotRadiusM),
    );
    return runtime;
  }

  /** Under the simulator: called at every lock-step tick as it arrives, before the robot's work for it (the simulator samples the pose the robot reports). */
  onLockstepTick(listener: (simTimeUs: number) => void): void {
    this.tickListeners.push(listener);
  }

  /** Called for every event as it happens. */
  onEvent(listener: (event: RuntimeEvent) => void): void {
    this.journal.onEvent(listener);
  }

  /** The reflex's trips so far (the most recent thousand), each with its black box. */
  get trips(): readonly ReflexTrip[] {
    return this.journal.trips;
  }

  /** The address the debug port is bound to, once it is (null before, or when it failed). */
  debugPortAddress(): string | null {
    return this.comms.boundAddress();
  }

  /** Resolves once the debug port is bound (`ok: true`) or could not be (`ok: false` with the reason; at once when it is off). */
  debugPortResult(): Promise<DebugPortResult> {
    return this.comms.result();
  }

  missionState(): MissionState {
    return this.snapshot.missionState();
  }

  status(): RuntimeStatus {
    return this.snapshot.status();
  }

  /** Whether every device was healthy at some moment since the start (a robot that never became ready never drove), and if not, why not. */
  readiness(): { everReady: boolean; reason: string } {
    return this.snapshot.readiness();
  }

  /** An operator command (e-stop, reset, manual drive), recorded as an event naming who asked. */
  operate(command: OperatorCommand): OperatorResult {
    return this.desk.operate(command);
  }

  /** A config update (as the supervisor's arrive): in force once answered accepted. */
  configure(update: ConfigUpdateRequest): ConfigUpdateAnswer {
    return this.live.apply(update);
  }

  /** Blocks the planner thread for `durationUs` of clock time (a fault scenario's planner stall). */
  stallCortex(durationUs: number): void {
    this.cortex.stall(durationUs);
  }

  async stop(): Promise<void> {
    this.desk.close();
    this.reflex.stop();
    this.cortex.shutdown();
    this.cancelSettle();
    const commsStopped = this.comms.stop();
    await Promise.allSettled(this.devices.map((d) => d.stop()));
    await Promise.allSettled([this.cortex.terminate(), commsStopped]);
  }

  private wire(motion: DriveDevices['motion'], battery: DriveDevices['battery']): void {
    const { reflex, journal, comms, cortex } = this;
    const { clock, params } = this.o;
    relayMotionSensors(motion, this.o.board.robot.drive, cortex);
    relayBattery(battery, cortex);
    this.cancelSettle = journalDeviceHealth(this.devices, journal, clock, params, () => this.snapshot.noteReadiness());
    reflex.onApplied(() => cortex.odometry(reflex.odometrySample()));
    reflex.onTrip((trip) => journal.recordTrip(trip));
    const sinks = [(scan: Parameters<CortexLink['scan']>[0]) => cortex.scan(scan)];
    sinks.push((scan) => comms.scan(scan));
    fanOutRevolutions(this.devices.filter(isLidar), sinks);
  }
}
