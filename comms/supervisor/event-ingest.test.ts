import { describe, expect, it } from 'vitest';
import { EventIngest } from './event-ingest.js';
import type { StoredEvent, SupervisorStore } from './supervisor-store.js';

const event = (robotId: string, seq: number): StoredEvent => ({
  robotId,
  bootId: 'boot-1',
  seq,
  atUs: seq,
  wallMs: 0,
  kind: 'mission',
  payload: '{}',
});

/** A store whose commits the test completes by hand, recording what each one was given. */
function heldStore() {
  const commits: Array<{ batches: ReadonlyArray<readonly StoredEvent[]>; done(error?: Error): void }> = [];
  const store: SupervisorStore = {
    init: () => Promise.resolve(),
    insertEvents: (batches) =>
      new Promise((resolve, reject) =>
        commits.push({
          batches,
          done: (error) => (error ? reject(error) : resolve(batches.map((b) => b.length))),
        }),
      ),
    lastSeq: () => Promise.resolve(0),
    events: () => Promise.resolve([]),
    close: () => Promise.resolve(),
  };
  return { store, commits };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('EventIngest', () => {
  it('GIVEN a commit under way WHEN several links add events THEN they all go into the next single commit, and each link learns in its order', async () => {
    const { store, commits } = heldStore();
    const ingest = new EventIngest(store);
    const stored: string[] = [];
    ingest.add(
      [event('a', 1)],
      (n) => stored.push(`a1:${n}`),
      () => stored.push('a1 failed'),
    );
    await turn();
    expect(commits).toHaveLength(1);
    // WHEN three batches from two links arrive while the first commit is still under way
    ingest.add(
      [event('a', 2), event('a', 3)],
      (n) => stored.push(`a2-3:${n}`),
      () => stored.push('failed'),
    );
    ingest.add(
      [event('b', 1)],
      (n) => stored.push(`b1:${n}`),
      () => stored.push('failed'),
    );
    ingest.add(
      [event('a', 4)],
      (n) => stored.push(`a4:${n}`),
      () => stored.push('failed'),
    );
    await turn();
    expect(commits).toHaveLength(1);
    commits[0]!.done();
    await turn();
    await turn();
    // THEN one more commit carries all three, in the order given
    expect(commits).toHaveLength(2);
    expect(commits[1]!.batches.map((b) => b.map((e) => `${e.robotId}${e.seq}`))).toEqual([
      ['a2', 'a3'],
      ['b1'],
      ['a4'],
    ]);
    expect(stored).toEqual(['a1:1']);
    commits[1]!.done();
    await turn();
    expect(stored).toEqual(['a1:1', 'a2-3:2', 'b1:1', 'a4:1']);
  });

  it('tells every link of a failed commit, acknowledges none of it, and commits what comes next', async () => {
    const { store, commits } = heldStore();
    const ingest = new EventIngest(store);
    const outcome: string[] = [];
    ingest.add(
      [event('a', 1)],
      () => outcome.push('a stored'),
      (e) => outcome.push(`a: ${e.message}`),
    );
    ingest.add(
      [event('b', 1)],
      () => outcome.push('b stored'),
      (e) => outcome.push(`b: ${e.message}`),
    );
    await turn();
    commits[0]!.done(new Error('disk I/O error'));
    await turn();
    expect(outcome).toEqual(['a: disk I/O error', 'b: disk I/O error']);
    ingest.add(
      [event('a', 2)],
      () => outcome.push('a2 stored'),
      () => outcome.push('a2 failed'),
    );
    await turn();
    commits[1]!.done();
    await turn();
    expect(outcome.at(-1)).toBe('a2 stored');
  });
});
