import { describe, expect, it } from 'vitest';
import { TransportError } from '../transport/transport-error.js';
import { BridgeCommandQueue } from './bridge-command-queue.js';
import type { BridgeJob } from './bridge-command-queue.js';

/** A driver stand-in: records every job it is given and holds each until released. */
class HeldRunner {
  readonly jobs: string[] = [];
  private readonly pending: Array<(error: Error | undefined) => void> = [];

  readonly run = (job: BridgeJob<'init'>): Promise<Error | undefined> => {
    this.jobs.push(
      job.kind === 'task'
        ? job.task
        : `${job.channels.join('+')} ${job.command.mode}${job.command.mode === 'drive' ? ` ${job.command.duty}` : ''}`,
    );
    return new Promise((resolve) => this.pending.push(resolve));
  };

  /** Ends the job that is running, with `error` or without. */
  async finish(error?: Error): Promise<void> {
    this.pending.shift()?.(error);
    await flush();
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** The settled state of a promise, once the microtasks have run. */
function outcome(promise: Promise<void>): { value: string } {
  const seen = { value: 'pending' };
  promise.then(
    () => (seen.value = 'resolved'),
    (error: Error) => (seen.value = `rejected: ${error.message}`),
  );
  return seen;
}

describe('BridgeCommandQueue', () => {
  it('runs one job at a time, in the order queued', async () => {
    const runner = new HeldRunner();
    const queue = new BridgeCommandQueue(runner.run);
    const first = outcome(queue.task('init'));
    const second = outcome(queue.channel('A').brake());
    await flush();
    expect(runner.jobs).toEqual(['init']);
    expect(first.value).toBe('pending');
    await runner.finish();
    expect(first.value).toBe('resolved');
    expect(runner.jobs).toEqual(['init', 'A brake']);
    await runner.finish();
    expect(second.value).toBe('resolved');
  });

  it('lets a newer setDuty take the place of a waiting one for the same channel; both callers settle with it', async () => {
    const runner = new HeldRunner();
    const queue = new BridgeCommandQueue(runner.run);
    const a = queue.channel('A');
    void queue.task('init');
    const older = outcome(a.setDuty(0.2));
    const other = outcome(queue.channel('B').setDuty(0.3));
    const newer = outcome(a.setDuty(0.5));
    await runner.finish();
    await runner.finish();
    await runner.finish();
    expect(runner.jobs).toEqual(['init', 'A drive 0.5', 'B drive 0.3']);
    expect([older.value, newer.value, other.value]).toEqual(['resolved', 'resolved', 'resolved']);
  });

  it('never drops or reorders a brake, a coast, a stop or a task queued after a setDuty', async () => {
    const runner = new HeldRunner();
    const queue = new BridgeCommandQueue(runner.run);
    const a = queue.channel('A');
    void queue.task('init');
    void a.setDuty(0.2);
    void a.brake();
    void a.setDuty(0.4);
    void queue.command(['A', 'B'], { mode: 'coast' }, false);
    void a.setDuty(0.6);
    void queue.task('init');
    void a.setDuty(0.8);
    for (let i = 0; i < 8; i++) await runner.finish();
    expect(runner.jobs).toEqual([
      'init',
      'A drive 0.2',
      'A brake',
      'A drive 0.4',
      'A+B coast',
      'A drive 0.6',
      'init',
      'A drive 0.8',
    ]);
  });

  it('rejects every caller of a job with the error its run returned, and runs the next job', async () => {
    const runner = new HeldRunner();
    const queue = new BridgeCommandQueue(runner.run);
    const a = queue.channel('A');
    void queue.task('init');
    const older = outcome(a.setDuty(0.2));
    const newer = outcome(a.setDuty(-0.2));
    const after = outcome(a.coast());
    await runner.finish();
    await runner.finish(new TransportError('EIO', 'line 17'));
    expect([older.value, newer.value]).toEqual(['rejected: EIO: line 17', 'rejected: EIO: line 17']);
    expect(runner.jobs.at(-1)).toBe('A coast');
    await runner.finish();
    expect(after.value).toBe('resolved');
  });

  it('refuses a duty outside -1..1 without queueing it, and gives the same channel object for a name', async () => {
    const runner = new HeldRunner();
    const queue = new BridgeCommandQueue(runner.run);
    await expect(queue.channel('A').setDuty(1.5)).rejects.toThrow(RangeError);
    expect(runner.jobs).toEqual([]);
    expect(queue.channel('A')).toBe(queue.channel('A'));
    expect(queue.channel('B').name).toBe('B');
  });
});
