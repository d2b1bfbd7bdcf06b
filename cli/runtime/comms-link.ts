import type { Worker } from 'node:worker_threads';
import createDebug from 'debug';
import {
  isCommsToMain,
  type CommsToMain,
  type MainToComms,
  type OperatorCommand,
  type OperatorResult,
} from '../../comms/comms-thread-protocol.js';
import { lidarPointsBuffers, type LidarPoints } from '../../messages/lidar-points.js';
import type { RuntimeEventBody } from '../../messages/runtime-event.js';
import type { CommittedMessage } from '../../comms/comms-thread-protocol.js';
import type { ConfigUpdateAnswer, ConfigUpdateRequest } from '../../comms/config-channel.js';
import type { Pose2D } from '../../messages/geometry.js';
import type { RuntimeStatus } from '../../messages/runtime-status.js';
import type { Cancel, Clock } from '../../time/clock.js';
import type { LockstepCell } from '../../time/lockstep-cell.js';
import { CommsLockstep } from '../comms-lockstep.js';

const log = createDebug('spinal:runtime:comms');

/** How often the status snapshot goes to the comms thread, microseconds of the robot's clock. */
const STATUS_PERIOD_US = 200_000;
/** How often the pose goes to the comms thread while the Foxglove server is on, microseconds (20 Hz: above the mesh's 10 Hz state). */
const POSE_PERIOD_US = 50_000;
/** How long a stopping comms thread gets to close its port before it is terminated, ms. */
const STOP_GRACE_MS = 1_000;

export type DebugPortResult = { ok: true } | { ok: false; message: string };

/**
 * The main thread's side of the comms worker (the debug port): sends it the status a few times a
 * second (and, for Foxglove, the pose 20 times a second), every event and each lidar revolution;
 * answers its operator commands and applies the supervisor's config updates it relays (answering
 * once they are in force); learns where the port is bound, or why it is not. What comms receives from the cortex never passes here.
 */
export class CommsLink {
  private address: string | null = null;
  private readonly settled: Promise<DebugPortResult>;
  private settle: (result: DebugPortResult) => void = () => undefined;
  private readonly cancelStatus: Cancel;
  private readonly lockstep: CommsLockstep | null;
  private readonly publishStatus: () => void;
  private dropped = 0;

  /** Under the simulator (`lockstepCell`), the comms thread runs on the robot's clock and takes part in the lock step. */
  constructor(
    private readonly worker: Worker,
    clock: Clock,
    lockstepCell: LockstepCell | null,
    operate: (command: OperatorCommand) => OperatorResult,
    snapshot: () => { status: RuntimeStatus; ready: boolean; reason: string },
    private readonly committed: (message: CommittedMessage) => void,
    private readonly configure: (update: ConfigUpdateRequest) => ConfigUpdateAnswer,
    /** The world pose now, posted every {@link POSE_PERIOD_US} on its own (null: not posted apart from the status). */
    pose: (() => Pose2D | null) | null = null,
  ) {
    this.settled = new Promise((resolve) => (this.settle = resolve));
    this.lockstep = lockstepCell ? new CommsLockstep((message) => this.post(message), lockstepCell) : null;
    this.publishStatus = () => {
      const { status, ready, reason } = snapshot();
      this.post({ t: 'status', status });
      this.post({ t: 'ready', ready, reason });
    };
    worker.on('message', (message: unknown) => {
      if (!isCommsToMain(message)) {
        this.dropped++;
        log('dropped a malformed message from comms (%d so far)', this.dropped);
        return;
      }
      this.dispatch(message, operate);
    });
    worker.on('error', (error) => {
      log('comms thread failed: %O', error);
      this.settle({ ok: false, message: `the comms thread failed: ${error.message}` });
    });
    const cancelStatus = clock.every(STATUS_PERIOD_US, this.publishStatus);
    const cancelPose = pose
      ? clock.every(POSE_PERIOD_US, () => {
          const now = pose();
          if (now) this.post({ t: 'pose', pose: now, stampUs: clock.nowUs() });
        })
      : () => undefined;
    this.cancelStatus = () => {
      cancelStatus();
      cancelPose();
    };
  }

  /** A lock-step tick relayed to the comms thread; resolves once it has run what is due (at once when nothing is). */
  tick(nowUs: number): Promise<void> | undefined {
    return this.lockstep?.tick(nowUs);
  }

  /** The address the debug port is bound to, once it is (null before, or when it failed). */
  boundAddress(): string | null {
    return this.address;
  }

  /** Resolves once the debug port is bound, or could not be (with the reason). */
  result(): Promise<DebugPortResult> {
    return this.settled;
  }

  /** An event for the ledger, answered by a `committed` report. */
  record(id: number, body: RuntimeEventBody, atUs: number): void {
    this.post({ t: 'record', id, body, atUs });
  }

  /** One lidar revolution; its arrays are transferred (the caller keeps no reference). */
  scan(scan: LidarPoints): void {
    this.worker.postMessage({ t: 'scan', scan } satisfies MainToComms, lidarPointsBuffers(scan));
  }

  /** Asks the thread to close the port and waits for it (terminating it after a grace period). */
  stop(): Promise<void> {
    this.cancelStatus();
    const { worker } = this;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => void worker.terminate().then(done, done), STOP_GRACE_MS);
      worker.on('message', (message: CommsToMain) => {
        if (message.t === 'stopped') void worker.terminate().then(done, done);
      });
      worker.on('exit', done);
      this.post({ t: 'shutdown' });
    });
  }

  private post(message: MainToComms): void {
    this.worker.postMessage(message);
  }

  private dispatch(message: CommsToMain, operate: (command: OperatorCommand) => OperatorResult): void {
    switch (message.t) {
      case 'listening':
        this.address = message.address;
        log('debug port on http://%s', message.address);
        // The first snapshot goes out at once: the port answers with it from its first request.
        this.publishStatus();
        this.settle({ ok: true });
        return;
      case 'listen-failed':
        this.settle({ ok: false, message: message.message });
        return;
      case 'command':
        this.post({ t: 'command-result', id: message.id, result: operate(message.command) });
        return;
      case 'config-update': {
        const { id, version, values, by } = message;
        this.post({ t: 'config-result', id, ...this.configure({ version, values, by }) });
        return;
      }
      case 'tick-done':
        this.lockstep?.answered(message);
        return;
      case 'committed':
        this.committed(message);
        return;
      case 'stopped':
        return;
    }
  }
}
