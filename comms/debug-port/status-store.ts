import type { Clock } from '../../time/clock.js';
import { US_PER_MS } from '../../time/clock.js';
import type { CortexStatus } from '../../messages/cortex-comms-protocol.js';
import type { RuntimeStatus } from '../../messages/runtime-status.js';

/** A snapshot older than this is served with `stale: true`: the main thread is not publishing. */
export const DEFAULT_STALE_AFTER_MS = 2_000;

/** The latest snapshot with its age on this thread's clock. */
export interface StatusSnapshot {
  /** The runtime's status, with the mesh as the comms thread knows it (absent when the thread has no mesh source). */
  status: RuntimeStatus & { mesh?: object };
  /** Time since the snapshot arrived, milliseconds (whole, never negative). */
  ageMs: number;
  /** True when `ageMs` exceeds the store's `staleAfterMs`. */
  stale: boolean;
}

/** What `/readyz` answers. `reason` is empty when ready. */
export interface Readiness {
  ready: boolean;
  reason: string;
}

export interface StatusStoreOptions {
  /** Age beyond which a snapshot is marked stale, milliseconds. Default {@link DEFAULT_STALE_AFTER_MS}. */
  staleAfterMs?: number;
}

/**
 * The debug port's view of the runtime: the latest {@link RuntimeStatus} the main thread posted and
 * its word on readiness. Routes answer from here and never wait on the main thread. Ages are
 * measured on the given clock from the moment a snapshot arrives, so the two threads' clocks need not
 * agree.
 */
export class StatusStore {
  private latestStatus: RuntimeStatus | null = null;
  private cortexStatus: CortexStatus | null = null;
  private meshSource: (() => object) | null = null;
  private receivedAtUs = 0;
  private mainReady = false;
  private mainReason = 'the runtime is starting';
  private readonly staleAfterUs: number;

  constructor(
    private readonly clock: Pick<Clock, 'nowUs'>,
    options: StatusStoreOptions = {},
  ) {
    const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    if (!(staleAfterMs > 0)) throw new RangeError(`StatusStore: staleAfterMs must be > 0, got ${staleAfterMs}`);
    this.staleAfterUs = staleAfterMs * US_PER_MS;
  }

  /** Replaces the snapshot; its age restarts at zero. */
  setStatus(status: RuntimeStatus): void {
    this.latestStatus = status;
    this.receivedAtUs = this.clock.nowUs();
  }

  /** The cortex's latest report: its mission's progress joins the served status. */
  setCortexStatus(status: CortexStatus): void {
    this.cortexStatus = status;
  }

  /** Where the mesh's status comes from (the comms thread's mesh relay): it joins the served status. */
  setMeshSource(source: () => object): void {
    this.meshSource = source;
  }

  /** Records what the main thread says about readiness (`reason` explains a `false`). */
  setReady(ready: boolean, reason: string): void {
    this.mainReady = ready;
    this.mainReason = reason;
  }

  /** The latest snapshot with its age, or null before the first one. */
  latest(): StatusSnapshot | null {
    if (!this.latestStatus) return null;
    const ageUs = Math.max(0, this.clock.nowUs() - this.receivedAtUs);
    const cortex = this.cortexStatus;
    const status = cortex
      ? {
          ...this.latestStatus,
          mission: {
            ...this.latestStatus.mission,
            id: cortex.missionId,
            progress: cortex.progress,
            etaS: cortex.etaS,
            goalDistanceM: cortex.goalDistanceM,
          },
        }
      : this.latestStatus;
    const withMesh = this.meshSource ? { ...status, mesh: this.meshSource() } : status;
    return { status: withMesh, ageMs: Math.round(ageUs / US_PER_MS), stale: ageUs > this.staleAfterUs };
  }

  /** Ready once the main thread said so and a first snapshot has arrived. */
  readiness(): Readiness {
    if (!this.mainReady) return { ready: false, reason: this.mainReason || 'the runtime is not ready' };
    if (!this.latestStatus) return { ready: false, reason: 'no runtime status received yet' };
    return { ready: true, reason: '' };
  }
}
