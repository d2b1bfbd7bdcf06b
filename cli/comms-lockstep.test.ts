import { describe, expect, it } from 'vitest';
import type { MainToComms } from '../comms/comms-thread-protocol.js';
import { LockstepCell } from '../time/lockstep-cell.js';
import { CommsLockstep } from './comms-lockstep.js';

/** Whether `promise` has settled once pending callbacks have run. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('CommsLockstep', () => {
  it('sends a tick, and waits for its answer, only when a timer of the comms thread is due by then', async () => {
    const posted: MainToComms[] = [];
    const cell = new LockstepCell(0);
    const lockstep = new CommsLockstep((message) => posted.push(message), cell);

    // No timer pending: the tick writes the robot's time and goes on at once, sending nothing
    expect(await settled(lockstep.tick(10_000))).toBe(true);
    expect(cell.robotNowUs()).toBe(10_000);
    cell.setNextDueUs(30_000);
    expect(await settled(lockstep.tick(20_000))).toBe(true);
    expect(posted).toEqual([]);

    // A timer due at 30 ms: the tick at 30 ms is sent and waits for the thread's answer to it
    const due = lockstep.tick(30_000);
    expect(await settled(due)).toBe(false);
    lockstep.answered({ t: 'tick-done', nowUs: 20_000, nextDueUs: 30_000 });
    expect(await settled(due)).toBe(false);
    cell.setNextDueUs(Infinity);
    lockstep.answered({ t: 'tick-done', nowUs: 30_000, nextDueUs: Infinity });
    expect(await settled(due)).toBe(true);

    expect(await settled(lockstep.tick(40_000))).toBe(true);
    expect(posted.map((m) => (m.t === 'tick' ? m.nowUs : m.t))).toEqual([30_000]);
  });
});
