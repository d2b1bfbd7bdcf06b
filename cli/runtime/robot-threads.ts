import { MessageChannel, type Worker } from 'node:worker_threads';
import { debugPortSettingsFromParams } from '../../comms/debug-port/debug-port-settings.js';
import type { ParamValues } from '../../config/params.js';
import { startThread } from '../thread-launcher.js';

/**
 * Starts the robot's worker threads: the cortex, and the comms thread (the debug port) unless it is
 * off (on the robot's clock: virtual under the simulator's lock step), joined by their own channel so that what they tell each other (mission progress now; maps,
 * missions, peers as they come) never crosses the reflex's thread.
 */
export function startRobotThreads(
  params: ParamValues,
  withComms: boolean,
  clock: { lockstep: boolean; startUs: number },
): { cortex: Worker; comms: Worker | null } {
  if (!withComms) return { cortex: startThread('cortex'), comms: null };
  const { port1, port2 } = new MessageChannel();
  const cortex = startThread('cortex', { peer: port1 }, [port1]);
  const comms = startThread(
    'comms',
    {
      ...debugPortSettingsFromParams(params),
      clock: clock.lockstep ? 'virtual' : 'real',
      startUs: clock.startUs,
      peer: port2,
    },
    [port2],
  );
  return { cortex, comms };
}
