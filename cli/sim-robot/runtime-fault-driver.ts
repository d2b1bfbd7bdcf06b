import createDebug from 'debug';
import type { Pose2D } from '../../messages/geometry.js';
import { isRuntimeFault } from '../../simulator/faults/runtime-fault-schema.js';
import type { RuntimeFaultPhase } from '../../simulator/faults/runtime-fault-timeline.js';
import type { SimFaultReport } from '../../simulator/report.js';
import type { ScenarioRobot } from '../../simulator/scenario.js';
import type { MainToWorld } from '../../simulator/world-thread-protocol.js';
import type { SimRobot } from './sim-robot.js';
import { SupervisedRobotProcess } from './supervised-robot-process.js';

const log = createDebug('spinal:sim:runtime-faults');

/** Whether a robot's schedule kills its process (`kill`, `power-loss`): it then runs under a process supervisor. */
export function needsProcessSupervisor(robot: ScenarioRobot): boolean {
  return robot.faults.some((f) => isRuntimeFault(f) && (f.kind === 'kill' || f.kind === 'power-loss'));
}

/**
 * Throws the scenario's runtime faults on the robots as the world reaches them (on the main
 * thread, which holds the runtimes and their processes), and keeps their lines of the report's
 * `faults`: `atS` when the fault was thrown, `clearedAtS` when it cleared (the clock back in step,
 * room on the disk; for a killed process, when its successor's runtime was up).
 *
 * - `clock-jump`: the robot's wall clock steps `jumpS` ahead, and back at the end.
 * - `disk-full`: the robot's ledger disk refuses writes, and has room again at the end.
 * - `kill`: SIGKILL to the robot's process; the world holds its body and stops ticking it; after
 *   the restart delay the process supervisor starts a new process on the same ledger.
 * - `power-loss`: the process dies inside its next ledger transaction, after the writes and
 *   before the commit; then as `kill`. If it wrote nothing by the restart, it is killed then.
 */
export class RuntimeFaultDriver {
  private readonly reports = new Map<string, SimFaultReport>();
  /** Restarts under way: the report waits for them. */
  private readonly restarts: Array<Promise<unknown>> = [];

  constructor(
    private readonly robots: ReadonlyMap<string, SimRobot>,
    private readonly world: { postMessage(message: MainToWorld): void },
    private readonly out: { write(text: string): unknown },
  ) {}

  /** Throws or clears one phase at `simTimeUs`; resolves when the world may go on. `pose`: the robot's true pose now. */
  async apply(phase: RuntimeFaultPhase, simTimeUs: number, pose: Pose2D): Promise<void> {
    const key = `${phase.robotId}#${phase.index}`;
    const { fault } = phase;
    const atS = simTimeUs / 1e6;
    const robot = this.robots.get(phase.robotId);
    if (phase.phase === 'start')
      this.reports.set(key, { device: fault.device, kind: fault.kind, atS, clearedAtS: null });
    const report = this.reports.get(key);
    const cleared = (): void => {
      if (report) report.clearedAtS = atS;
    };
    log('%s %s on %s at %d us', phase.phase, fault.kind, phase.robotId, simTimeUs);
    if (!robot) return;
    const start = phase.phase === 'start';
    switch (fault.kind) {
      case 'clock-jump':
        robot.throwCellFault({ kind: 'clock-jump', offsetMs: start ? fault.jumpS * 1e3 : 0 });
        if (!start) cleared();
        return;
      case 'disk-full':
        robot.throwCellFault({ kind: 'disk-full', full: start });
        if (!start) cleared();
        return;
      case 'kill':
      case 'power-loss':
        if (!(robot instanceof SupervisedRobotProcess)) return;
        if (start) await this.takeDown(robot, fault.kind, atS);
        else this.bringBack(robot, simTimeUs, pose, report);
        return;
      default:
    }
  }

  /** Resolves once every restart under way has its process up (or failed). */
  async settled(): Promise<void> {
    await Promise.allSettled(this.restarts);
  }

  report(): SimFaultReport[] {
    return [...this.reports.values()];
  }

  private async takeDown(robot: SupervisedRobotProcess, kind: 'kill' | 'power-loss', atS: number): Promise<void> {
    const down = (): void => this.world.postMessage({ t: 'robot-down', robotId: robot.id, down: true });
    if (kind === 'kill') {
      await robot.kill();
      this.out.write(`${robot.id} [${atS.toFixed(3)} s] fault: process killed (SIGKILL)\n`);
      down();
      return;
    }
    // The world runs on until the process dies at its next transaction; it is dropped then.
    this.out.write(`${robot.id} [${atS.toFixed(3)} s] fault: power loss armed (at the next ledger transaction)\n`);
    void robot.cutPower().then(down);
    return Promise.resolve();
  }

  private bringBack(
    robot: SupervisedRobotProcess,
    simTimeUs: number,
    pose: Pose2D,
    report: SimFaultReport | undefined,
  ): void {
    const at = `${robot.id} [${(simTimeUs / 1e6).toFixed(3)} s]`;
    const restart = (async (): Promise<void> => {
      if (!robot.down) {
        this.out.write(`${at} fault: the process wrote nothing since the power loss was armed; killed now\n`);
        await robot.kill();
        this.world.postMessage({ t: 'robot-down', robotId: robot.id, down: true });
      }
      this.world.postMessage({ t: 'robot-down', robotId: robot.id, down: false });
      this.out.write(`${at} process supervisor: restarting\n`);
      const upUs = await robot.restart(simTimeUs, pose);
      if (report) report.clearedAtS = upUs / 1e6;
      this.out.write(`${robot.id} [${(upUs / 1e6).toFixed(3)} s] process supervisor: the new process is up\n`);
    })();
    this.restarts.push(restart.catch(() => undefined));
  }
}
