import {
  FINAL_MISSION_STATES,
  type MissionOrder,
  type MissionState,
  type MissionTransition,
  type MissionView,
} from '../../messages/mission.js';
import { assertTransition } from './mission-lifecycle.js';

/** Missions that ended, kept for status and `GET /api/v1/missions`, newest last. */
const FINISHED_KEPT = 20;

/** One mission on the board: its order, where it is in its life, and what the executor tracks of it. */
export interface MissionRecord<Progress> {
  readonly order: MissionOrder;
  state: MissionState;
  reason: string;
  /** Order of arrival: among missions of one priority, the earlier runs first. */
  readonly arrival: number;
  /** What the executor keeps of its progress while it runs (its route), null before it first starts. */
  progress: Progress | null;
}

/**
 * The robot's missions: the one running, those waiting (queued, or preempted and waiting to
 * resume) and those that ended. Higher priority runs first; among equals, the earlier order. A
 * mission of higher priority than the running one preempts it, and the preempted one resumes
 * once nothing of higher priority waits. Every change of state goes through the lifecycle table
 * and is reported to `onTransition` (an event). Pure: times come in as arguments.
 */
export class MissionBoard<Progress> {
  private readonly waiting: Array<MissionRecord<Progress>> = [];
  private readonly finished: Array<MissionRecord<Progress>> = [];
  private running: MissionRecord<Progress> | null = null;
  private arrivals = 0;

  constructor(private readonly onTransition: (transition: MissionTransition) => void) {}

  /** The mission running (active or held), or null. */
  get active(): MissionRecord<Progress> | null {
    return this.running;
  }

  /** The mission with this id, wherever it is on the board (null: none). */
  find(id: string): MissionRecord<Progress> | null {
    if (this.running?.order.id === id) return this.running;
    return this.waiting.find((r) => r.order.id === id) ?? this.finished.find((r) => r.order.id === id) ?? null;
  }

  /** True when a mission with this id is running or waiting (an id may be used again once its mission ended). */
  has(id: string): boolean {
    return this.running?.order.id === id || this.waiting.some((r) => r.order.id === id);
  }

  /**
   * Queues `order` (`why`: the reason its event gives; default its priority); when its priority
   * is above the running mission's, that one is preempted and `order` starts at once. Returns its
   * record (the caller checked the order was possible and its id unused).
   */
  submit(order: MissionOrder, atUs: number, why = `priority ${order.priority}`): MissionRecord<Progress> {
    const record: MissionRecord<Progress> = {
      order,
      state: 'idle',
      reason: '',
      arrival: this.arrivals++,
      progress: null,
    };
    this.move(record, 'queued', why, atUs);
    this.waiting.push(record);
    const running = this.running;
    if (running && order.priority > running.order.priority) {
      this.move(
        running,
        'preempted',
        `preempted by ${order.id} (priority ${order.priority} > ${running.order.priority})`,
        atUs,
      );
      this.waiting.push(running);
      this.running = null;
    }
    return record;
  }

  /** An order refused as it arrived (malformed, impossible): kept as failed with the reason, never run. */
  reject(order: MissionOrder, reason: string, atUs: number): void {
    const record: MissionRecord<Progress> = {
      order,
      state: 'idle',
      reason: '',
      arrival: this.arrivals++,
      progress: null,
    };
    this.move(record, 'failed', `refused: ${reason}`, atUs);
    this.keep(record);
  }

  /**
   * Starts the waiting mission that comes first (highest priority, then earliest) when none runs;
   * returns the running one (null: nothing to do).
   */
  startNext(atUs: number): MissionRecord<Progress> | null {
    if (this.running) return this.running;
    let best = -1;
    this.waiting.forEach((r, i) => {
      const b = this.waiting[best];
      if (
        !b ||
        r.order.priority > b.order.priority ||
        (r.order.priority === b.order.priority && r.arrival < b.arrival)
      ) {
        best = i;
      }
    });
    if (best < 0) return null;
    const [record] = this.waiting.splice(best, 1) as [MissionRecord<Progress>];
    this.move(record, 'active', record.state === 'preempted' ? 'resumed' : 'started', atUs);
    this.running = record;
    return record;
  }

  /** The running mission holds (the reflex stopped the robot, a peer has right of way); no-op when none or already held. */
  hold(reason: string, atUs: number): void {
    const running = this.running;
    if (running?.state === 'active') this.move(running, 'held', reason, atUs);
  }

  /** A held mission goes on. */
  release(atUs: number): void {
    const running = this.running;
    if (running?.state === 'held') this.move(running, 'active', 'hold released', atUs);
  }

  /** The running mission ended (reached, or failed with `reason`); the next one starts at {@link startNext}. */
  finish(state: 'succeeded' | 'failed', reason: string, atUs: number): void {
    const running = this.running;
    if (!running) return;
    this.move(running, state, reason, atUs);
    this.running = null;
    this.keep(running);
  }

  /** Aborts the mission with this id, running or waiting; false when there is no such mission (or it already ended). */
  cancel(id: string, reason: string, atUs: number): boolean {
    const running = this.running;
    if (running?.order.id === id) {
      this.move(running, 'aborted', reason, atUs);
      this.running = null;
      this.keep(running);
      return true;
    }
    const i = this.waiting.findIndex((r) => r.order.id === id);
    if (i < 0) return false;
    const [record] = this.waiting.splice(i, 1) as [MissionRecord<Progress>];
    this.move(record, 'aborted', reason, atUs);
    this.keep(record);
    return true;
  }

  /** Every mission on the board: running first, then waiting in the order they would run, then those that ended (newest first). */
  records(): Array<MissionRecord<Progress>> {
    const waiting = [...this.waiting].sort((a, b) => b.order.priority - a.order.priority || a.arrival - b.arrival);
    return [...(this.running ? [this.running] : []), ...waiting, ...[...this.finished].reverse()];
  }

  /** The views of {@link records}, with progress as `describe` gives it. */
  views(
    describe: (record: MissionRecord<Progress>) => Pick<MissionView, 'progress' | 'etaS' | 'lapsDone'>,
  ): MissionView[] {
    return this.records().map((record) => ({
      id: record.order.id,
      kind: record.order.mission.kind,
      priority: record.order.priority,
      source: record.order.source,
      state: record.state,
      reason: record.reason,
      ...describe(record),
    }));
  }

  private move(record: MissionRecord<Progress>, to: MissionState, reason: string, atUs: number): void {
    const from = record.state;
    assertTransition(from, to);
    record.state = to;
    record.reason = reason;
    this.onTransition({
      id: record.order.id,
      kind: record.order.mission.kind,
      from,
      to: record.state,
      reason: record.reason,
      atUs,
    });
  }

  private keep(record: MissionRecord<Progress>): void {
    if (!FINAL_MISSION_STATES.has(record.state)) return;
    this.finished.push(record);
    if (this.finished.length > FINISHED_KEPT) this.finished.shift();
  }
}
