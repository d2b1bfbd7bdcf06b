import type { MessagePort } from 'node:worker_threads';
import type { LinkPort, RobotToWorld, WorldToRobot } from '../../hal/transport/sim-link/protocol.js';
import { InProcessSimRobot } from './in-process-sim-robot.js';
import { RobotProcess, robotProcessEntry } from './robot-process.js';
import type { SimRobot } from './sim-robot.js';
import type { SimRobotSpec } from './sim-robot-spec.js';

/**
 * Starts a scenario's robots, all at once, each on its end of its link to the world: on the
 * simulator's main thread, or with `inProcesses` each robot of a fleet in a process of its own (on
 * the main thread still for a robot alone, and where there is no robot-process entry, as in a
 * single-file bundle). `backoffSeed`
 * seeds each robot process's reconnection jitter. If any robot fails to start, those that did are
 * stopped and the first failure is thrown.
 */
export async function startSimRobots(
  robots: ReadonlyArray<{ robot: SimRobotSpec; port: MessagePort }>,
  backoffSeed: number,
  inProcesses: boolean,
): Promise<SimRobot[]> {
  const entry = inProcesses && robots.length > 1 ? robotProcessEntry() : null;
  const started = await Promise.allSettled(
    robots.map(({ robot, port }) =>
      entry
        ? RobotProcess.start(entry, robot, port, backoffSeed)
        : InProcessSimRobot.start(robot, port as unknown as LinkPort<WorldToRobot, RobotToWorld>),
    ),
  );
  const failed = started.find((result) => result.status === 'rejected');
  if (!failed) return started.map((result) => (result as PromiseFulfilledResult<SimRobot>).value);
  await Promise.allSettled(started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : null)));
  throw failed.reason;
}
