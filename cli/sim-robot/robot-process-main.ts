import createDebug from 'debug';
import { IpcLinkPort, type IpcChannel } from '../../hal/transport/sim-link/ipc-link-port.js';
import type { RobotToWorld, WorldToRobot } from '../../hal/transport/sim-link/protocol.js';
import { SimLinkClient } from '../../hal/transport/sim-link/sim-link-client.js';
import { useBackoffRandom } from '../../time/backoff.js';
import { VirtualClock } from '../../time/virtual-clock.js';
import { seededRandom } from '../../simulator/world/seeded-random.js';
import { RobotRuntime } from '../robot-runtime.js';
import { recordReportedPoses } from './reported-poses.js';
import type { RobotProcessToSim, SimToRobotProcess } from './robot-process-protocol.js';
import { simRobotRuntimeOptions } from './sim-robot-spec.js';
import { applyCellFault, newFaultCells } from './fault-cells.js';

const log = createDebug('spinal:sim:robot-process');

/** How often the robot's status goes to the simulator (its live status line), ms of wall time. */
const STATUS_PERIOD_MS = 200;

/**
 * Entry of one robot process of a simulated fleet (forked by `spinal sim`, see `robot-process.ts`):
 * the robot's runtime with its own threads, ledger and debug port, attached to the world over the
 * IPC channel. It lives only as long as that channel: when the simulator is gone, so is the robot.
 */
function runRobotProcess(channel: IpcChannel & NodeJS.Process): void {
  const send = (message: RobotProcessToSim): void => {
    try {
      channel.send?.(message, () => undefined);
    } catch (error) {
      log('not sent (the channel is closed): %O', error);
    }
  };
  // No orphans: the simulator ended or died, the robot goes with it.
  let stopped = false;
  channel.on('disconnect', () => process.exit(stopped ? 0 : 1));
  // The link exists before the runtime does: the world's first tick is held until the runtime joins the lock step.
  const clock = new VirtualClock(0);
  const link = new SimLinkClient(new IpcLinkPort<WorldToRobot, RobotToWorld>(channel), clock, {
    waitForTickHandler: true,
  });
  // The process's own fault cells (shared memory does not cross processes): set on `cell-fault`.
  const cells = newFaultCells();
  let runtime: RobotRuntime | null = null;
  let poses: ReturnType<typeof recordReportedPoses> = new Map();
  channel.on('message', (raw: unknown) => {
    const message = raw as SimToRobotProcess;
    if (typeof message !== 'object' || message === null) return;
    switch (message.t) {
      case 'start': {
        useBackoffRandom(seededRandom(message.backoffSeed));
        // A restart: the runtime starts at the sim time of its start, with its body where the world holds it.
        if (message.restart) clock.advanceTo(message.restart.startUs);
        const options = simRobotRuntimeOptions({ ...message.robot, simulatedFaults: cells }, clock, link);
        if (message.restart && options.assignment) {
          options.assignment = { ...options.assignment, initialPose: message.restart.pose };
        }
        RobotRuntime.start(options).then(
          (started) => {
            runtime = started;
            poses = recordReportedPoses(started);
            started.onEvent((event) => send({ t: 'event', event }));
            send({ t: 'started', pid: process.pid, status: started.status(), atUs: clock.nowUs() });
            void started
              .debugPortResult()
              .then((result) => send({ t: 'debug-port', result, address: started.debugPortAddress() }));
            setInterval(() => send({ t: 'status', status: started.status() }), STATUS_PERIOD_MS).unref();
          },
          (error: unknown) => {
            send({ t: 'start-failed', message: error instanceof Error ? error.message : String(error) });
            process.exitCode = 1;
            channel.disconnect();
          },
        );
        return;
      }
      case 'cell-fault':
        applyCellFault(cells, message.fault);
        return;
      case 'operate':
        if (runtime) send({ t: 'operated', id: message.id, result: runtime.operate(message.command) });
        return;
      case 'stall-cortex':
        runtime?.stallCortex(message.durationUs);
        return;
      case 'settle':
        if (!runtime) return;
        send({
          t: 'settled',
          outcome: {
            missionState: runtime.missionState(),
            readiness: runtime.readiness(),
            trips: [...runtime.trips],
            reportedPoses: [...poses],
          },
        });
        return;
      case 'stop':
        void (runtime?.stop() ?? Promise.resolve()).finally(() => {
          stopped = true;
          send({ t: 'stopped' });
          channel.disconnect();
        });
        return;
      default:
      // The link's own messages (handled by the link) and anything unknown.
    }
  });
}

if (process.send) runRobotProcess(process);
