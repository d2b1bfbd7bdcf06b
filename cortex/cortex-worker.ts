import createDebug from 'debug';
import { MonotonicClock } from '../time/monotonic-clock.js';
import { VirtualClock } from '../time/virtual-clock.js';
import type { CortexToMain, MainToCortex } from './cortex-thread-protocol.js';
import { MissionExecutor } from './mission-executor.js';

const log = createDebug('spinal:cortex');

/** The part of a MessagePort the cortex needs. */
export interface CortexPort {
  postMessage(message: CortexToMain): void;
  on(event: 'message', listener: (message: MainToCortex) => void): unknown;
  close?(): void;
}

/** Busy-blocks the thread until the shared clock (or wall time) reaches `untilUs`: no message, no timer runs meanwhile. */
function stallThread(untilUs: number, clock: SharedArrayBuffer | null): void {
  const shared = clock ? new Float64Array(clock) : null;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const nowUs = (): number => (shared ? (shared[0] ?? 0) : (performance.timeOrigin + performance.now()) * 1_000);
  log('stalling until %d us', untilUs);
  while (nowUs() < untilUs) Atomics.wait(sleeper, 0, 0, 1);
  log('stall over');
}

/** Entry of the cortex worker thread: waits for `init`, then runs the mission executor. */
export function runCortexWorker(port: CortexPort): void {
  let executor: MissionExecutor | null = null;
  let virtualClock: VirtualClock | null = null;
  const send = (message: CortexToMain): void => port.postMessage(message);

  port.on('message', (message: MainToCortex) => {
    switch (message.t) {
      case 'init': {
        const clock =
          message.clock === 'virtual' ? (virtualClock = new VirtualClock(message.startUs)) : new MonotonicClock();
        executor = new MissionExecutor(clock, message.settings, send);
        executor.start(message.assignment);
        log('cortex started (%s clock)', message.clock);
        return;
      }
      case 'tick':
        virtualClock?.advanceTo(message.nowUs);
        // Before `init` nothing is scheduled yet: ask for the next tick rather than none.
        send({ t: 'tick-done', nowUs: message.nowUs, nextDueUs: virtualClock?.nextDueUs() ?? message.nowUs });
        return;
      case 'stall':
        stallThread(message.untilUs, message.clock);
        return;
      case 'applied':
        executor?.applied(message.applied);
        return;
      case 'shutdown':
        executor?.stop();
        port.close?.();
        return;
      default:
        log('dropped an unknown message: %O', message);
    }
  });
}
