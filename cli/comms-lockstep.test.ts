import { describe, expect, it } from 'vitest';
import type { MainToComms } from '../comms/comms-thread-protocol.js';
import { CommsLockstep } from './comms-lockstep.js';

/** Whether `promise` has settled once pending callbacks have run. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('CommsLockstep', () => {
  it('relays every tick, and waits for the answer only when a timer of the comms thread is due by then', async () => {
    const posted: MainToComms[] = [];
    const lockstep = new CommsLockstep((message) => posted.push(message));

    // Nothing due (the thread has not answered yet): the tick goes on at once
    expect(await settled(lockstep.tick(10_000))).toBe(true);
    lockstep.answered({ t: 'tick-done', nowUs: 10_000, nextDueUs: 30_000 });
    expect(await settled(lockstep.tick(20_000))).toBe(true);
    lockstep.answered({ t: 'tick-done', nowUs: 20_000, nextDueUs: 30_000 });

    // A timer due at 30 ms: the tick at 30 ms waits for the thread
    const due = lockstep.tick(30_000);
    expect(await settled(due)).toBe(false);
    lockstep.answered({ t: 'tick-done', nowUs: 20_000, nextDueUs: 30_000 });
    expect(await settled(due)).toBe(false);
    lockstep.answered({ t: 'tick-done', nowUs: 30_000, nextDueUs: Infinity });
    expect(await settled(due)).toBe(true);

    expect(await settled(lockstep.tick(40_000))).toBe(true);
    expect(posted.map((m) => (m.t === 'tick' ? m.nowUs : m.t))).toEqual([10_000, 20_000, 30_000, 40_000]);
  });
});
