import type { MotorChannel } from './api.js';
import { checkDuty } from './bridge-codec.js';
import type { BridgeCommand } from './bridge-codec.js';

/** One unit of a driver's work: a command for some of its channels, or a task of its own (start, check). */
export type BridgeJob<TTask> =
  | { readonly kind: 'command'; readonly channels: readonly string[]; readonly command: BridgeCommand }
  | { readonly kind: 'task'; readonly task: TTask };

/** Runs one job; resolves with the error its callers are rejected with, or undefined. Never rejects. */
export type RunBridgeJob<TTask> = (job: BridgeJob<TTask>) => Promise<Error | undefined>;

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

type QueuedJob<TTask> =
  | { kind: 'command'; channels: readonly string[]; command: BridgeCommand; replaceable: boolean; waiters: Waiter[] }
  | { kind: 'task'; task: TTask; waiters: Waiter[] };

/**
 * The work queue of a motor driver. Jobs run one at a time, in order, so the writes of two
 * commands never interleave. A `setDuty` still waiting in the queue is overwritten by a newer one
 * for the same channel (latest wins; both callers settle with the newer one's outcome), but never
 * across a brake, a coast, a stop or a task queued after it: those are never dropped or reordered.
 */
export class BridgeCommandQueue<TTask> {
  private readonly queue: Array<QueuedJob<TTask>> = [];
  private readonly channels = new Map<string, MotorChannel>();
  private draining = false;

  constructor(private readonly run: RunBridgeJob<TTask>) {}

  /**
   * The channel `name` (the same object at every call), whose `setDuty` (checked, replaceable),
   * `brake` and `coast` are queued here. The driver checks that the name is one of its channels.
   */
  channel(name: string): MotorChannel {
    const existing = this.channels.get(name);
    if (existing) return existing;
    const channel: MotorChannel = {
      name,
      setDuty: async (duty) => {
        checkDuty(duty);
        return this.command([name], { mode: 'drive', duty }, true);
      },
      brake: () => this.command([name], { mode: 'brake' }, false),
      coast: () => this.command([name], { mode: 'coast' }, false),
    };
    this.channels.set(name, channel);
    return channel;
  }

  /**
   * Queues `command` for `channels`. A `replaceable` command for one channel takes the place of
   * the command of the last queued job for that channel when that job is replaceable too.
   * Resolves when it has run; rejects with the error the run returned.
   */
  command(channels: readonly string[], command: BridgeCommand, replaceable: boolean): Promise<void> {
    if (replaceable && channels.length === 1) {
      const queued = this.latestQueuedFor(channels[0] ?? '');
      if (queued?.kind === 'command' && queued.replaceable) {
        queued.command = command;
        return new Promise((resolve, reject) => queued.waiters.push({ resolve, reject }));
      }
    }
    return this.enqueue({ kind: 'command', channels, command, replaceable, waiters: [] });
  }

  /** Queues a task of the driver's own; settles like a command. */
  task(task: TTask): Promise<void> {
    return this.enqueue({ kind: 'task', task, waiters: [] });
  }

  /** The last queued (not yet running) job that would set this channel, a task included, if any. */
  private latestQueuedFor(channel: string): QueuedJob<TTask> | undefined {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const job = this.queue[i];
      if (job && (job.kind !== 'command' || job.channels.includes(channel))) return job;
    }
    return undefined;
  }

  private enqueue(job: QueuedJob<TTask>): Promise<void> {
    const done = new Promise<void>((resolve, reject) => job.waiters.push({ resolve, reject }));
    this.queue.push(job);
    void this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
        const error = await this.run(
          job.kind === 'task'
            ? { kind: 'task', task: job.task }
            : { kind: 'command', channels: job.channels, command: job.command },
        );
        for (const waiter of job.waiters) {
          if (error) waiter.reject(error);
          else waiter.resolve();
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
