import type { MessagePort } from 'node:worker_threads';
import type { LinkPort, RobotToWorld, WorldToRobot } from '../../hal/transport/sim-link/protocol.js';
import { InProcessSimRobot } from './in-process-sim-robot.js';
import { RobotProcess, robotProcessEntry } from './robot-process.js';
import type { SimRobot } from './sim-robot.js';
import type { SimRobotSpec } from './sim-robot-spec.js';
import { SupervisedRobotProcess } from './supervised-robot-process.js';
import { newFaultCells } from './fault-cells.js';

/**
 * Starts a scenario's robots, all at once, each on its end of its link to the world: on the
 * simulator's main thread, or with `inProcesses` each robot of a fleet in a process of its own (on
 * the main thread still for a robot alone, and where there is no robot-process entry, as in a
 * single-file bundle). `backoffSeed`
 * seeds each robot process's reconnection jitter. A robot named in `supervised` (its process is
 * to be killed and restarted) runs in a process of its own under a process supervisor whatever
 * `inProcesses` says; there must be a robot-process entry then. If any robot fails to start, those
 * that did are stopped and the first failure is thrown.
 */
export async function startSimRobots(
  robots: ReadonlyArray<{ robot: SimRobotSpec; port: MessagePort }>,
  backoffSeed: number,
  inProcesses: boolean,
  supervised: ReadonlySet<string> = new Set(),
): Promise<SimRobot[]> {
  const processEntry = robotProcessEntry();
  const entry = inProcesses && robots.length > 1 ? processEntry : null;
  const started = await Promise.allSettled(
    robots.map(({ robot, port }) => {
      if (supervised.has(robot.spec.id)) {
        if (!processEntry) {
          return Promise.reject(
            new Error(
              `robot ${robot.spec.id}: a kill or power-loss fault needs robot processes, which this build lacks`,
            ),
          );
        }
        return SupervisedRobotProcess.start(processEntry, robot, port, backoffSeed);
      }
      return entry
        ? RobotProcess.start(entry, robot, port, backoffSeed)
        : InProcessSimRobot.start(
            { ...robot, simulatedFaults: newFaultCells() },
            port as unknown as LinkPort<WorldToRobot, RobotToWorld>,
          );
    }),
  );
  const failed = started.find((result) => result.status === 'rejected');
  if (!failed) return started.map((result) => (result as PromiseFulfilledResult<SimRobot>).value);
  await Promise.allSettled(started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : null)));
  throw failed.reason;
}
